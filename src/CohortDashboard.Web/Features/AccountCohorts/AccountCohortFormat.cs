using System.Globalization;

namespace CohortDashboard.Web.Features.AccountCohorts;

/// <summary>How the account-cohort page and its charts write money, percentages and cohort types.</summary>
public static class AccountCohortFormat
{
    public static string Money(decimal amount, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{currency} {amount:N0}");

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
