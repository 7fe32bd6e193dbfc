using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace CohortDashboard.Analytics.Filters;

/// <summary>
/// How big a filter may be. <see cref="FilterParser"/> checks these before it looks at meaning, on every path a filter
/// arrives by (API bodies, the Cohorts page URL and editor, stored custom-cohort criteria), so the translation to SQL
/// only ever sees a bounded tree.
/// </summary>
public static class FilterLimits
{
    /// <summary>Conditions (leaves) in one filter.</summary>
    public const int MaxConditions = 200;

    /// <summary>Items of one array value (<c>in</c>, <c>not_in</c>, <c>array_includes_all/any</c>).</summary>
    public const int MaxValuesPerCondition = 1_000;

    /// <summary>Values over the whole filter (a scalar counts one, an array its items).</summary>
    public const int MaxValues = 5_000;

    /// <summary>Characters of one string (a value, a field id, an operator, a property name).</summary>
    public const int MaxStringLength = 256;

    /// <summary>UTF-8 bytes of the filter's JSON text.</summary>
    public const int MaxJsonBytes = 256 * 1024;

    /// <summary>Problems reported before the check stops looking (one huge filter must not produce a huge answer).</summary>
    public const int MaxErrors = 20;

    /// <summary>The size problems of <paramref name="json"/> (empty when it is within every limit), at most <see cref="MaxErrors"/>.</summary>
    public static IReadOnlyList<FilterError> Check(JsonElement json, IReadOnlyList<string> basePath)
    {
        var errors = new List<FilterError>();

        var conditions = 0;
        var values = 0;
        // Explicit stack: the shape is the caller's, so the walk must not recurse on it.
        var pending = new Stack<(JsonElement Element, string[] Path)>();
        pending.Push((json, basePath.ToArray()));
        while (pending.Count > 0 && errors.Count < MaxErrors)
        {
            var (element, path) = pending.Pop();
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var isCondition = false;
                    foreach (var property in element.EnumerateObject())
                    {
                        if (!UntrustedText.TryGetPropertyName(property, out var name))
                        {
                            errors.Add(FilterError.At(path, UntrustedText.InvalidTextMessage));
                            continue;
                        }
                        if (name.Length > MaxStringLength)
                        {
                            errors.Add(FilterError.At(path, $"A property name is {Count(name.Length)} characters long; at most {MaxStringLength} are allowed."));
                            continue;
                        }
                        isCondition |= name is "field" or "op" or "value";
                        if (name == "value")
                        {
                            values += property.Value.ValueKind == JsonValueKind.Array ? property.Value.GetArrayLength() : 1;
                            if (property.Value.ValueKind == JsonValueKind.Array && property.Value.GetArrayLength() > MaxValuesPerCondition)
                            {
                                errors.Add(FilterError.At([.. path, name],
                                    $"This value has {Count(property.Value.GetArrayLength())} items; at most {Count(MaxValuesPerCondition)} are allowed."));
                                continue;
                            }
                        }
                        pending.Push((property.Value, [.. path, name]));
                    }
                    if (isCondition && ++conditions > MaxConditions)
                    {
                        errors.Add(FilterError.At(basePath, $"The filter has more than {MaxConditions} conditions; at most {MaxConditions} are allowed."));
                        return errors;
                    }
                    if (values > MaxValues)
                    {
                        errors.Add(FilterError.At(basePath, $"The filter has more than {Count(MaxValues)} values; at most {Count(MaxValues)} are allowed."));
                        return errors;
                    }
                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                        pending.Push((item, [.. path, (index++).ToString(CultureInfo.InvariantCulture)]));
                    break;
                case JsonValueKind.String:
                    if (!UntrustedText.TryGetString(element, out var text)) errors.Add(FilterError.At(path, UntrustedText.InvalidTextMessage));
                    else if (text.Length > MaxStringLength)
                        errors.Add(FilterError.At(path, $"This text is {Count(text.Length)} characters long; at most {MaxStringLength} are allowed."));
                    break;
            }
        }
        // The stack pops in reverse; report in document order.
        errors.Sort((a, b) => ComparePaths(a.Path, b.Path));
        // Last, so a filter over a count limit hears about that limit (the more useful answer).
        var bytes = JsonMarshal.GetRawUtf8Value(json).Length;
        if (errors.Count == 0 && bytes > MaxJsonBytes)
            errors.Add(FilterError.At(basePath, $"The filter is {Count(bytes)} bytes of JSON; at most {Count(MaxJsonBytes)} are allowed."));
        return errors;
    }

    private static int ComparePaths(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            var bothIndexes = int.TryParse(a[i], NumberStyles.None, CultureInfo.InvariantCulture, out var x)
                & int.TryParse(b[i], NumberStyles.None, CultureInfo.InvariantCulture, out var y);
            var order = bothIndexes ? x.CompareTo(y) : string.CompareOrdinal(a[i], b[i]);
            if (order != 0) return order;
        }
        return a.Count.CompareTo(b.Count);
    }

    private static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
