namespace CohortDashboard.Analytics.Cohorts;

/// <summary>Which cell's customers to list when drilling down.</summary>
public sealed record CohortCellSelector(string Group, int Cohort, int Offset);

/// <summary>A member of a drilled-down cohort, with its numbers at the drilled offset and cumulatively through it.</summary>
public sealed record CohortCellCustomer(long CustomerId, int Orders, decimal NetRevenue, decimal CumulativeNetRevenue, int LastActiveOffset)
{
    /// <summary>Whether this customer is one of those behind the cell's value for <paramref name="measure"/>.</summary>
    public bool CountsIn(CohortMeasure measure, RetentionMode mode, int offset) => measure switch
    {
        _ when measure.IsCumulative() => true,
        CohortMeasure.Retention or CohortMeasure.Customers when mode == RetentionMode.Unbounded => LastActiveOffset >= offset,
        CohortMeasure.Retention or CohortMeasure.Customers or CohortMeasure.Orders or CohortMeasure.Aov => Orders > 0,
        _ => Orders > 0 || NetRevenue != 0m,
    };
}

/// <summary>
/// Streams customers (each with its facts in period order) into per-group, per-cohort tallies. Memory is bounded by
/// groups × cohorts × offsets, whatever the number of customers or orders, so callers can feed it from a database
/// reader without holding the rows.
/// </summary>
public sealed class CohortAccumulator
{
    private readonly Dictionary<string, Dictionary<int, CohortTally>> _groups = new(StringComparer.Ordinal);
    private readonly List<CohortCellCustomer> _drilled = [];

    /// <param name="firstCohort">First acquisition period shown; customers acquired earlier are not counted.</param>
    /// <param name="lastCohort">Last acquisition period shown.</param>
    /// <param name="asOfPeriod">The period containing the as-of date; later periods have not started.</param>
    /// <param name="offsets">How many offset columns (0..offsets−1) are tallied.</param>
    /// <param name="drill">When set, that cohort's members are collected with their numbers at the cell's offset.</param>
    public CohortAccumulator(int firstCohort, int lastCohort, int asOfPeriod, int offsets, CohortCellSelector? drill = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(offsets, 1);
        FirstCohort = firstCohort;
        LastCohort = Math.Min(lastCohort, asOfPeriod);
        AsOfPeriod = asOfPeriod;
        Offsets = offsets;
        Drill = drill;
    }

    public int FirstCohort { get; }
    public int LastCohort { get; }
    public int AsOfPeriod { get; }
    public int Offsets { get; }
    public CohortCellSelector? Drill { get; }
    public IReadOnlyDictionary<string, Dictionary<int, CohortTally>> Groups => _groups;
    public IReadOnlyList<CohortCellCustomer> DrilledCustomers => _drilled;

    /// <summary>
    /// Adds one customer. Its cohort is the period of its first fact with an order; a customer acquired outside
    /// [first, last] cohort is ignored. Facts must be in period order.
    /// </summary>
    public void AddCustomer(long customerId, string group, IReadOnlyList<CohortFact> facts)
    {
        var cohort = int.MinValue;
        foreach (var fact in facts)
        {
            if (fact.Orders > 0) { cohort = fact.Period; break; }
        }
        if (cohort == int.MinValue || cohort < FirstCohort || cohort > LastCohort) return;

        if (!_groups.TryGetValue(group, out var cohorts)) _groups[group] = cohorts = [];
        if (!cohorts.TryGetValue(cohort, out var tally)) cohorts[cohort] = tally = new CohortTally(Offsets);

        tally.Size++;
        var lastActive = 0;
        var drillHere = Drill is { } d && d.Group == group && d.Cohort == cohort;
        int drillOrders = 0;
        decimal drillNet = 0m, drillCumulative = 0m;
        foreach (var fact in facts)
        {
            var offset = fact.Period - cohort;
            if (offset < 0 || fact.Period > AsOfPeriod) continue;
            if (fact.Orders > 0) lastActive = offset;
            if (drillHere && offset <= Drill!.Offset)
            {
                drillCumulative += fact.Net;
                if (offset == Drill.Offset) { drillOrders = fact.Orders; drillNet = fact.Net; }
            }
            if (offset >= Offsets) continue;
            var cell = tally.Cells[offset];
            if (fact.Orders > 0) cell.Customers++;
            cell.Orders += fact.Orders;
            cell.Gross += fact.Gross;
            cell.Discounts += fact.Discounts;
            cell.Refunds += fact.Refunds;
            cell.Cogs += fact.Cogs;
            cell.Shipping += fact.Shipping;
            cell.Fees += fact.Fees;
        }
        tally.LastActive[Math.Min(lastActive, Offsets - 1)]++;

        if (drillHere) _drilled.Add(new CohortCellCustomer(customerId, drillOrders, drillNet, drillCumulative, lastActive));
    }
}

/// <summary>Running totals of one cohort.</summary>
public sealed class CohortTally
{
    public CohortTally(int offsets)
    {
        Cells = new OffsetTally[offsets];
        for (var i = 0; i < offsets; i++) Cells[i] = new OffsetTally();
        LastActive = new int[offsets];
    }

    public int Size { get; internal set; }
    public OffsetTally[] Cells { get; }
    /// <summary>How many customers were last active at each offset (the last column also holds "later").</summary>
    public int[] LastActive { get; }

    /// <summary>Customers with an order at offset ≥ <paramref name="offset"/>.</summary>
    public int ActiveOnOrAfter(int offset)
    {
        var count = 0;
        for (var i = offset; i < LastActive.Length; i++) count += LastActive[i];
        return count;
    }
}

public sealed class OffsetTally
{
    public int Customers { get; internal set; }
    public int Orders { get; internal set; }
    public decimal Gross { get; internal set; }
    public decimal Discounts { get; internal set; }
    public decimal Refunds { get; internal set; }
    public decimal Cogs { get; internal set; }
    public decimal Shipping { get; internal set; }
    public decimal Fees { get; internal set; }
    public decimal Net => Gross - Discounts - Refunds;
}
