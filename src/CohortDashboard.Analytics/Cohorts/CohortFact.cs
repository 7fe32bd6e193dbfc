namespace CohortDashboard.Analytics.Cohorts;

/// <summary>
/// One customer's qualifying activity in one period: its orders and money. <see cref="Refunds"/> are the refunds the
/// org's attribution setting places in this period (by refund date, or with the order), so a period can carry a
/// refund and no order; such a period is not activity for retention.
/// </summary>
public readonly record struct CohortFact(
    int Period,
    int Orders,
    decimal Gross,
    decimal Discounts,
    decimal Refunds,
    decimal Cogs,
    decimal Shipping,
    decimal Fees)
{
    public decimal Net => Gross - Discounts - Refunds;

    public CohortFact Plus(CohortFact other) => new(
        Period,
        Orders + other.Orders,
        Gross + other.Gross,
        Discounts + other.Discounts,
        Refunds + other.Refunds,
        Cogs + other.Cogs,
        Shipping + other.Shipping,
        Fees + other.Fees);
}

/// <summary>Which orders qualify and where refunds land (SPEC §3, org order settings).</summary>
public sealed record CohortOrderSettings(bool CountPending, bool CountVoided, bool RefundsOnOrderDate)
{
    public static CohortOrderSettings Default { get; } = new(false, false, false);

    public bool Qualifies(CohortOrderStatus status) => status switch
    {
        CohortOrderStatus.Paid => true,
        CohortOrderStatus.Pending => CountPending,
        _ => CountVoided,
    };
}

public enum CohortOrderStatus { Paid, Pending, Voided }

/// <summary>An order as the engine sees it: who, when (UTC), and its money.</summary>
public sealed record CohortOrder(
    long CustomerId,
    DateTime PlacedAtUtc,
    CohortOrderStatus Status,
    decimal Gross,
    decimal Discounts = 0m,
    decimal RefundedAmount = 0m,
    DateTime? RefundedAtUtc = null,
    decimal Cogs = 0m,
    decimal Shipping = 0m,
    decimal Fees = 0m);

/// <summary>Turns orders into per-(customer, period) facts in memory: the reference the SQL paths must agree with.</summary>
public static class CohortFacts
{
    /// <summary>
    /// Facts per customer, each customer's facts in period order. Orders placed, and refunds dated, after
    /// <paramref name="asOfEndUtc"/> are left out.
    /// </summary>
    public static IEnumerable<(long CustomerId, IReadOnlyList<CohortFact> Facts)> FromOrders(
        IEnumerable<CohortOrder> orders, PeriodCalendar calendar, CohortOrderSettings settings, DateTime asOfEndUtc)
    {
        var byCustomer = new SortedDictionary<long, SortedDictionary<int, CohortFact>>();
        void Add(long customer, CohortFact fact)
        {
            if (!byCustomer.TryGetValue(customer, out var periods)) byCustomer[customer] = periods = [];
            periods[fact.Period] = periods.TryGetValue(fact.Period, out var existing) ? existing.Plus(fact) : fact;
        }

        foreach (var order in orders)
        {
            if (!settings.Qualifies(order.Status) || order.PlacedAtUtc >= asOfEndUtc) continue;
            var period = calendar.IndexOf(order.PlacedAtUtc);
            var refundWithOrder = settings.RefundsOnOrderDate || order.RefundedAtUtc is null ? order.RefundedAmount : 0m;
            Add(order.CustomerId, new CohortFact(period, 1, order.Gross, order.Discounts, refundWithOrder, order.Cogs, order.Shipping, order.Fees));
            if (!settings.RefundsOnOrderDate && order.RefundedAtUtc is { } refundedAt && order.RefundedAmount != 0m && refundedAt < asOfEndUtc)
                Add(order.CustomerId, new CohortFact(calendar.IndexOf(refundedAt), 0, 0m, 0m, order.RefundedAmount, 0m, 0m, 0m));
        }

        return byCustomer.Select(pair => (pair.Key, (IReadOnlyList<CohortFact>)[.. pair.Value.Values]));
    }
}
