using System.Text;
using System.Text.Json;
using CohortDashboard.Analytics;

namespace CohortDashboard.Data.Import;

/// <summary>
/// Reads a JSON array of flat objects (field names as the CSV columns) as records, streaming one object at a time. The
/// header is every field name that occurs in any object (first-seen order, case-insensitive), so a field that no object
/// has is "absent" exactly like a missing CSV column; a field missing from one object is an empty cell. Values: strings
/// as written, numbers as their JSON text (invariant), true/false, null = empty, an array of strings = tags joined
/// with <c>|</c>. Record lines are the object's position + 1 (the first object is row 2, as the first CSV data line).
/// The names take a pass over the whole file before the records' pass, so the source must be re-openable; readers of
/// the same file that share a <see cref="JsonHeader"/> make that first pass once between them.
/// </summary>
public sealed class JsonRecordSource(Func<Stream> open, JsonHeader? shared = null) : IRecordSource
{
    private readonly JsonHeader _header = shared ?? new JsonHeader();

    /// <inheritdoc />
    public IReadOnlyList<string> ReadHeader()
    {
        if (_header.Names is { } known) return known;
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (line, element) in Objects())
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!UntrustedText.TryGetPropertyName(property, out var name))
                    throw new CsvFormatException(line, $"Row {line}: a field name is not valid Unicode (a lone surrogate such as \\ud800, or invalid UTF-8).");
                if (seen.Add(name)) names.Add(name);
            }
        }
        if (names.Count == 0)
            throw new CsvFormatException(CsvReader.HeaderLine, "The JSON array holds no object with fields; send an array of objects like [{\"external_id\": \"A-1\", …}].");
        _header.Names = names;
        return names;
    }

    /// <inheritdoc />
    public IEnumerable<CsvRecord> ReadRecords()
    {
        var header = ReadHeader();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++) index[header[i]] = i;
        foreach (var (line, element) in Objects())
        {
            var fields = new string[header.Count];
            Array.Fill(fields, string.Empty);
            foreach (var property in element.EnumerateObject())
                fields[index[property.Name]] = Cell(property.Value, line, property.Name);
            yield return new CsvRecord(line, fields);
        }
    }

    private static string Cell(JsonElement value, int line, string name) => value.ValueKind switch
    {
        JsonValueKind.String => Text(value, line, name),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => string.Empty,
        JsonValueKind.Array => string.Join(ImportColumns.TagSeparator, value.EnumerateArray().Select(e =>
            e.ValueKind == JsonValueKind.String ? Text(e, line, name)
                : throw new CsvFormatException(line, $"Row {line}: field '{name}' is an array of non-strings; only tag lists may be arrays."))),
        _ => throw new CsvFormatException(line, $"Row {line}: field '{name}' is a nested object; send flat objects."),
    };

    private static string Text(JsonElement value, int line, string name) => UntrustedText.TryGetString(value, out var text) ? text
        : throw new CsvFormatException(line, $"Row {line}: field '{UntrustedText.Echo(name)}' is not valid Unicode (a lone surrogate such as \\ud800, or invalid UTF-8).");

    private IEnumerable<(int Line, JsonElement Element)> Objects()
    {
        using var stream = open();
        IEnumerator<JsonElement> elements;
        try
        {
            elements = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, topLevelValues: false)
                .ToBlockingEnumerable().GetEnumerator();
        }
        catch (JsonException error)
        {
            throw Malformed(error);
        }
        using (elements)
        {
            var line = CsvReader.HeaderLine;
            while (true)
            {
                try
                {
                    if (!elements.MoveNext()) yield break;
                }
                catch (JsonException error)
                {
                    throw Malformed(error);
                }
                catch (DecoderFallbackException)
                {
                    throw new CsvFormatException(line + 1, "The body is not valid UTF-8 JSON.");
                }
                line++;
                if (elements.Current.ValueKind != JsonValueKind.Object)
                    throw new CsvFormatException(line, $"Row {line}: every item of the array must be an object.");
                yield return (line, elements.Current);
            }
        }
    }

    // Our own words: the exception's message names .NET types (e.g. for an object where the array belongs).
    private static CsvFormatException Malformed(JsonException error) =>
        new(CsvReader.HeaderLine, error.LineNumber is { } line
            ? $"The body is not a JSON array of objects like [{{\"external_id\": \"A-1\", …}}] (the problem is at line {line + 1}, byte {error.BytePositionInLine + 1})."
            : "The body is not a JSON array of objects like [{\"external_id\": \"A-1\", …}].");
}

/// <summary>The field names of one JSON import file, once read (a file is validated, then written, by separate readers).</summary>
public sealed class JsonHeader
{
    public IReadOnlyList<string>? Names { get; internal set; }
}
