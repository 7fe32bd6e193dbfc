using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Periods;

namespace CohortDashboard.Analytics.Tests.Cohorts;

/// <summary>
/// Hand-worked cohort matrices: orders → facts (<see cref="CohortFacts"/>) → tallies (<see cref="CohortAccumulator"/>)
/// → matrix (<see cref="CohortMatrixBuilder"/>). Every expected number is worked out in the comments.
/// </summary>
public sealed class CohortEngineTests
{
    private static readonly TimeZoneInfo NewYork = LocalCalendar.FindTimeZone("America/New_York");
    private static readonly PeriodCalendar Months = new(Granularity.Month, NewYork);

    private static DateTime Utc(int y, int m, int d, int h = 12, int min = 0) => new(y, m, d, h, min, 0, DateTimeKind.Utc);

    /// <summary>
    /// As of 2026-04-15 (New York):
    /// customer 1: Jan 5 $100, Feb 10 $50, Apr 2 $30 · customer 2: Jan 20 $200, Mar 3 $80 ·
    /// customer 3: Feb 1 $120 · customer 4: Jan 31 23:30 local (= Feb 1 04:30Z) $40, Feb 2 $10.
    /// Cohorts: Jan {1, 2, 4}, Feb {3}, Mar {}, Apr {}.
    /// </summary>
    private static readonly CohortOrder[] FourCustomers =
    [
        new(1, Utc(2026, 1, 5), CohortOrderStatus.Paid, 100m),
        new(1, Utc(2026, 2, 10), CohortOrderStatus.Paid, 50m),
        new(1, Utc(2026, 4, 2), CohortOrderStatus.Paid, 30m),
        new(2, Utc(2026, 1, 20), CohortOrderStatus.Paid, 200m),
        new(2, Utc(2026, 3, 3), CohortOrderStatus.Paid, 80m),
        new(3, Utc(2026, 2, 1), CohortOrderStatus.Paid, 120m),
        new(4, Utc(2026, 2, 1, 4, 30), CohortOrderStatus.Paid, 40m),
        new(4, Utc(2026, 2, 2), CohortOrderStatus.Paid, 10m),
    ];

    private static readonly DateOnly AsOf = new(2026, 4, 15);

    private static CohortAnalysis Analyze(IEnumerable<CohortOrder> orders, CohortMeasure measure,
        RetentionMode mode = RetentionMode.Bounded, CohortOrderSettings? settings = null, PeriodCalendar? calendar = null,
        DateOnly? asOf = null, DateOnly? from = null, int offsets = 6)
    {
        calendar ??= Months;
        var asOfDate = asOf ?? AsOf;
        var asOfPeriod = calendar.IndexOf(asOfDate);
        var first = calendar.IndexOf(from ?? new DateOnly(2026, 1, 1));
        var accumulator = new CohortAccumulator(first, asOfPeriod, asOfPeriod, offsets);
        var asOfEnd = LocalCalendar.LocalMidnightToUtc(asOfDate.AddDays(1), calendar.Zone);
        foreach (var (customer, facts) in CohortFacts.FromOrders(orders, calendar, settings ?? CohortOrderSettings.Default, asOfEnd))
            accumulator.AddCustomer(customer, CohortMatrixBuilder.AllGroup, facts);
        return CohortMatrixBuilder.Build(accumulator, calendar, measure, mode);
    }

    private static decimal?[] Values(CohortRow row) => row.Cells.Select(c => c?.Value).ToArray();

    [Fact]
    public void Build_Retention_HandWorkedMatrixWithNullsAndInProgress()
    {
        var matrix = Analyze(FourCustomers, CohortMeasure.Retention).Groups.Single();

        Assert.Equal(["2026-01", "2026-02", "2026-03", "2026-04"], matrix.Rows.Select(r => r.Label));
        Assert.Equal([3, 1, 0, 0], matrix.Rows.Select(r => r.Size));
        // Jan: M0 all 3; M1 (Feb) customers 1 and 4; M2 (Mar) customer 2; M3 (Apr, running) customer 1; M4+ not started.
        Assert.Equal([1m, 2m / 3, 1m / 3, 1m / 3, null, null], Values(matrix.Rows[0]));
        Assert.Null(matrix.Rows[0].Cells[4]);
        Assert.True(matrix.Rows[0].Cells[3]!.InProgress);
        Assert.False(matrix.Rows[0].Cells[2]!.InProgress);
        // Feb: the one customer never came back; M2 is April (running).
        Assert.Equal([1m, 0m, 0m, null, null, null], Values(matrix.Rows[1]));
        Assert.True(matrix.Rows[1].Cells[2]!.InProgress);
        // Mar and Apr: nobody acquired — the cells exist (the periods started) but have no value.
        Assert.NotNull(matrix.Rows[2].Cells[1]);
        Assert.Null(matrix.Rows[2].Cells[1]!.Value);
        Assert.Null(matrix.Rows[2].Cells[2]);
    }

    [Fact]
    public void Build_MeanRow_SizeWeightedOverCompletedCellsOnly()
    {
        var matrix = Analyze(FourCustomers, CohortMeasure.Retention).Groups.Single();

        // M0: (3·1 + 1·1) / 4 = 1 (April's running M0 is left out). M1: (3·2/3 + 1·0) / 4 = 0.5.
        // M2: only January completed it: 1/3 (February's M2 is April, running). M3: only January's running cell → none.
        Assert.Equal(1m, matrix.Mean[0]!.Value);
        Assert.Equal(0.5m, matrix.Mean[1]!.Value);
        Assert.Equal(1m / 3, matrix.Mean[2]!.Value);
        Assert.Null(matrix.Mean[3]);
    }

    [Fact]
    public void Build_UnboundedRetention_CountsCustomersActiveOnOrAfterTheOffset()
    {
        var january = Analyze(FourCustomers, CohortMeasure.Retention, RetentionMode.Unbounded).Groups.Single().Rows[0];

        // Last active offset: customer 1 → M3, customer 2 → M2, customer 4 → M1.
        // ≥ M1: all three; ≥ M2: customers 1, 2; ≥ M3: customer 1.
        Assert.Equal([1m, 1m, 2m / 3, 1m / 3, null, null], Values(january));
        Assert.Equal(2, january.Cells[2]!.Customers);
    }

    [Fact]
    public void Build_NetRevenueAndLtv_HandWorked()
    {
        var analysis = Analyze(FourCustomers, CohortMeasure.NetRevenue);
        var ltv = Analyze(FourCustomers, CohortMeasure.Ltv);

        // Jan net per offset: M0 100+200+40 = 340, M1 50+10 = 60, M2 80, M3 30.
        Assert.Equal([340m, 60m, 80m, 30m, null, null], Values(analysis.Groups.Single().Rows[0]));
        // LTV = cumulative net / 3: 340/3, 400/3, 480/3 = 160, 510/3 = 170.
        Assert.Equal([340m / 3, 400m / 3, 160m, 170m, null, null], Values(ltv.Groups.Single().Rows[0]));
    }

    [Fact]
    public void Build_AovCm1Cm2AndAmountRetention_HandWorked()
    {
        CohortOrder[] orders =
        [
            new(1, Utc(2026, 1, 5), CohortOrderStatus.Paid, 100m, Discounts: 10m, Cogs: 30m, Shipping: 5m, Fees: 3m),
            new(2, Utc(2026, 1, 6), CohortOrderStatus.Paid, 50m, Cogs: 20m, Shipping: 5m, Fees: 2m),
            new(1, Utc(2026, 2, 6), CohortOrderStatus.Paid, 60m, Cogs: 10m),
        ];
        Assert.Equal([70m, 60m], Values(Analyze(orders, CohortMeasure.Aov, offsets: 2).Groups.Single().Rows[0]));
        // net M0 = 90 + 50 = 140; net M1 = 60. Amount retention M1 = 60 / 140.
        Assert.Equal([1m, 60m / 140], Values(Analyze(orders, CohortMeasure.AmountRetention, offsets: 2).Groups.Single().Rows[0]));
        // CM1: (140 − 50) / 2 = 45, then + (60 − 10) → 140 / 2 = 70.
        Assert.Equal([45m, 70m], Values(Analyze(orders, CohortMeasure.Cm1, offsets: 2).Groups.Single().Rows[0]));
        // CM2: (140 − 50 − 10 − 5) / 2 = 37.5, then + 50 → 125 / 2 = 62.5.
        Assert.Equal([37.5m, 62.5m], Values(Analyze(orders, CohortMeasure.Cm2, offsets: 2).Groups.Single().Rows[0]));
        Assert.Equal([150m, 60m], Values(Analyze(orders, CohortMeasure.GrossRevenue, offsets: 2).Groups.Single().Rows[0]));
        Assert.Equal([2m, 1m], Values(Analyze(orders, CohortMeasure.Orders, offsets: 2).Groups.Single().Rows[0]));
    }

    [Fact]
    public void Build_RefundInLaterMonth_FollowsTheAttributionSetting()
    {
        // $100 in January, $30 of it refunded on 5 March; no March order.
        CohortOrder[] orders = [new(1, Utc(2026, 1, 5), CohortOrderStatus.Paid, 100m, RefundedAmount: 30m, RefundedAtUtc: Utc(2026, 3, 5))];

        var byRefundDate = Analyze(orders, CohortMeasure.NetRevenue, offsets: 3).Groups.Single().Rows[0];
        var byOrderDate = Analyze(orders, CohortMeasure.NetRevenue, offsets: 3,
            settings: CohortOrderSettings.Default with { RefundsOnOrderDate = true }).Groups.Single().Rows[0];
        var retention = Analyze(orders, CohortMeasure.Retention, offsets: 3).Groups.Single().Rows[0];

        Assert.Equal([100m, 0m, -30m], Values(byRefundDate));
        Assert.Equal([70m, 0m, 0m], Values(byOrderDate));
        // A refund is not activity: March retention stays 0.
        Assert.Equal([1m, 0m, 0m], Values(retention));
    }

    [Fact]
    public void Build_RefundAfterAsOfDate_IsLeftOut()
    {
        CohortOrder[] orders = [new(1, Utc(2026, 1, 5), CohortOrderStatus.Paid, 100m, RefundedAmount: 30m, RefundedAtUtc: Utc(2026, 5, 5))];

        Assert.Equal([100m, 0m, 0m], Values(Analyze(orders, CohortMeasure.NetRevenue, offsets: 3).Groups.Single().Rows[0]));
    }

    [Theory]
    [InlineData(false, false, 1)]
    [InlineData(true, false, 2)]
    [InlineData(false, true, 2)]
    [InlineData(true, true, 3)]
    public void Build_PendingAndVoidedOrders_CountOnlyWhenSettingsSaySo(bool countPending, bool countVoided, int januarySize)
    {
        CohortOrder[] orders =
        [
            new(1, Utc(2026, 1, 5), CohortOrderStatus.Paid, 100m),
            new(2, Utc(2026, 1, 6), CohortOrderStatus.Pending, 100m),
            new(3, Utc(2026, 1, 7), CohortOrderStatus.Voided, 100m),
        ];
        var settings = new CohortOrderSettings(countPending, countVoided, false);

        var january = Analyze(orders, CohortMeasure.GrossRevenue, settings: settings, offsets: 1).Groups.Single().Rows[0];

        Assert.Equal(januarySize, january.Size);
        Assert.Equal(100m * januarySize, january.Cells[0]!.Value);
    }

    [Fact]
    public void Build_PendingFirstOrderNotCounted_AcquisitionIsTheFirstPaidOrder()
    {
        // A pending order in January, the first paid one in February: the customer belongs to February.
        CohortOrder[] orders =
        [
            new(1, Utc(2026, 1, 5), CohortOrderStatus.Pending, 10m),
            new(1, Utc(2026, 2, 5), CohortOrderStatus.Paid, 10m),
        ];

        var rows = Analyze(orders, CohortMeasure.Customers, offsets: 2).Groups.Single().Rows;

        Assert.Equal([0, 1, 0, 0], rows.Select(r => r.Size));
    }

    [Fact]
    public void Build_CustomerAcquiredBeforeTheRange_IsNotACohortMember()
    {
        // Customer 9 first bought in December 2025: a returning customer in January, so in no cohort of the range.
        var orders = FourCustomers.Append(new CohortOrder(9, Utc(2025, 12, 5), CohortOrderStatus.Paid, 10m))
            .Append(new CohortOrder(9, Utc(2026, 1, 5), CohortOrderStatus.Paid, 10m));

        Assert.Equal([3, 1, 0, 0], Analyze(orders, CohortMeasure.Retention).Groups.Single().Rows.Select(r => r.Size));
    }

    [Fact]
    public void Build_NoCustomers_EmptyMatrixNotAnError()
    {
        var analysis = Analyze([], CohortMeasure.Retention);

        Assert.True(analysis.IsEmpty);
        Assert.All(analysis.Groups.Single().Rows, row => Assert.Equal(0, row.Size));
        Assert.All(analysis.Groups.Single().Mean, cell => Assert.Null(cell));
    }

    [Fact]
    public void Build_WeeklyAcrossDstChanges_LateSundayOrderStaysInItsWeek()
    {
        // Customer 1: Sun 8 Mar 23:30 EDT (W10), Mon 9 Mar 00:30 EDT (W11). Customer 2: Sun 1 Nov 23:30 EST (W44),
        // Mon 2 Nov 00:30 EST (W45). Each is retained at W1 of its own cohort.
        var weeks = new PeriodCalendar(Granularity.Week, NewYork);
        CohortOrder[] orders =
        [
            new(1, Utc(2026, 3, 9, 3, 30), CohortOrderStatus.Paid, 10m),
            new(1, Utc(2026, 3, 9, 4, 30), CohortOrderStatus.Paid, 10m),
            new(2, Utc(2026, 11, 2, 4, 30), CohortOrderStatus.Paid, 10m),
            new(2, Utc(2026, 11, 2, 5, 30), CohortOrderStatus.Paid, 10m),
        ];

        var rows = Analyze(orders, CohortMeasure.Retention, calendar: weeks, asOf: new DateOnly(2026, 11, 20),
            from: new DateOnly(2026, 3, 2), offsets: 2).Groups.Single().Rows;

        var march = rows.Single(r => r.Label == "2026-W10");
        var november = rows.Single(r => r.Label == "2026-W44");
        Assert.Equal([1m, 1m], Values(march));
        Assert.Equal([1m, 1m], Values(november));
        Assert.Equal(2, rows.Sum(r => r.Size));
    }

    [Fact]
    public void Build_YearGranularity_OffsetsInYearsWithTheRunningYearInProgress()
    {
        var years = new PeriodCalendar(Granularity.Year, NewYork);
        CohortOrder[] orders =
        [
            new(1, Utc(2024, 6, 1), CohortOrderStatus.Paid, 10m),
            new(1, Utc(2025, 1, 1), CohortOrderStatus.Paid, 10m),
            new(1, Utc(2026, 3, 1), CohortOrderStatus.Paid, 10m),
            new(2, Utc(2024, 7, 1), CohortOrderStatus.Paid, 10m),
        ];

        var analysis = Analyze(orders, CohortMeasure.Retention, calendar: years, from: new DateOnly(2024, 1, 1), offsets: 4);
        var row2024 = analysis.Groups.Single().Rows[0];

        Assert.Equal(["Y0", "Y1", "Y2", "Y3"], analysis.OffsetLabels);
        Assert.Equal("2024", row2024.Label);
        Assert.Equal([1m, 0.5m, 0.5m, null], Values(row2024));
        Assert.True(row2024.Cells[2]!.InProgress);
    }
}
