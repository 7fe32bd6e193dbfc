using CohortDashboard.Analytics.Projections;

namespace CohortDashboard.Web.Features.AccountCohorts;

/// <summary>
/// Accounts-remaining projections of vintage curves: logo retention is contractual, exactly sBG's setting. Each curve
/// is one cohort's survival counts by month (the start month's paying accounts, then how many of them still pay); a
/// curve with enough months fits itself, the others share the fit pooled over the curves given (one cohort type).
/// </summary>
public static class AccountCohortProjections
{
    /// <summary>The last month offset projected (the curves' 36 months).</summary>
    public const int LastOffset = AccountCohortService.MaxCurveMonths;

    /// <summary>Projections keyed by cohort id.</summary>
    public static IReadOnlyDictionary<string, SurvivalProjection> Project(VintageCurvesResponse curves) =>
        SurvivalProjector.Project(
                curves.Curves.Select(c => new SurvivalCohort(c.CohortId, new SurvivalSeries(c.Points.Select(p => p.AccountsRemaining)))).ToList(),
                LastOffset)
            .ToDictionary(p => p.Key);
}
