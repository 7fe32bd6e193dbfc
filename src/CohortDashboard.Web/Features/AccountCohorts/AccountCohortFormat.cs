using System.Globalization;

namespace CohortDashboard.Web.Features.AccountCohorts;

/// <summary>How the account-cohort page and its charts write percentages and cohort types (money: <c>Money.Whole</c>).</summary>
public static class AccountCohortFormat
{
    public static string Percent(decimal? value) =>
        value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) + " %" : "–";

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
