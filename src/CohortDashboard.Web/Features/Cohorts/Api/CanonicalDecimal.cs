using System.Globalization;

namespace CohortDashboard.Web.Features.Cohorts.Api;

/// <summary>
/// Money as a "canonical decimal string" (CashRunway): rounded to 2 decimals (midpoint away from zero), invariant
/// culture, no exponent, no group separators, no trailing zeros and no trailing point: 1234.5, 0, -12.34, 100.
/// </summary>
public static class CanonicalDecimal
{
    public static string Format(decimal amount)
    {
        var rounded = Math.Round(amount, 2, MidpointRounding.AwayFromZero);
        if (rounded == 0m) return "0";
        var text = rounded.ToString("0.##", CultureInfo.InvariantCulture);
        return text;
    }

    public static string? Format(decimal? amount) => amount is { } value ? Format(value) : null;
}
