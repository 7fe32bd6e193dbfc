using System.Globalization;

namespace CohortDashboard.Web.Components.Shared;

/// <summary>
/// The one place numbers become text, for tables, hovers and tooltips alike: money in the org's currency, percentages
/// and counts, invariant culture (numbers never change with the server's culture), and "–" for a missing value (never
/// "null" or an empty string). CSVs write numbers, not text: see <see cref="RoundMoney"/> and <see cref="RoundRate"/>.
/// </summary>
public static class Formats
{
    /// <summary>What a missing value reads as.</summary>
    public const string Missing = "–";

    private static readonly IReadOnlyDictionary<string, string> Symbols = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["USD"] = "$", ["EUR"] = "€", ["GBP"] = "£", ["JPY"] = "¥", ["CAD"] = "CA$", ["AUD"] = "A$", ["CHF"] = "CHF ",
    };

    public static string CurrencySymbol(string currency) => Symbols.TryGetValue(currency, out var symbol) ? symbol : currency + " ";

    /// <summary>Money as tables and hovers show it: cents below 1,000 ($262.09), whole units from there ($3,453, $12,550).</summary>
    public static string Money(decimal? amount, string currency) => amount switch
    {
        null => Missing,
        { } v when Math.Abs(v) >= 1_000m => MoneyWhole(v, currency),
        { } v => MoneyCents(v, currency),
    };

    /// <summary>Money with cents: $7,304,628.11.</summary>
    public static string MoneyCents(decimal? amount, string currency) => Signed(amount, currency, "#,0.00");

    /// <summary>Money in whole units: $659,914 (ARR, where cents are noise).</summary>
    public static string MoneyWhole(decimal? amount, string currency) => Signed(amount, currency, "#,0");

    /// <summary>Short money for headline figures: $980, $12.6K, $1.23M, $4.5B.</summary>
    public static string MoneyCompact(decimal? amount, string currency)
    {
        if (amount is not { } a) return Missing;
        var value = Math.Abs(a);
        var (scaled, suffix) = value switch
        {
            >= 1_000_000_000m => (value / 1_000_000_000m, "B"),
            >= 1_000_000m => (value / 1_000_000m, "M"),
            >= 10_000m => (value / 1_000m, "K"),
            _ => (value, ""),
        };
        var format = suffix == "" ? "#,0" : scaled >= 100 ? "0" : "0.##";
        return (a < 0 ? "-" : "") + CurrencySymbol(currency) + scaled.ToString(format, CultureInfo.InvariantCulture) + suffix;
    }

    /// <summary>A ratio as a percentage with one decimal: 0.9403 → "94.0%".</summary>
    public static string Percent(decimal? ratio) => ratio is { } r ? PercentPoints(r * 100m) : Missing;

    /// <summary>A value already in percent points with one decimal: 103.15 → "103.2%".</summary>
    public static string PercentPoints(decimal? points) =>
        points is { } p ? Math.Round(p, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture) + "%" : Missing;

    /// <summary>A count with thousands separators: 12,345 (fractions, e.g. a mean, keep up to two decimals).</summary>
    public static string Count(decimal? count) => count is { } c ? c.ToString("#,0.##", CultureInfo.InvariantCulture) : Missing;

    /// <summary>Money as a CSV writes it: rounded to cents.</summary>
    public static decimal? RoundMoney(decimal? amount) => amount is { } a ? Math.Round(a, 2, MidpointRounding.AwayFromZero) : null;

    /// <summary>A rate (ratio) as a CSV writes it: four decimals (0.1234 = 12.34%).</summary>
    public static decimal? RoundRate(decimal? rate) => rate is { } r ? Math.Round(r, 4, MidpointRounding.AwayFromZero) : null;

    private static string Signed(decimal? amount, string currency, string format) => amount is { } a
        ? (a < 0 ? "-" : "") + CurrencySymbol(currency) + Math.Abs(a).ToString(format, CultureInfo.InvariantCulture)
        : Missing;
}
