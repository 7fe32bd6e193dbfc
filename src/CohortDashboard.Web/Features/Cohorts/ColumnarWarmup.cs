using CohortDashboard.Data;
using CohortDashboard.Data.Columnar;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>
/// After start-up, builds this instance's columnar store of every org where it is missing or behind the primary (a file
/// of an earlier run is checked and reused). Queries are correct without it (they wait for the build or read orders), so
/// this runs in the background instead of delaying start-up.
/// </summary>
internal sealed class ColumnarWarmup(IServiceProvider services, ILogger<ColumnarWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<ColumnarStore>() is not { } columnar) return;
        // SQLite's async calls complete synchronously: without this the whole build (30 s at scale 50) would run inside
        // the host's start-up, before the app answers a single request.
        await Task.Yield();
        List<long> orgs;
        await using var scope = services.CreateAsyncScope();
        try
        {
            await using var system = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
            orgs = await system.Organizations.OrderBy(o => o.Id).Select(o => o.Id).ToListAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Listing the organizations for the columnar stores failed; cohort queries build them on demand.");
            return;
        }
        foreach (var orgId in orgs)
        {
            try
            {
                await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, orgId);
                await columnar.BuildAsync(db, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Never take the app down, and never let one org's failure keep the others' stores from being built:
                // queries build a missing store on demand, or read orders.
                logger.LogError(exception, "Building the columnar store of org {OrgId} at start-up failed; its cohort queries build it on demand or read orders.", orgId);
            }
        }
    }
}
