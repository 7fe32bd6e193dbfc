using CohortDashboard.Data;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Web.Features.Auth;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Expansion;

/// <summary>
/// With demo seeding on (<c>Demo:Seed</c>, and <c>Expansion:SeedDemo</c> not false), computes the affinity matrix and
/// generates signals for every org that has accounts but never computed affinity, so Affinity and Signals show data on
/// a fresh demo database instead of waiting for an admin's button. Runs once per org (later starts find its entries).
/// </summary>
internal sealed class ExpansionDemoSeed(IServiceProvider services, IConfiguration configuration, ILogger<ExpansionDemoSeed> logger)
    : IHostedService
{
    private static readonly Actor DemoSeedActor = new("system:demo-seed", Roles.Admin, null, false);

    public async Task StartAsync(CancellationToken ct)
    {
        if (!configuration.GetValue("Demo:Seed", false) || !configuration.GetValue("Expansion:SeedDemo", true)) return;
        List<long> orgIds;
        await using (var scope = services.CreateAsyncScope())
        await using (var system = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider))
        {
            orgIds = await system.Organizations.Select(o => o.Id)
                .Where(id => system.Accounts.Any(a => a.OrgId == id) && !system.AffinityEntries.Any(e => e.OrgId == id))
                .ToListAsync(ct);
        }
        foreach (var orgId in orgIds)
        {
            await using var scope = services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
            var expansion = scope.ServiceProvider.GetRequiredService<ExpansionService>();
            var affinity = await expansion.RecomputeAffinityAsync(DemoSeedActor, ct);
            var signals = await expansion.GenerateSignalsAsync(DemoSeedActor, ct);
            logger.LogInformation("Demo expansion data for org {OrgId}: {Affinity}, {Signals}", orgId, affinity, signals);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
