using CohortDashboard.Data;
using CohortDashboard.Data.Cohorts;
using CohortDashboard.Data.Columnar;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>
/// After start-up, builds the cohort facts of every org that has none yet or whose timezone changed since they were
/// built (e.g. a database from before facts existed), then the columnar stores that are missing or stale. Queries are correct without them, only slower, so this runs in the
/// background instead of delaying start-up.
/// </summary>
internal sealed class CohortFactsWarmup(IServiceProvider services, ILogger<CohortFactsWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            List<long> stale;
            await using (var system = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider))
            {
                stale = await system.Organizations
                    .Where(o => !system.CohortFactBuilds.Any(b => b.OrgId == o.Id && b.TimeZone == o.TimeZone))
                    .Select(o => o.Id)
                    .ToListAsync(stoppingToken);
            }
            foreach (var orgId in stale)
            {
                await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, orgId);
                var result = await CustomerFacts.RebuildAsync(db, stoppingToken);
                logger.LogInformation("Built cohort facts for org {OrgId}: {Rows} rows from {Orders} orders in {Elapsed}",
                    orgId, result.Rows, result.Orders, result.Elapsed);
            }
            // Then each org's columnar store, where missing or behind the primary (a file of this instance's earlier run
            // at the current data version is reused as it is).
            if (scope.ServiceProvider.GetService<ColumnarStore>() is { } columnar)
            {
                List<long> orgs;
                await using (var system = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider))
                    orgs = await system.Organizations.OrderBy(o => o.Id).Select(o => o.Id).ToListAsync(stoppingToken);
                foreach (var orgId in orgs)
                {
                    await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, orgId);
                    await columnar.BuildAsync(db, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // Never take the app down: queries fall back to reading orders.
            logger.LogError(exception, "Building cohort facts at start-up failed; cohort queries will read orders until a recompute.");
        }
    }
}
