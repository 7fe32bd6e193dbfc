using CohortDashboard.Analytics.Periods;

namespace CohortDashboard.Analytics.Tests.Periods;

public sealed class FiscalQuarterTests
{
    [Theory]
    [InlineData(2025, 1, 1, 2025, 1)]
    [InlineData(2025, 3, 31, 2025, 1)]
    [InlineData(2025, 4, 1, 2025, 2)]
    [InlineData(2025, 12, 31, 2025, 4)]
    public void Of_CalendarFiscalYear_IsCalendarQuarter(int y, int m, int d, int fy, int q) =>
        Assert.Equal(new FiscalQuarter(fy, q), FiscalQuarter.Of(new DateOnly(y, m, d), 1));

    [Theory]
    [InlineData(2025, 1, 31, 2024, 4)] // January belongs to the fiscal year that started the previous February
    [InlineData(2025, 2, 1, 2025, 1)]
    [InlineData(2025, 4, 30, 2025, 1)]
    [InlineData(2025, 5, 1, 2025, 2)]
    [InlineData(2025, 10, 31, 2025, 3)]
    [InlineData(2025, 11, 1, 2025, 4)]
    [InlineData(2026, 1, 31, 2025, 4)]
    public void Of_FiscalYearStartingFebruary_LabelsByStartYear(int y, int m, int d, int fy, int q) =>
        Assert.Equal(new FiscalQuarter(fy, q), FiscalQuarter.Of(new DateOnly(y, m, d), 2));

    [Fact]
    public void StartAndEndDate_FebruaryStartQ4_RollsIntoNextYear()
    {
        var q4 = new FiscalQuarter(2025, 4);

        Assert.Equal(new DateOnly(2025, 11, 1), q4.StartDate(2));
        Assert.Equal(new DateOnly(2026, 2, 1), q4.EndDate(2));
    }

    [Fact]
    public void StartDate_JanuaryStart_IsCalendarQuarterStart() =>
        Assert.Equal(new DateOnly(2025, 7, 1), new FiscalQuarter(2025, 3).StartDate(1));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(12)]
    public void Of_EveryDayOfAYear_LiesWithinItsQuartersBoundaries(int startMonth)
    {
        for (var day = new DateOnly(2024, 1, 1); day < new DateOnly(2026, 1, 1); day = day.AddDays(1))
        {
            var quarter = FiscalQuarter.Of(day, startMonth);
            Assert.InRange(day, quarter.StartDate(startMonth), quarter.EndDate(startMonth).AddDays(-1));
        }
    }

    [Fact]
    public void TryParse_LabelRoundTrips()
    {
        Assert.True(FiscalQuarter.TryParse("2025-Q3", out var quarter));
        Assert.Equal(new FiscalQuarter(2025, 3), quarter);
        Assert.Equal("2025-Q3", quarter.Label);
    }

    [Theory]
    [InlineData("2025-Q5")]
    [InlineData("2025-Q0")]
    [InlineData("2025Q3")]
    [InlineData("25-Q3")]
    [InlineData("2025-q3")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_Malformed_Fails(string? label) => Assert.False(FiscalQuarter.TryParse(label, out _));

    [Fact]
    public void Of_StartMonthOutOfRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FiscalQuarter.Of(new DateOnly(2025, 1, 1), 13));
}
