using System.Globalization;

namespace CohortDashboard.Data.Import;

/// <summary>
/// Reads the typed values of one record, adding an <see cref="ImportProblem"/> for each value that is missing or
/// malformed. Every getter returns null on a problem, so a parser reads all columns and reports all problems of a row
/// in one pass, then checks <see cref="HasErrors"/>. Values are trimmed; an empty cell is "no value".
/// </summary>
internal sealed class RowFields(CsvRecord record, ColumnMapping mapping, ImportReport report)
{
    // Money and percentages are decimal(19,4) in storage; more digits would be rounded silently.
    private const int MaxDecimalPlaces = 4;
    private const int MaxQuotedValueLength = 40;

    private static readonly string[] LocalDateTimeFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
    ];

    private static readonly string[] OffsetDateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd HH:mmzzz", "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd HH:mm'Z'", "yyyy-MM-dd HH:mm:ss'Z'", "yyyy-MM-dd HH:mm:ss.FFFFFFF'Z'",
    ];

    /// <summary>The file line of the record.</summary>
    public int Line => record.Line;

    /// <summary>True once any error was reported for this row.</summary>
    public bool HasErrors { get; private set; }

    public void Error(string column, string message)
    {
        HasErrors = true;
        report.AddError(new ImportProblem(Line, column, message));
    }

    public void Warning(string column, string message) => report.AddWarning(new ImportProblem(Line, column, message));

    /// <summary>
    /// The trimmed cell, or null when the column is absent or the cell empty (an error when required), longer than
    /// <paramref name="maxLength"/> or holding a control or direction-override character (errors too).
    /// </summary>
    public string? Text(string column, bool required = false, int maxLength = ImportColumns.MaxTextLength)
    {
        var index = mapping.IndexOf(column);
        var value = index < 0 ? null : record.Fields[index].Trim();
        if (string.IsNullOrEmpty(value))
        {
            if (required) Error(column, "A value is required.");
            return null;
        }
        if (value.Length > maxLength)
        {
            Error(column, string.Create(CultureInfo.InvariantCulture, $"The value is {value.Length:N0} characters long; at most {maxLength:N0} are allowed."));
            return null;
        }
        if (Analytics.UntrustedText.FindDisallowed(value) is { } disallowed)
        {
            Error(column, Analytics.UntrustedText.DisallowedMessage(disallowed));
            return null;
        }
        return value;
    }

    /// <summary>An invariant-culture decimal with a dot; negative values are errors unless allowed.</summary>
    public decimal? Decimal(string column, bool required = false, decimal min = 0m, decimal max = decimal.MaxValue)
    {
        if (Text(column, required) is not { } text) return null;
        if (text.Contains(','))
        {
            Error(column, $"{Quoted(text)} is not a number: use a dot for decimals and no thousands separators (e.g. 1234.5).");
            return null;
        }
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture, out var value))
        {
            Error(column, $"{Quoted(text)} is not a number; expected digits with an optional dot (e.g. 1234.5).");
            return null;
        }
        if (value.Scale > MaxDecimalPlaces && value != decimal.Round(value, MaxDecimalPlaces))
        {
            Error(column, $"{Quoted(text)} has more than {MaxDecimalPlaces} decimal places.");
            return null;
        }
        return InRange(column, text, value, min, max) ? value : null;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int? Integer(string column, bool required = false, int min = 0, int max = int.MaxValue)
    {
        if (Text(column, required) is not { } text) return null;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Error(column, $"{Quoted(text)} is not a whole number.");
            return null;
        }
        return InRange(column, text, value, min, max) ? value : null;
    }

    /// <summary>
    /// An ISO 8601 date or date-time, returned in UTC. With Z or an offset the instant is exact; without, it is local
    /// time in <paramref name="timeZone"/> (a date alone is local midnight). A local time that the clocks skip (spring
    /// forward) is an error; one that occurs twice (fall back) is read as standard time, as .NET converts it.
    /// </summary>
    public DateTime? Instant(string column, TimeZoneInfo timeZone, bool required = false)
    {
        if (Text(column, required) is not { } text) return null;
        if (DateTime.TryParseExact(text, LocalDateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            if (timeZone.IsInvalidTime(local))
            {
                Error(column, $"{Quoted(text)} does not exist in {timeZone.Id} (the clocks skip it); give the time with an offset.");
                return null;
            }
            return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), timeZone);
        }
        if (DateTimeOffset.TryParseExact(text, OffsetDateTimeFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var exact))
            return exact.UtcDateTime;
        Error(column, $"{Quoted(text)} is not an ISO 8601 date or time (e.g. 2026-03-31, 2026-03-31T14:05:00 or 2026-03-31T14:05:00Z).");
        return null;
    }

    /// <summary>An ISO 8601 calendar date (yyyy-MM-dd).</summary>
    public DateOnly? Date(string column, bool required = false)
    {
        if (Text(column, required) is not { } text) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return date;
        Error(column, $"{Quoted(text)} is not an ISO 8601 date; expected yyyy-MM-dd (e.g. 2026-03-31).");
        return null;
    }

    /// <summary>An enum by its wire spelling, case-insensitively.</summary>
    public T? Enum<T>(string column, Func<T, string> toWire, bool required = false) where T : struct, System.Enum
    {
        if (Text(column, required) is not { } text) return null;
        if (Analytics.WireNames.TryParse(text, toWire, out T value)) return value;
        var expected = string.Join(", ", System.Enum.GetValues<T>().Select(toWire));
        Error(column, $"{Quoted(text)} is not a valid {column}; expected one of {expected}.");
        return null;
    }

    /// <summary>true/false, yes/no or 1/0, case-insensitively.</summary>
    public bool? Boolean(string column, bool required = false)
    {
        if (Text(column, required) is not { } text) return null;
        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "1":
                return true;
            case "false" or "no" or "0":
                return false;
            default:
                Error(column, $"{Quoted(text)} is not true or false.");
                return null;
        }
    }

    private bool InRange<T>(string column, string text, T value, T min, T max) where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0)
        {
            Error(column, min.Equals(default(T)) ? $"{Quoted(text)} is negative; it must be 0 or more."
                : $"{Quoted(text)} is below the minimum {min}.");
            return false;
        }
        if (value.CompareTo(max) > 0)
        {
            Error(column, $"{Quoted(text)} is above the maximum {max}.");
            return false;
        }
        return true;
    }

    internal static string Quoted(string value) =>
        value.Length <= MaxQuotedValueLength ? $"'{value}'" : $"'{value[..MaxQuotedValueLength]}…'";
}
