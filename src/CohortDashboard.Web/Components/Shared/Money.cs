namespace CohortDashboard.Web.Components.Shared;

/// <summary>Money in an org's currency; the formatting itself is <see cref="Formats"/>'s.</summary>
public static class Money
{
    public static string Symbol(string currency) => Formats.CurrencySymbol(currency);

    /// <summary>Compact form: $1.23M, €45.6K, $980.</summary>
    public static string Compact(decimal amount, string currency) => Formats.MoneyCompact(amount, currency);

    public static string Full(decimal amount, string currency) => Formats.MoneyCents(amount, currency);

    /// <summary>Whole units: $659,914 (ARR figures, where cents are noise).</summary>
    public static string Whole(decimal amount, string currency) => Formats.MoneyWhole(amount, currency);
}
