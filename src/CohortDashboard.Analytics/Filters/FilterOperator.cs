namespace CohortDashboard.Analytics.Filters;

/// <summary>The operators of the filter language; <see cref="FilterOperators"/> holds their wire names.</summary>
public enum FilterOperator
{
    /// <summary><c>equals</c></summary>
    Equal,
    /// <summary><c>not_equals</c></summary>
    NotEqual,
    /// <summary><c>greater_than</c></summary>
    GreaterThan,
    /// <summary><c>less_than</c></summary>
    LessThan,
    /// <summary><c>greater_than_or_equals</c></summary>
    GreaterThanOrEqual,
    /// <summary><c>less_than_or_equals</c></summary>
    LessThanOrEqual,
    /// <summary><c>contains</c>: case-insensitive substring.</summary>
    Contains,
    /// <summary><c>in</c>: equals one of a non-empty array.</summary>
    In,
    /// <summary><c>not_in</c>: equals none of a non-empty array.</summary>
    NotIn,
    /// <summary><c>array_includes</c>: the list field holds this one value.</summary>
    ArrayIncludes,
    /// <summary><c>array_includes_all</c>: the list field holds every value of a non-empty array.</summary>
    ArrayIncludesAll,
    /// <summary><c>array_includes_any</c>: the list field holds at least one value of a non-empty array.</summary>
    ArrayIncludesAny,
}

/// <summary>Wire names of <see cref="FilterOperator"/> and which operators take an array.</summary>
public static class FilterOperators
{
    private static readonly Dictionary<FilterOperator, string> WireNames = new()
    {
        [FilterOperator.Equal] = "equals",
        [FilterOperator.NotEqual] = "not_equals",
        [FilterOperator.GreaterThan] = "greater_than",
        [FilterOperator.LessThan] = "less_than",
        [FilterOperator.GreaterThanOrEqual] = "greater_than_or_equals",
        [FilterOperator.LessThanOrEqual] = "less_than_or_equals",
        [FilterOperator.Contains] = "contains",
        [FilterOperator.In] = "in",
        [FilterOperator.NotIn] = "not_in",
        [FilterOperator.ArrayIncludes] = "array_includes",
        [FilterOperator.ArrayIncludesAll] = "array_includes_all",
        [FilterOperator.ArrayIncludesAny] = "array_includes_any",
    };

    private static readonly Dictionary<string, FilterOperator> ByWireName =
        WireNames.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>The wire name, e.g. <c>greater_than_or_equals</c>.</summary>
    public static string ToWire(this FilterOperator op) =>
        WireNames.TryGetValue(op, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(op));

    /// <summary>Parses a wire name (exact, lower case).</summary>
    public static bool TryParse(string? wireName, out FilterOperator op) =>
        ByWireName.TryGetValue(wireName ?? string.Empty, out op);

    /// <summary>Whether the operator takes a non-empty array (in, not_in, array_includes_all/any) rather than a scalar.</summary>
    public static bool TakesArray(this FilterOperator op) =>
        op is FilterOperator.In or FilterOperator.NotIn or FilterOperator.ArrayIncludesAll or FilterOperator.ArrayIncludesAny;
}
