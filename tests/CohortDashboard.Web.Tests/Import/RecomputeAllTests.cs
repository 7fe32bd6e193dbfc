using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Import;
using CohortDashboard.Web.Features.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Import;

/// <summary><see cref="RecomputeAllService"/> with recording steps, over the real app's database and job gates.</summary>
public sealed class RecomputeAllTests(SeededApp app) : IClassFixture<SeededApp>
{
    private const long Contoso = DemoDataGenerator.ContosoOrgId;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Actor Admin = new("demo-contoso-admin", "admin", null, false);

    private sealed class Step(int order, string name, List<string> log, bool fail = false, Func<Task>? during = null) : IRecomputeStep
    {
        public int Order => order;
        public string Name => name;

        public async Task<string> RunAsync(Actor actor, CancellationToken ct)
        {
            log.Add(name);
            if (during is not null) await during();
            if (fail) throw new InvalidOperationException($"{name} broke");
            return $"{name} ok";
        }
    }

    private AsyncServiceScope OrgServices()
    {
        var scope = app.Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(Contoso);
        return scope;
    }

    private static RecomputeAllService Service(IServiceProvider services, params IRecomputeStep[] steps) =>
        new(steps, services.GetRequiredService<IDbContextFactory<CohortDbContext>>(), services.GetRequiredService<OrgJobs>(), TimeProvider.System);

    private static async Task SetStaleAsync(IServiceProvider services, DateTime? value)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        await db.Organizations.ExecuteUpdateAsync(s => s.SetProperty(o => o.ResultsStaleSince, value), Ct);
    }

    private static async Task<DateTime?> StaleAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        return await db.Organizations.Select(o => o.ResultsStaleSince).SingleAsync(Ct);
    }

    [Fact]
    public async Task RunAsync_TheAppsRegisteredSteps_RunInDependencyOrderAndFillEveryDerivedTable()
    {
        await using var scope = OrgServices();
        var service = scope.ServiceProvider.GetRequiredService<RecomputeAllService>();

        var result = await service.RunAsync(Admin, null, Ct);

        // Facts before anything reads orders, account cohorts from contracts, affinity before the signals that read it.
        Assert.Equal(["Cohort facts", "Account cohorts", "Product affinity", "Expansion signals"], service.StepNames);
        Assert.True(result.Succeeded, string.Join("; ", result.Steps.Select(s => $"{s.Name}: {s.State} {s.Summary}")));
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        Assert.True(await db.CustomerFacts.AnyAsync(Ct));
        Assert.True(await db.CohortDefinitions.AnyAsync(Ct));
        Assert.True(await db.CohortSnapshots.AnyAsync(Ct));
        Assert.True(await db.AffinityEntries.AnyAsync(Ct));
    }

    [Fact]
    public async Task RunAsync_StepsRegisteredOutOfOrder_RunByOrderAndClearStaleMark()
    {
        await using var scope = OrgServices();
        var log = new List<string>();
        await SetStaleAsync(scope.ServiceProvider, DateTime.UtcNow.AddMinutes(-5));
        var service = Service(scope.ServiceProvider, new Step(300, "c", log), new Step(100, "a", log), new Step(200, "b", log));
        var reports = new List<string>();

        var result = await service.RunAsync(Admin, new SyncProgress(s => reports.Add(string.Join(",", s.Select(x => x.State)))), Ct);

        Assert.True(result.Succeeded);
        Assert.Equal(["a", "b", "c"], log);
        Assert.Equal(["a", "b", "c"], service.StepNames);
        Assert.All(result.Steps, s => Assert.Equal(RecomputeStepState.Done, s.State));
        Assert.Contains("Running,Waiting,Waiting", reports);
        Assert.Contains("Done,Done,Running", reports);
        Assert.Null(await StaleAsync(scope.ServiceProvider));
    }

    [Fact]
    public async Task RunAsync_StepFails_LaterStepsNotRunStaleMarkKept()
    {
        await using var scope = OrgServices();
        var log = new List<string>();
        var stale = DateTime.UtcNow.AddMinutes(-1);
        await SetStaleAsync(scope.ServiceProvider, stale);
        var service = Service(scope.ServiceProvider, new Step(100, "a", log), new Step(200, "b", log, fail: true), new Step(300, "c", log));

        var result = await service.RunAsync(Admin, null, Ct);

        Assert.False(result.Succeeded);
        Assert.Equal(["a", "b"], log);
        Assert.Equal([RecomputeStepState.Done, RecomputeStepState.Failed, RecomputeStepState.NotRun], result.Steps.Select(s => s.State));
        Assert.Equal("b broke", result.Steps[1].Summary);
        Assert.NotNull(await StaleAsync(scope.ServiceProvider));
        await SetStaleAsync(scope.ServiceProvider, null);
    }

    [Fact]
    public async Task RunAsync_WhileRunning_SecondRunRefused()
    {
        await using var scope = OrgServices();
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var log = new List<string>();
        var service = Service(scope.ServiceProvider, new Step(100, "slow", log, during: async () =>
        {
            started.SetResult();
            await release.Task;
        }));

        var first = service.RunAsync(Admin, null, Ct);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await Assert.ThrowsAsync<JobBusyException>(() => service.RunAsync(Admin, null, Ct));
        release.SetResult();

        Assert.True((await first).Succeeded);
        Assert.Equal(["slow"], log);
    }

    private sealed class SyncProgress(Action<IReadOnlyList<RecomputeStepStatus>> report) : IProgress<IReadOnlyList<RecomputeStepStatus>>
    {
        public void Report(IReadOnlyList<RecomputeStepStatus> value) => report(value);
    }
}
