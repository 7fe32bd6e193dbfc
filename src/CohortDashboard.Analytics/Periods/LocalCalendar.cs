namespace CohortDashboard.Analytics.Periods;

/// <summary>A local calendar month and the UTC instants where it starts and ends.</summary>
public sealed record LocalMonth(int Year, int Month, DateTime StartUtc, DateTime EndUtc)
{
    public string Label => $"{Year:D4}-{Month:D2}";
}

/// <summary>
/// Turns local calendar periods of an IANA timezone into UTC instant ranges, so stored UTC instants can be bucketed
/// by range comparisons alone (databases without timezone functions included). DST is handled by the timezone rules.
/// </summary>
public static class LocalCalendar
{
    public static TimeZoneInfo FindTimeZone(string ianaId) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var zone)
            ? zone
            : throw new ArgumentException($"Unknown timezone '{ianaId}'.", nameof(ianaId));

    /// <summary>The UTC instant at which a local date's midnight occurs (the first valid instant if midnight is skipped).</summary>
    public static DateTime LocalMidnightToUtc(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Some zones skip midnight on a DST change; the day then starts at the first instant that exists.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    public static DateOnly LocalDate(DateTime utcInstant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utcInstant, DateTimeKind.Utc), zone));

    /// <summary>The <paramref name="count"/> local months ending with the month that contains <paramref name="asOfUtc"/>.</summary>
    public static IReadOnlyList<LocalMonth> MonthsEndingAt(DateTime asOfUtc, TimeZoneInfo zone, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var today = LocalDate(asOfUtc, zone);
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(-(count - 1));
        var months = new List<LocalMonth>(count);
        for (var i = 0; i < count; i++)
        {
            var start = first.AddMonths(i);
            var end = start.AddMonths(1);
            months.Add(new LocalMonth(start.Year, start.Month, LocalMidnightToUtc(start, zone), LocalMidnightToUtc(end, zone)));
        }
        return months;
    }
}
