using System.Globalization;

namespace CohortDashboard.Web.Components.Shared;

/// <summary>Formats money for display in an org's currency, invariantly (numbers must not change with server culture).</summary>
public static class Money
{
    private static readonly IReadOnlyDictionary<string, string> Symbols = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["USD"] = "$", ["EUR"] = "€", ["GBP"] = "£", ["JPY"] = "¥", ["CAD"] = "CA$", ["AUD"] = "A$", ["CHF"] = "CHF ",
    };

    public static string Symbol(string currency) => Symbols.TryGetValue(currency, out var symbol) ? symbol : currency + " ";

    /// <summary>Compact form: $1.23M, €45.6K, $980.</summary>
    public static string Compact(decimal amount, string currency)
    {
        var sign = amount < 0 ? "-" : "";
        var value = Math.Abs(amount);
        var (scaled, suffix) = value switch
        {
            >= 1_000_000_000m => (value / 1_000_000_000m, "B"),
            >= 1_000_000m => (value / 1_000_000m, "M"),
            >= 10_000m => (value / 1_000m, "K"),
            _ => (value, ""),
        };
        var format = suffix == "" ? "#,0" : scaled >= 100 ? "0" : "0.##";
        return sign + Symbol(currency) + scaled.ToString(format, CultureInfo.InvariantCulture) + suffix;
    }

    public static string Full(decimal amount, string currency) => Signed(amount, currency, "#,0.00");

    /// <summary>Whole units: $659,914 (ARR figures, where cents are noise).</summary>
    public static string Whole(decimal amount, string currency) => Signed(amount, currency, "#,0");

    private static string Signed(decimal amount, string currency, string format) =>
        (amount < 0 ? "-" : "") + Symbol(currency) + Math.Abs(amount).ToString(format, CultureInfo.InvariantCulture);
}
