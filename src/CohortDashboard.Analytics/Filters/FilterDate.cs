using System.Globalization;

namespace CohortDashboard.Analytics.Filters;

/// <summary>
/// A date operand of the filter language: either a calendar date <c>yyyy-MM-dd</c> (a whole local day in the org's
/// timezone, so <c>equals 2025-03-01</c> means "during that local day") or an ISO 8601 instant with an explicit
/// offset or <c>Z</c> (<c>2025-03-01T12:00:00Z</c>, <c>2025-03-01T07:00:00.5-05:00</c>). Instants without an offset are
/// rejected: they would silently depend on the server's timezone.
/// </summary>
public readonly record struct FilterDate
{
    private static readonly string[] InstantFormats =
    [
        "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    private FilterDate(DateOnly? date, DateTime? instantUtc)
    {
        Date = date;
        InstantUtc = instantUtc;
    }

    /// <summary>The calendar date, when the operand is a date.</summary>
    public DateOnly? Date { get; }

    /// <summary>The UTC instant (<see cref="DateTimeKind.Utc"/>), when the operand is an instant.</summary>
    public DateTime? InstantUtc { get; }

    /// <summary>The earliest date a filter may name (timezone arithmetic near <see cref="DateTime.MinValue"/> would overflow).</summary>
    public static DateOnly Earliest { get; } = new(1900, 1, 1);

    /// <summary>The latest date a filter may name (the day after it must still be a date).</summary>
    public static DateOnly Latest { get; } = new(2999, 12, 31);

    /// <summary>Whether the date, or the instant's UTC date, lies in [<see cref="Earliest"/>, <see cref="Latest"/>].</summary>
    public bool IsInRange => (Date ?? DateOnly.FromDateTime(InstantUtc ?? DateTime.MinValue)) is var day && day >= Earliest && day <= Latest;

    /// <summary>Parses <c>yyyy-MM-dd</c> or an ISO 8601 instant with offset; anything else fails.</summary>
    public static bool TryParse(string? text, out FilterDate value)
    {
        value = default;
        if (string.IsNullOrEmpty(text)) return false;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = new FilterDate(date, null);
            return true;
        }
        if (DateTimeOffset.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var instant))
        {
            value = new FilterDate(null, instant.UtcDateTime);
            return true;
        }
        return false;
    }
}
