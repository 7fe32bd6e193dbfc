using CohortDashboard.Analytics.AccountCohorts;
using CohortDashboard.Analytics.Periods;

namespace CohortDashboard.Analytics.Tests.AccountCohorts;

public sealed class VintageNamesTests
{
    private const int February = 2;

    // Fiscal year starting in February: FY2025 = 2025-02-01..2026-01-31; Q1 Feb–Apr, Q2 May–Jul, Q3 Aug–Oct, Q4 Nov–Jan.
    [Theory]
    [InlineData("2025-02-01", "Vintage 2025-Q1")]   // first day of FY2025
    [InlineData("2025-01-31", "Vintage 2024-Q4")]   // last day of FY2024 (Nov 2024–Jan 2025)
    [InlineData("2025-07-31", "Vintage 2025-Q2")]   // last day of Q2
    [InlineData("2025-08-01", "Vintage 2025-Q3")]   // first day of Q3
    [InlineData("2025-10-31", "Vintage 2025-Q3")]   // last day of Q3
    [InlineData("2026-01-10", "Vintage 2025-Q4")]   // January belongs to the fiscal year that started the previous February
    public void Name_FiscalYearStartingFebruary_QuarterOfStartYear(string createdOn, string expected)
    {
        Assert.Equal(expected, VintageNames.Name(DateOnly.Parse(createdOn), February));
    }

    [Fact]
    public void Name_CalendarFiscalYear_CalendarQuarter()
    {
        // Start month 1: July is calendar Q3.
        Assert.Equal("Vintage 2025-Q3", VintageNames.Name(new DateOnly(2025, 7, 1), 1));
    }

    [Fact]
    public void Name_UtcInstantAfterLocalMidnight_UsesOrgLocalDate()
    {
        // 2025-08-01 03:00 UTC is 2025-07-31 23:00 in New York (UTC−4 in summer): still Q2 with a February fiscal start,
        // whereas the UTC date would give Q3.
        var zone = LocalCalendar.FindTimeZone("America/New_York");
        var createdAt = new DateTime(2025, 8, 1, 3, 0, 0, DateTimeKind.Utc);

        Assert.Equal("Vintage 2025-Q2", VintageNames.Name(createdAt, zone, February));
        Assert.Equal("Vintage 2025-Q3", VintageNames.Name(createdAt, LocalCalendar.FindTimeZone("UTC"), February));
    }

    [Fact]
    public void TryParse_GeneratedName_RoundTrips()
    {
        Assert.True(VintageNames.TryParse("Vintage 2024-Q4", out var quarter));
        Assert.Equal(new FiscalQuarter(2024, 4), quarter);
        Assert.False(VintageNames.TryParse("Segment SMB", out _));
    }
}
