using System.Text.Json;

namespace CohortDashboard.Analytics.Filters;

/// <summary>
/// One problem with a filter, in the shape of the seed-003 400 body (<c>errors: [{message, key, path}]</c>).
/// </summary>
/// <param name="Message">What is wrong, for a person.</param>
/// <param name="Key">The last non-index segment of <paramref name="Path"/>, e.g. <c>op</c>, <c>value</c>, <c>and</c>.</param>
/// <param name="Path">The JSON path of the offending node or property, e.g. <c>["filters","and","1","op"]</c>.</param>
public sealed record FilterError(string Message, string Key, IReadOnlyList<string> Path)
{
    /// <summary>An error at <paramref name="path"/>, with the key derived from it.</summary>
    public static FilterError At(IReadOnlyList<string> path, string message) => new(message, KeyOf(path), path.ToArray());

    /// <inheritdoc />
    public bool Equals(FilterError? other) =>
        other is not null && Message == other.Message && Key == other.Key && Path.SequenceEqual(other.Path);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Message, Key, string.Join('/', Path));

    /// <summary>The last segment that is not an array index, or an empty string.</summary>
    private static string KeyOf(IReadOnlyList<string> path)
    {
        for (var i = path.Count - 1; i >= 0; i--)
            if (!path[i].All(char.IsAsciiDigit)) return path[i];
        return string.Empty;
    }
}

/// <summary>The outcome of <see cref="FilterParser.Parse(JsonElement, FilterContext, IReadOnlyList{string})"/>.</summary>
/// <param name="Node">The validated tree; null whenever there are errors.</param>
/// <param name="Errors">Every problem found, in document order; empty when the filter is valid.</param>
public sealed record FilterParseResult(FilterNode? Node, IReadOnlyList<FilterError> Errors)
{
    /// <summary>Whether the filter is valid (<see cref="Node"/> is set).</summary>
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Where a filter is used, which decides the field scopes it may refer to.</summary>
public sealed class FilterContext
{
    /// <summary>A context allowing <paramref name="allowedScopes"/>; <paramref name="name"/> appears in error messages.</summary>
    public FilterContext(string name, IEnumerable<FilterScope> allowedScopes)
    {
        Name = name;
        AllowedScopes = allowedScopes.ToHashSet();
    }

    /// <summary>
    /// The customer-cohort analysis (SPEC §3): order fields restrict which orders qualify, account fields and cohort
    /// membership restrict which customers count. Every scope.
    /// </summary>
    public static FilterContext CohortAnalysis { get; } =
        new("a cohort analysis", [FilterScope.Order, FilterScope.Account, FilterScope.Cohort]);

    /// <summary>
    /// A custom cohort's <c>filter_criteria</c>: a set of accounts, so account fields and membership of other cohort
    /// definitions (itself an account property), never order fields.
    /// </summary>
    public static FilterContext CustomCohort { get; } = new("a custom cohort", [FilterScope.Account, FilterScope.Cohort]);

    /// <summary>How the context is named in messages, e.g. "a custom cohort".</summary>
    public string Name { get; }

    /// <summary>The scopes whose fields may be used.</summary>
    public IReadOnlySet<FilterScope> AllowedScopes { get; }
}

/// <summary>
/// Validates filter-language JSON (SPEC §8, seed 003 <c>FilterGroup</c>) and builds the <see cref="FilterNode"/> tree.
/// The top level is a group; a group has exactly one of <c>and</c>/<c>or</c> (non-empty arrays) or <c>not</c> (one
/// node); a leaf has exactly <c>field</c>, <c>op</c>, <c>value</c>; groups nest at most <see cref="MaxDepth"/> deep
/// (the top-level group is depth 1; conditions do not add depth). Every problem is reported, not just the first.
/// </summary>
public static class FilterParser
{
    /// <summary>The deepest a group may be nested; the top-level group is depth 1.</summary>
    public const int MaxDepth = 3;

    private static readonly string[] GroupKeys = ["and", "or", "not"];
    private static readonly string[] ConditionKeys = ["field", "op", "value"];

    /// <summary>Parses and validates <paramref name="json"/>.</summary>
    /// <param name="json">The filter, e.g. the <c>filters</c> property of a request body.</param>
    /// <param name="context">Which field scopes are allowed here.</param>
    /// <param name="basePath">The path of <paramref name="json"/> in the request, prefixed to every error path (e.g. <c>["filters"]</c>).</param>
    public static FilterParseResult Parse(JsonElement json, FilterContext context, IReadOnlyList<string> basePath)
    {
        var tooLarge = FilterLimits.Check(json, basePath);
        if (tooLarge.Count > 0) return new FilterParseResult(null, tooLarge);
        var parser = new Walker(context);
        var node = parser.Root(json, basePath.ToList());
        return parser.Errors.Count == 0 && node is not null
            ? new FilterParseResult(node, [])
            : new FilterParseResult(null, parser.Errors);
    }

    /// <summary>Parses filter JSON text (e.g. a stored <c>filter_criteria</c>); malformed JSON is an error at <paramref name="basePath"/>.</summary>
    public static FilterParseResult Parse(string json, FilterContext context, IReadOnlyList<string> basePath)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(json) > FilterLimits.MaxJsonBytes)
            return new FilterParseResult(null, [FilterError.At(basePath,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The filter is longer than {FilterLimits.MaxJsonBytes:N0} bytes of JSON; at most that many are allowed."))]);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement, context, basePath);
        }
        // Text that is not valid UTF-16 cannot even be transcoded for the reader (ArgumentException).
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return new FilterParseResult(null, [FilterError.At(basePath, "The filter is not valid JSON.")]);
        }
    }

    private sealed class Walker(FilterContext context)
    {
        public List<FilterError> Errors { get; } = [];

        private void Error(List<string> path, string message) => Errors.Add(FilterError.At(path, message));

        private static List<string> Append(List<string> path, params string[] segments) => [.. path, .. segments];

        public FilterNode? Root(JsonElement json, List<string> path)
        {
            if (json.ValueKind == JsonValueKind.Object && !HasAny(json, GroupKeys) && HasAny(json, ConditionKeys))
            {
                Error(path, "The top-level filter must be a group: wrap the condition in {\"and\": [...]}.");
                return null;
            }
            return Node(json, path, parentDepth: 0);
        }

        private FilterNode? Node(JsonElement json, List<string> path, int parentDepth)
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                Error(path, "A filter node must be an object: a group (and, or, not) or a condition (field, op, value).");
                return null;
            }
            if (HasAny(json, GroupKeys)) return Group(json, path, parentDepth + 1);
            if (HasAny(json, ConditionKeys)) return Condition(json, path);
            Error(path, "A filter node needs either one of and, or, not (a group) or field, op and value (a condition).");
            return null;
        }

        private FilterGroup? Group(JsonElement json, List<string> path, int depth)
        {
            if (depth > MaxDepth)
            {
                Error(path, $"Groups nest at most {MaxDepth} deep; this group is at depth {depth}.");
                return null;
            }

            string? kindKey = null;
            JsonElement body = default;
            foreach (var property in json.EnumerateObject())
            {
                if (GroupKeys.Contains(property.Name))
                {
                    if (kindKey is null)
                    {
                        kindKey = property.Name;
                        body = property.Value;
                    }
                    else Error(Append(path, property.Name), $"A group has exactly one of and, or, not; this one already has '{kindKey}'.");
                }
                else Error(Append(path, property.Name), $"Unknown property '{UntrustedText.Echo(property.Name)}' in a group; a group has exactly one of and, or, not.");
            }

            var bodyPath = Append(path, kindKey!);
            if (kindKey == "not")
            {
                if (body.ValueKind != JsonValueKind.Object)
                {
                    Error(bodyPath, "'not' takes one filter node (an object).");
                    return null;
                }
                var child = Node(body, bodyPath, depth);
                return child is null ? null : FilterGroup.Not(child);
            }

            if (body.ValueKind != JsonValueKind.Array || body.GetArrayLength() == 0)
            {
                Error(bodyPath, $"'{kindKey}' takes a non-empty array of filter nodes.");
                return null;
            }
            var children = new List<FilterNode>();
            var index = 0;
            foreach (var item in body.EnumerateArray())
            {
                var child = Node(item, Append(bodyPath, index.ToString(System.Globalization.CultureInfo.InvariantCulture)), depth);
                if (child is not null) children.Add(child);
                index++;
            }
            return new FilterGroup(kindKey == "and" ? FilterGroupKind.And : FilterGroupKind.Or, children);
        }

        private FilterCondition? Condition(JsonElement json, List<string> path)
        {
            JsonElement? fieldJson = null, opJson = null, valueJson = null;
            foreach (var property in json.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "field": fieldJson = property.Value; break;
                    case "op": opJson = property.Value; break;
                    case "value": valueJson = property.Value; break;
                    default:
                        Error(Append(path, property.Name), $"Unknown property '{UntrustedText.Echo(property.Name)}' in a condition; a condition has field, op and value.");
                        break;
                }
            }

            var field = Field(fieldJson, Append(path, "field"));
            var op = Operator(opJson, Append(path, "op"));
            if (field is not null && op is { } knownOp && !field.Allows(knownOp))
            {
                Error(Append(path, "op"), $"Operator '{knownOp.ToWire()}' does not apply to {field.Id} ({Describe(field.ValueType)}); " +
                    $"use one of: {string.Join(", ", field.Operators.Select(o => o.ToWire()))}.");
                op = null;
            }

            var valuePath = Append(path, "value");
            if (valueJson is null)
            {
                Error(valuePath, "'value' is required.");
                return null;
            }
            // The value's expected shape depends on the field and operator; without both there is nothing to check against.
            if (field is null || op is null) return null;
            var value = Value(field, op.Value, valueJson.Value, valuePath);
            return value is null ? null : new FilterCondition(field.Id, op.Value, value);
        }

        private FilterField? Field(JsonElement? json, List<string> path)
        {
            if (json is null)
            {
                Error(path, "'field' is required.");
                return null;
            }
            if (json.Value.ValueKind != JsonValueKind.String)
            {
                Error(path, "'field' must be a string field id, e.g. \"orders.source_name\".");
                return null;
            }
            var id = json.Value.GetString()!;
            var field = FilterFields.Find(id);
            if (field is null)
            {
                Error(path, FilterFields.IsUnavailable(id)
                    ? $"The field '{id}' is not available: this product holds no data for it."
                    : $"Unknown field '{UntrustedText.Echo(id)}'.");
                return null;
            }
            if (!context.AllowedScopes.Contains(field.Scope))
            {
                Error(path, $"The field '{id}' ({field.Scope.ToString().ToLowerInvariant()} scope) cannot be used in {context.Name}; " +
                    $"allowed scopes: {string.Join(", ", context.AllowedScopes.Order().Select(s => s.ToString().ToLowerInvariant()))}.");
                return null;
            }
            return field;
        }

        private FilterOperator? Operator(JsonElement? json, List<string> path)
        {
            if (json is null)
            {
                Error(path, "'op' is required.");
                return null;
            }
            if (json.Value.ValueKind == JsonValueKind.String && FilterOperators.TryParse(json.Value.GetString(), out var op)) return op;
            Error(path, json.Value.ValueKind == JsonValueKind.String
                ? $"Unknown operator '{UntrustedText.Echo(json.Value.GetString()!)}'."
                : "'op' must be a string operator, e.g. \"equals\".");
            return null;
        }

        private FilterValue? Value(FilterField field, FilterOperator op, JsonElement json, List<string> path)
        {
            if (op.TakesArray())
            {
                if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() == 0)
                {
                    Error(path, $"'{op.ToWire()}' takes a non-empty array of {Describe(field.ValueType)} values.");
                    return null;
                }
                var items = new List<object>();
                var index = 0;
                foreach (var item in json.EnumerateArray())
                {
                    var scalar = Scalar(field, op, item, Append(path, index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    if (scalar is not null) items.Add(scalar);
                    index++;
                }
                if (items.Count != index) return null;
                return items[0] is decimal ? FilterValue.OfNumbers(items.Cast<decimal>()) : FilterValue.OfStrings(items.Cast<string>());
            }

            if (json.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
            {
                Error(path, $"'{op.ToWire()}' takes a single {Describe(field.ValueType)} value, not {(json.ValueKind == JsonValueKind.Array ? "an array" : "an object")}.");
                return null;
            }
            return Scalar(field, op, json, path) switch
            {
                decimal number => FilterValue.Of(number),
                string text => FilterValue.Of(text),
                _ => null,
            };
        }

        /// <summary>One scalar checked against the field's type: a string or decimal, or null after an error.</summary>
        private object? Scalar(FilterField field, FilterOperator op, JsonElement json, List<string> path)
        {
            if (field.ValueType == FilterValueType.Number)
            {
                if (json.ValueKind != JsonValueKind.Number || !json.TryGetDecimal(out var number))
                {
                    Error(path, json.ValueKind == JsonValueKind.Number
                        ? $"{UntrustedText.Echo(json.GetRawText())} is out of range for {field.Id}."
                        : $"{field.Id} takes a number, not {JsonKind(json)}.");
                    return null;
                }
                if (field.Id == FilterFields.CohortId && (number <= 0 || number != decimal.Truncate(number) || number > long.MaxValue))
                {
                    Error(path, $"{field.Id} takes a cohort definition id (a positive whole number up to {long.MaxValue}), not {UntrustedText.Echo(json.GetRawText())}.");
                    return null;
                }
                return number;
            }

            if (json.ValueKind != JsonValueKind.String)
            {
                Error(path, $"{field.Id} takes {Describe(field.ValueType)} values (strings), not {JsonKind(json)}.");
                return null;
            }
            var text = json.GetString()!;
            switch (field.ValueType)
            {
                case FilterValueType.Date when !FilterDate.TryParse(text, out _):
                    Error(path, $"'{UntrustedText.Echo(text)}' is not a valid date: use yyyy-MM-dd or an ISO 8601 instant with offset, e.g. 2025-03-01T12:00:00Z.");
                    return null;
                case FilterValueType.Date when FilterDate.TryParse(text, out var date) && !date.IsInRange:
                    Error(path, $"'{text}' is outside the dates a filter can use ({FilterDate.Earliest:yyyy-MM-dd} to {FilterDate.Latest:yyyy-MM-dd}).");
                    return null;
                case FilterValueType.Enum when !field.AllowedValues.Contains(text, StringComparer.Ordinal):
                    Error(path, $"'{UntrustedText.Echo(text)}' is not a value of {field.Id}; expected one of: {string.Join(", ", field.AllowedValues)}.");
                    return null;
                case FilterValueType.Text or FilterValueType.TextList when op == FilterOperator.Contains && text.Length == 0:
                    Error(path, "'contains' needs a non-empty text.");
                    return null;
                default:
                    return text;
            }
        }

        private static bool HasAny(JsonElement json, string[] keys) =>
            json.EnumerateObject().Any(property => keys.Contains(property.Name));

        private static string JsonKind(JsonElement json) => json.ValueKind switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            JsonValueKind.Array => "an array",
            _ => "an object",
        };

        private static string Describe(FilterValueType type) => type switch
        {
            FilterValueType.Text => "text",
            FilterValueType.Number => "number",
            FilterValueType.Date => "date",
            FilterValueType.Enum => "enum",
            _ => "text list",
        };
    }
}
