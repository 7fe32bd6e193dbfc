namespace CohortDashboard.Analytics;

/// <summary>Parses an enum from the spelling it has on the wire, given the function that produces that spelling.</summary>
public static class WireNames
{
    public static bool TryParse<T>(string? value, Func<T, string> toWire, out T result,
        StringComparison comparison = StringComparison.OrdinalIgnoreCase) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(toWire(candidate), value, comparison))
            {
                result = candidate;
                return true;
            }
        }
        result = default;
        return false;
    }
}
