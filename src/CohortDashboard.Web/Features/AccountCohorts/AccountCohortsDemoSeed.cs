using CohortDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.AccountCohorts;

/// <summary>
/// With demo seeding on (<c>Demo:Seed</c>, and <c>AccountCohorts:SeedDemo</c> not false), gives every org that has
/// accounts but has never generated cohorts its definitions and snapshots before the first request, so the
/// /account-cohorts page shows data on first run. Runs once per org: later starts find the generation's audit row.
/// </summary>
internal sealed class AccountCohortsDemoSeed(IServiceProvider services, IConfiguration configuration, TimeProvider clock,
    ILogger<AccountCohortsDemoSeed> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!configuration.GetValue("Demo:Seed", false) || !configuration.GetValue("AccountCohorts:SeedDemo", true)) return;
        await using var scope = services.CreateAsyncScope();
        List<long> orgIds;
        await using (var system = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider))
        {
            orgIds = await system.Organizations.Select(o => o.Id)
                .Where(id => system.Accounts.Any(a => a.OrgId == id)
                             && !system.CohortDefinitions.Any(d => d.OrgId == id)
                             && !system.AuditEvents.Any(e => e.OrgId == id && e.Action == AccountCohortJobs.GeneratedAction))
                .ToListAsync(ct);
        }
        foreach (var orgId in orgIds)
        {
            await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, orgId);
            var now = clock.GetUtcNow().UtcDateTime;
            var generated = await AccountCohortJobs.GenerateDefinitionsAsync(db, "system:demo-seed", now, ct);
            var computed = await AccountCohortJobs.RecomputeSnapshotsAsync(db, "system:demo-seed", now, ct);
            logger.LogInformation("Demo account cohorts for org {OrgId}: {Cohorts} definitions, {Snapshots} snapshots",
                orgId, generated.TotalCohorts, computed.Snapshots);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
