using CohortDashboard.Web.Components.Shared;

namespace CohortDashboard.Web.Features.AccountCohorts;

/// <summary>How the account-cohort page and its charts write percentages and cohort types (money: <c>Money.Whole</c>).</summary>
public static class AccountCohortFormat
{
    /// <summary>Percent points (NRR 103.15 → "103.2%"), as <see cref="Formats.PercentPoints"/> writes them.</summary>
    public static string Percent(decimal? value) => Formats.PercentPoints(value);

    public static string TypeTitle(string cohortType) => cohortType switch
    {
        "vintage" => "Vintage",
        "segment" => "Segment",
        "territory" => "Territory",
        "rep" => "Rep",
        "custom" => "Custom",
        _ => cohortType,
    };
}
