using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Import;

namespace CohortDashboard.Web.Features.AccountCohorts;

/// <summary>
/// "Recompute all" after an import: refresh the auto cohort definitions (imported accounts change vintages, segments
/// and member counts), then recompute every snapshot from the imported contracts.
/// </summary>
public sealed class AccountCohortsRecomputeStep(AccountCohortService cohorts) : IRecomputeStep
{
    public int Order => 200;
    public string Name => "Account cohorts";
    public IReadOnlyList<string> Jobs => [AccountCohortService.GenerateJob, AccountCohortService.RecomputeJob];

    public async Task<string> RunAsync(Actor actor, CancellationToken ct)
    {
        var definitions = await cohorts.GenerateDefinitionsAsync(actor.Subject, ct);
        var snapshots = await cohorts.RecomputeSnapshotsAsync(actor.Subject, ct);
        return $"{definitions.TotalCohorts:N0} cohorts ({definitions.Inserted:N0} new) → {snapshots.Snapshots:N0} snapshots";
    }
}
