using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CohortDashboard.Data.Csv;

/// <summary>
/// The one way we write CSV (exports, drill-downs, matrix and chart downloads): RFC 4180 (comma, CRLF, a field quoted
/// when it holds a comma, quote, line break or edge space), invariant numbers and ISO dates, and formula injection
/// neutralised the OWASP way.
/// <para>
/// The rule: a cell whose text starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR is written with a leading
/// <c>'</c> so spreadsheets show it as text instead of running it, unless the whole cell is a plain number
/// (<c>-12.5</c>, <c>+3</c>, <c>-1.5E-05</c>), which stays numeric. A cell that is only quotes in front of such text
/// (<c>'=x</c>, <c>''=x</c>) gets one more quote, so <see cref="Restore"/> (which the CSV import applies to every
/// field) gives every value back exactly: export → import changes nothing.
/// </para>
/// </summary>
public static partial class CsvWriter
{
    public const string NewLine = "\r\n";

    /// <summary>Appends one record (cells formatted by <see cref="Format"/>, neutralised and quoted) and a CRLF.</summary>
    public static void WriteRow(StringBuilder csv, IEnumerable<object?> cells)
    {
        var first = true;
        foreach (var cell in cells)
        {
            if (!first) csv.Append(',');
            first = false;
            csv.Append(Field(cell));
        }
        csv.Append(NewLine);
    }

    /// <summary>One field as written: formatted, neutralised against formulas and quoted when needed.</summary>
    public static string Field(object? value)
    {
        var text = Neutralise(Format(value));
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (text.Length > 0 && (text[0] == ' ' || text[^1] == ' '))
            ? "\"" + text.Replace("\"", "\"\"") + "\""
            : text;
    }

    /// <summary>Invariant text of a value: numbers round-trippable (non-finite → empty), dates ISO 8601, instants with offset or Z.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "",
        float f => float.IsFinite(f) ? f.ToString("R", CultureInfo.InvariantCulture) : "",
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt when dt.TimeOfDay == TimeSpan.Zero && dt.Kind != DateTimeKind.Utc => dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + (dt.Kind == DateTimeKind.Utc ? "Z" : ""),
        DateTimeOffset dto => dto.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The text with a leading <c>'</c> when a spreadsheet could take it for a formula (see the class remarks).</summary>
    public static string Neutralise(string text) => NeedsGuard(text) ? "'" + text : text;

    /// <summary>The inverse of <see cref="Neutralise"/>: drops the one leading <c>'</c> it adds, and nothing else.</summary>
    public static string Restore(string field) =>
        field.Length > 1 && field[0] == '\'' && NeedsGuard(field.AsSpan(1)) ? field[1..] : field;

    private static bool NeedsGuard(ReadOnlySpan<char> text)
    {
        // Iterative on purpose: a hostile cell of a million quotes must not recurse.
        var start = text.IndexOfAnyExcept('\'');
        if (start < 0) return false;
        var rest = text[start..];
        return rest[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !PlainNumber().IsMatch(rest);
    }

    [GeneratedRegex(@"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();
}
