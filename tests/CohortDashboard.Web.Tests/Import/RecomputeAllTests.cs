using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Data.Columnar;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Expansion;
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

    private sealed class Step(int order, string name, List<string> log, bool fail = false, Func<Task>? during = null,
        string[]? jobs = null) : IRecomputeStep
    {
        public int Order => order;
        public string Name => name;
        public IReadOnlyList<string> Jobs => jobs ?? [];

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
        new(steps, services.GetRequiredService<IDbContextFactory<CohortDbContext>>(), services.GetRequiredService<OrgJobs>(),
            services.GetRequiredService<JobLeases>(), TimeProvider.System);

    private static async Task SetStaleAsync(IServiceProvider services, DateTime? value)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        await db.Organizations.ExecuteUpdateAsync(s => s.SetProperty(o => o.ResultsStaleSince, value), Ct);
    }

    private async Task<int> AuditCountAsync()
    {
        await using var scope = OrgServices();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        return await db.AuditEvents.CountAsync(Ct);
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

        // The store before anything reads orders, account cohorts from contracts, affinity before the signals that read it.
        Assert.Equal(["Columnar store", "Account cohorts", "Product affinity", "Expansion signals"], service.StepNames);
        Assert.True(result.Succeeded, string.Join("; ", result.Steps.Select(s => $"{s.Name}: {s.State} {s.Summary}")));
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(await OrgDataVersion.OrdersAsync(db, Ct), scope.ServiceProvider.GetRequiredService<ColumnarStore>().VersionOf(db.Scope.OrgId!.Value));
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

    [Fact]
    public async Task RunAsync_DuringRun_StandaloneRunOfALaterStepRefusedButTheRunItselfRunsIt()
    {
        await using var scope = OrgServices();
        var expansion = scope.ServiceProvider.GetRequiredService<ExpansionService>();
        var log = new List<string>();
        Exception? standalone = null;
        // The first step stands in for a slow facts rebuild; the standalone affinity recompute comes in meanwhile, from
        // its own flow as another request or page would (not the run's, whose own calls are let through).
        async Task TryStandaloneAsync()
        {
            Task<Exception?> other;
            using (ExecutionContext.SuppressFlow())
                other = Task.Run(async () => await Record.ExceptionAsync(() => expansion.RecomputeAffinityAsync(Admin, CancellationToken.None)));
            standalone = await other;
        }
        var service = Service(scope.ServiceProvider, new Step(100, "slow", log, during: TryStandaloneAsync), new AffinityStep(expansion));

        var result = await service.RunAsync(Admin, null, Ct);

        Assert.IsType<JobBusyException>(standalone);
        Assert.Contains(ExpansionService.RecomputeJob, standalone.Message);
        Assert.True(result.Succeeded, string.Join("; ", result.Steps.Select(s => $"{s.Name}: {s.State} {s.Summary}")));
        Assert.Equal(RecomputeStepState.Done, result.Steps[1].State);
        // Afterwards the standalone run is free again.
        Assert.True((await expansion.RecomputeAffinityAsync(Admin, Ct)).EntriesComputed > 0);
    }

    [Fact]
    public async Task RecomputeRoute_StandaloneStepRunning_409AndNoStepRuns()
    {
        var jobs = app.Factory.Services.GetRequiredService<OrgJobs>();
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        var auditBefore = await AuditCountAsync();

        HttpResponseMessage response;
        using (jobs.TryStart(Contoso, ExpansionService.GenerateJob) ?? throw new InvalidOperationException("gate taken"))
            response = await client.PostAsync("/api/recompute", null, Ct);
        // Every step writes its audit row: none may have run for the refused request.
        Assert.Equal(auditBefore, await AuditCountAsync());
        using var after = await client.PostAsync("/api/recompute", null, Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(ExpansionService.GenerateJob, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        // Nothing of the refused run was left held: a standalone run starts again.
        using var free = jobs.TryStart(Contoso, ExpansionService.RecomputeJob);
        Assert.NotNull(free);
    }

    private sealed class SyncProgress(Action<IReadOnlyList<RecomputeStepStatus>> report) : IProgress<IReadOnlyList<RecomputeStepStatus>>
    {
        public void Report(IReadOnlyList<RecomputeStepStatus> value) => report(value);
    }
}
