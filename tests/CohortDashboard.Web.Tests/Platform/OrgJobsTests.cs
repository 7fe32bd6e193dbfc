using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Expansion;
using CohortDashboard.Web.Features.Instances;
using CohortDashboard.Web.Features.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CohortDashboard.Web.Tests.Platform;

/// <summary>
/// Job exclusion over a real database: two <see cref="OrgJobs"/> on their own service providers over one database stand
/// for two app instances (SQLite, and PostgreSQL when test.sh runs one).
/// </summary>
public sealed class OrgJobsTests
{
    private const string Job = ExpansionService.GenerateJob;
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A lease renewed every 20 real minutes: within a test, a holder that is not disposed has stopped renewing.
    private static readonly TimeSpan Lease = TimeSpan.FromHours(1);

    private static async Task<ServiceProvider> InstanceAsync(TempDatabase database)
    {
        var services = await database.ServicesAsync();
        await DemoSeeder.SeedIfEmptyAsync(services, 0.01, new DateOnly(2026, 2, 1), ct: Ct);
        return services;
    }

    private static (OrgJobs Jobs, JobLeases Leases) Jobs(IServiceProvider services, TimeProvider clock, string name)
    {
        var leases = new JobLeases(services.GetRequiredService<IServiceScopeFactory>(), clock, new InstanceIdentity(name), new JobLeaseOptions(Lease), NullLogger<JobLeases>.Instance);
        return (new OrgJobs(leases), leases);
    }

    /// <summary>Instances A (which seeded the database) and B over one new database, on one clock.</summary>
    private sealed class TwoInstances : IAsyncDisposable
    {
        private readonly TempDatabase database;
        private readonly ServiceProvider servicesA, servicesB;

        public TwoInstances(TempDatabase database, ServiceProvider servicesA, ServiceProvider servicesB)
        {
            (this.database, this.servicesA, this.servicesB) = (database, servicesA, servicesB);
            A = Jobs(servicesA, Clock, "a").Jobs;
            (B, LeasesB) = Jobs(servicesB, Clock, "b");
        }

        public ManualClock Clock { get; } = new(Start);
        public OrgJobs A { get; }
        public OrgJobs B { get; }
        public JobLeases LeasesB { get; }

        public async ValueTask DisposeAsync()
        {
            await servicesA.DisposeAsync();
            await servicesB.DisposeAsync();
            await database.DisposeAsync();
        }
    }

    private static async Task<TwoInstances> TwoInstancesAsync(DatabaseProvider provider)
    {
        var database = await TempDatabase.CreateAsync(provider);
        return new TwoInstances(database, await InstanceAsync(database), await database.ServicesAsync());
    }

    [Fact]
    public async Task TryStart_SameOrgAndJobTwice_SecondIsRefusedUntilTheFirstEnds()
    {
        await using var database = TempDatabase.Sqlite();
        await using var services = await InstanceAsync(database);
        var (jobs, _) = Jobs(services, new ManualClock(Start), "a");
        using (var first = jobs.TryStart(1, Job))
        {
            Assert.NotNull(first);
            Assert.Null(jobs.TryStart(1, Job));
            Assert.True(jobs.IsRunning(1, Job));
            using var otherOrg = jobs.TryStart(2, Job);
            Assert.NotNull(otherOrg);
        }
        Assert.False(jobs.IsRunning(1, Job));
        using var again = jobs.TryStart(1, Job);
        Assert.NotNull(again);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSQL)]
    public async Task TryStart_RunningOnAnotherInstance_RefusedThereAndSeenRunningWithProgress(DatabaseProvider provider)
    {
        await using var instances = await TwoInstancesAsync(provider);
        var (clock, a, b, leasesB) = (instances.Clock, instances.A, instances.B, instances.LeasesB);

        using (var run = a.TryStart(1, Job))
        {
            Assert.NotNull(run);
            run.ReportProgress("""{"step":2}""");
            Assert.Null(b.TryStart(1, Job));
            Assert.True(b.IsRunning(1, Job));
            var seen = leasesB.Read(1, Job)!;
            Assert.Equal((JobLeases.Running, false, """{"step":2}""", false), (seen.State, seen.HeldHere, seen.Progress, seen.IsAbandoned(leasesB.Now())));
            Assert.StartsWith("a/", seen.Holder, StringComparison.Ordinal);
            run.MarkFailed();
        }
        Assert.Equal(JobLeases.Failed, leasesB.Read(1, Job)!.State);
        Assert.False(b.IsRunning(1, Job));
        using var onB = b.TryStart(1, Job);
        Assert.NotNull(onB);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSQL)]
    public async Task TryStart_HolderStoppedRenewing_AbandonedAndTakenOverOnlyAfterTheLease(DatabaseProvider provider)
    {
        await using var instances = await TwoInstancesAsync(provider);
        var (clock, a, b, leasesB) = (instances.Clock, instances.A, instances.B, instances.LeasesB);
        var dead = a.TryStart(1, Job);
        Assert.NotNull(dead);

        clock.Now = Start + Lease - TimeSpan.FromSeconds(1);
        Assert.Null(b.TryStart(1, Job));
        Assert.False(leasesB.Read(1, Job)!.IsAbandoned(leasesB.Now()));

        clock.Now = Start + Lease + TimeSpan.FromSeconds(1);
        Assert.True(leasesB.Read(1, Job)!.IsAbandoned(leasesB.Now()));
        Assert.False(b.IsRunning(1, Job));
        using var takeover = b.TryStart(1, Job);
        Assert.NotNull(takeover);

        // The stale holder ending late changes nothing: the lease is B's now.
        dead.Dispose();
        var lease = leasesB.Read(1, Job)!;
        Assert.Equal((JobLeases.Running, true), (lease.State, lease.HeldHere));
    }
}
