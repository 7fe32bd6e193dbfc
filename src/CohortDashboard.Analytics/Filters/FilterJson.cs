using System.Text;
using System.Text.Json;

namespace CohortDashboard.Analytics.Filters;

/// <summary>
/// Writes a <see cref="FilterNode"/> as canonical filter-language JSON: compact, keys in the order
/// <c>and|or|not</c> / <c>field, op, value</c>, strings and numbers exactly as held. Parsing the output with
/// <see cref="FilterParser"/> gives back an equal tree. Used to store custom cohorts' <c>filter_criteria</c> and to
/// put filters in URLs.
/// </summary>
public static class FilterJson
{
    private static readonly JsonWriterOptions Options = new() { Indented = false };

    /// <summary>The canonical JSON text of <paramref name="node"/>.</summary>
    public static string Serialize(FilterNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options)) Write(writer, node);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, FilterNode node)
    {
        writer.WriteStartObject();
        switch (node)
        {
            case FilterGroup { Kind: FilterGroupKind.Not } group:
                if (group.Children.Count != 1) throw new ArgumentException("A 'not' group has exactly one child.", nameof(node));
                writer.WritePropertyName("not");
                Write(writer, group.Children[0]);
                break;
            case FilterGroup group:
                writer.WriteStartArray(group.Kind == FilterGroupKind.And ? "and" : "or");
                foreach (var child in group.Children) Write(writer, child);
                writer.WriteEndArray();
                break;
            case FilterCondition condition:
                writer.WriteString("field", condition.Field);
                writer.WriteString("op", condition.Op.ToWire());
                writer.WritePropertyName("value");
                WriteValue(writer, condition.Value);
                break;
            default:
                throw new ArgumentException($"Unknown filter node {node.GetType().Name}.", nameof(node));
        }
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, FilterValue value)
    {
        if (value.IsArray) writer.WriteStartArray();
        switch (value.Kind)
        {
            case FilterValueKind.String:
                foreach (var text in value.AsStrings()) writer.WriteStringValue(text);
                break;
            case FilterValueKind.Number:
                foreach (var number in value.AsNumbers()) writer.WriteNumberValue(number);
                break;
            case FilterValueKind.Boolean:
                foreach (var flag in value.AsBooleans()) writer.WriteBooleanValue(flag);
                break;
        }
        if (value.IsArray) writer.WriteEndArray();
    }
}
