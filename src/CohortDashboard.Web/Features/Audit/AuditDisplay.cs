using System.Globalization;
using System.Text.Json;

namespace CohortDashboard.Web.Features.Audit;

/// <summary>
/// Turns an audit row's stored JSON into what a person reads: the target by its name when the change carries one, and
/// the changed fields as "field: before → after" lines instead of two raw JSON blobs.
/// </summary>
public static class AuditDisplay
{
    private static readonly string[] NameKeys = ["name", "Name", "account_name", "AccountName", "title", "Title"];

    /// <summary>"api key · Audit trail key", falling back to the type and id when neither side names the target.</summary>
    public static string Target(AuditEntry entry)
    {
        var type = entry.TargetType.Replace('_', ' ');
        var name = NameOf(entry.After) ?? NameOf(entry.Before);
        return name is not null ? $"{type} · {name}" : entry.TargetId is null ? type : $"{type} #{entry.TargetId}";
    }

    /// <summary>One line per top-level field that differs (or exists on one side only), in the order they were written.</summary>
    public static IReadOnlyList<AuditChange> Changes(AuditEntry entry)
    {
        var before = Fields(entry.Before);
        var after = Fields(entry.After);
        var keys = before.Keys.Concat(after.Keys).Distinct();
        return keys
            .Select(k => new AuditChange(Label(k), before.GetValueOrDefault(k), after.GetValueOrDefault(k)))
            .Where(c => c.Before != c.After)
            .ToList();
    }

    private static string? NameOf(string? json)
    {
        var fields = Fields(json);
        foreach (var key in NameKeys)
        {
            if (fields.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value)) return value;
        }
        return null;
    }

    private static Dictionary<string, string?> Fields(string? json)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json)) return fields;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                fields["value"] = Text(document.RootElement);
                return fields;
            }
            foreach (var property in document.RootElement.EnumerateObject()) fields[property.Name] = Text(property.Value);
        }
        catch (JsonException)
        {
            fields["value"] = json; // stored before the JSON rule; shown as written
        }
        return fields;
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetDecimal(out var number) ? number.ToString(CultureInfo.InvariantCulture) : value.GetRawText(),
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Text)),
        _ => value.GetRawText(),
    };

    /// <summary>"quota_limit" and "QuotaLimit" both read "quota limit".</summary>
    private static string Label(string key)
    {
        var spaced = string.Concat(key.Select((c, i) => i > 0 && char.IsUpper(c) && !char.IsUpper(key[i - 1]) ? " " + c : c.ToString()));
        return spaced.Replace('_', ' ').ToLowerInvariant();
    }
}

public sealed record AuditChange(string Field, string? Before, string? After);
