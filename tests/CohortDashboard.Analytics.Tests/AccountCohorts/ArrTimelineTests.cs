using CohortDashboard.Analytics.AccountCohorts;

namespace CohortDashboard.Analytics.Tests.AccountCohorts;

public sealed class ArrTimelineTests
{
    private static readonly DateOnly Jan = new(2026, 1, 1), Feb = new(2026, 2, 1), Mar = new(2026, 3, 1), Apr = new(2026, 4, 1);

    private static ProductContract Row(DateOnly start, DateOnly? end, decimal arr, HoldingStatus status = HoldingStatus.Active) =>
        new(1, status, start, end, arr);

    [Fact]
    public void ArrAt_ProductEndingMidMonth_NotCountedInThatMonth()
    {
        // Ends 2026-02-15: in force at the end of January (Jan 31 < Feb 15), not at the end of February (Feb 15 ≤ Feb 28).
        ProductContract[] rows = [Row(new(2025, 6, 1), new(2026, 2, 15), 1_200m)];

        Assert.Equal(1_200m, ArrTimeline.ArrAt(rows, Jan));
        Assert.Equal(0m, ArrTimeline.ArrAt(rows, Feb));
    }

    [Fact]
    public void ArrAt_ProductEndingOnLastDay_NotCountedInThatMonth()
    {
        // end_date is the day the contract stops: Feb 28 is not > Feb 28, so February's month-end ARR is 0.
        ProductContract[] rows = [Row(new(2025, 6, 1), new(2026, 2, 28), 1_200m)];

        Assert.Equal(0m, ArrTimeline.ArrAt(rows, Feb));
    }

    [Fact]
    public void ArrAt_ProductStartingOnLastDay_CountedInFull()
    {
        // Starts Jan 31 ≤ Jan 31: January's ARR is the whole 600 (no proration), December's 0.
        ProductContract[] rows = [Row(new(2026, 1, 31), null, 600m)];

        Assert.Equal(0m, ArrTimeline.ArrAt(rows, new DateOnly(2025, 12, 1)));
        Assert.Equal(600m, ArrTimeline.ArrAt(rows, Jan));
    }

    [Fact]
    public void ArrAt_ContractionAsOldRowEndedOnNewRowStart_NotDoubleCounted()
    {
        // 1 000 replaced by 700 on 2026-02-10: January 1 000; February only the 700 row (1 000 + 700 would be the double count).
        ProductContract[] rows = [Row(new(2025, 1, 1), new(2026, 2, 10), 1_000m), Row(new(2026, 2, 10), null, 700m)];

        Assert.Equal(1_000m, ArrTimeline.ArrAt(rows, Jan));
        Assert.Equal(700m, ArrTimeline.ArrAt(rows, Feb));
    }

    [Fact]
    public void ArrAt_ContractionOnLastDayOfMonth_NotDoubleCounted()
    {
        // Hand-over on Feb 28 itself: the old row stops at Feb 28, the new one is in force → 700, not 1 700.
        ProductContract[] rows = [Row(new(2025, 1, 1), new(2026, 2, 28), 1_000m), Row(new(2026, 2, 28), null, 700m)];

        Assert.Equal(700m, ArrTimeline.ArrAt(rows, Feb));
    }

    [Fact]
    public void ArrAt_PendingAndOpenChurnedRows_Ignored()
    {
        // Only the 500 active row counts: pending is unsigned, churned with no end date has no known stop.
        ProductContract[] rows =
        [
            Row(new(2025, 1, 1), null, 500m),
            Row(new(2025, 1, 1), null, 300m, HoldingStatus.Pending),
            Row(new(2025, 1, 1), null, 200m, HoldingStatus.Churned),
        ];

        Assert.Equal(500m, ArrTimeline.ArrAt(rows, Jan));
    }

    [Fact]
    public void ArrAt_ChurnedRowWithEndDate_CountedUntilItEnds()
    {
        // Churned, ended 2026-03-05: counts at the end of February (Feb 28 < Mar 5), not of March.
        ProductContract[] rows = [Row(new(2025, 1, 1), new(2026, 3, 5), 400m, HoldingStatus.Churned)];

        Assert.Equal(400m, ArrTimeline.ArrAt(rows, Feb));
        Assert.Equal(0m, ArrTimeline.ArrAt(rows, Mar));
    }

    [Fact]
    public void Build_ExpansionContractionChurnAndComeBack_MonthlyValuesAndMovements()
    {
        // Product A 1 000 from Dec 1 to Mar 10; product B 500 from Jan 15 (expansion) to Feb 20 (contraction);
        // product C 800 from Apr 2 (comes back after March at 0).
        // Dec: A = 1 000. Jan: A + B = 1 500. Feb: B ended Feb 20 → 1 000. Mar: A ended Mar 10 → 0. Apr: C = 800.
        ProductContract[] rows =
        [
            Row(new(2025, 12, 1), new(2026, 3, 10), 1_000m),
            Row(new(2026, 1, 15), new(2026, 2, 20), 500m),
            Row(new(2026, 4, 2), null, 800m),
        ];

        var series = Assert.Single(ArrTimeline.Build(rows, Apr));

        Assert.Equal(new DateOnly(2025, 12, 1), series.FirstMonth);
        Assert.Equal([1_000m, 1_500m, 1_000m, 0m, 800m], series.Values);
        Assert.Equal(ArrMovementKind.Expansion, ArrTimeline.MovementIn(series, Jan));
        Assert.Equal(ArrMovementKind.Contraction, ArrTimeline.MovementIn(series, Feb));
        Assert.Equal(ArrMovementKind.Churn, ArrTimeline.MovementIn(series, Mar));
        Assert.Equal(ArrMovementKind.Reactivation, ArrTimeline.MovementIn(series, Apr));
        // December comes from 0 in November with nothing before: new business.
        Assert.Equal(ArrMovementKind.New, ArrTimeline.MovementIn(series, new DateOnly(2025, 12, 1)));
    }

    [Fact]
    public void Build_SeveralAccounts_OneSeriesEachFromItsOwnFirstMonthToLastMonth()
    {
        // Account 2 starts in March (series Mar..Apr); account 1's row starting after April is ignored, leaving Jan..Apr.
        ProductContract[] rows =
        [
            new(2, HoldingStatus.Active, new(2026, 3, 3), null, 100m),
            new(1, HoldingStatus.Active, new(2026, 1, 1), null, 50m),
            new(1, HoldingStatus.Active, new(2026, 5, 1), null, 70m),
        ];

        var series = ArrTimeline.Build(rows, Apr);

        Assert.Equal([1L, 2L], series.Select(s => s.AccountId));
        Assert.Equal([50m, 50m, 50m, 50m], series[0].Values);
        Assert.Equal([100m, 100m], series[1].Values);
        Assert.Equal(0m, series[1].At(Feb));
    }

    [Theory]
    [InlineData(0, 0, false, ArrMovementKind.None)]
    [InlineData(100, 100, false, ArrMovementKind.None)]
    [InlineData(0, 100, false, ArrMovementKind.New)]
    [InlineData(0, 100, true, ArrMovementKind.Reactivation)]
    [InlineData(100, 150, true, ArrMovementKind.Expansion)]
    [InlineData(100, 1, true, ArrMovementKind.Contraction)]
    [InlineData(100, 0, true, ArrMovementKind.Churn)]
    public void Classify_PreviousAndCurrent_Kind(int previous, int current, bool hadArrBefore, ArrMovementKind expected)
    {
        Assert.Equal(expected, ArrTimeline.Classify(previous, current, hadArrBefore));
    }

    [Fact]
    public void ZeroFrom_MidSeriesDate_ZeroFromThatMonth()
    {
        // Churned on Feb 17 → February and later are 0; January keeps its 300.
        var series = new AccountArrSeries(1, Jan, [300m, 300m, 300m]).ZeroFrom(new DateOnly(2026, 2, 17));

        Assert.Equal([300m, 0m, 0m], series.Values);
    }

    [Fact]
    public void At_AfterLastMonth_Throws()
    {
        var series = new AccountArrSeries(1, Jan, [300m]);

        Assert.Throws<ArgumentOutOfRangeException>(() => series.At(Feb));
    }

    [Fact]
    public void HadArrBefore_PositiveOnlyInTheMonthItself_False()
    {
        // Values Jan 0, Feb 200, Mar 0: before February nothing was paid; before March, February was.
        var series = new AccountArrSeries(1, Jan, [0m, 200m, 0m]);

        Assert.False(series.HadArrBefore(Jan));
        Assert.False(series.HadArrBefore(Feb));
        Assert.True(series.HadArrBefore(Mar));
        Assert.True(series.HadArrBefore(new DateOnly(2027, 1, 1)));
    }
}
