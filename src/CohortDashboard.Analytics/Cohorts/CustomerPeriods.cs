namespace CohortDashboard.Analytics.Cohorts;

/// <summary>One customer's activity and amount at each offset from its acquisition period through the as-of period.</summary>
public sealed record CustomerPeriods(long CustomerId, int Cohort, IReadOnlyList<bool> Active, IReadOnlyList<decimal> Amounts);

/// <summary>A cohort's totals at one offset: its size, active customers, amount, period-0 amount and cumulative amount.</summary>
public sealed record CohortPeriodTotals(int Cohort, int Offset, int Size, int ActiveCustomers, decimal Amount, decimal CohortSizeAmount, decimal CumulativeAmount)
{
    public decimal LogoRetention => Size == 0 ? 0m : (decimal)ActiveCustomers / Size;

    /// <summary>Amount / the cohort's period-0 amount; null when that is 0.</summary>
    public decimal? AmountRetention => CohortSizeAmount == 0m ? null : Amount / CohortSizeAmount;

    /// <summary>Cumulative amount through this offset per cohort customer.</summary>
    public decimal Ltv => Size == 0 ? 0m : CumulativeAmount / Size;
}

/// <summary>
/// Collects per-customer, per-offset amounts of one metric (net, gross, orders: <paramref name="amount"/>) for customers
/// acquired in [<paramref name="firstCohort"/>, <paramref name="asOfPeriod"/>], fed customer by customer like
/// <see cref="CohortAccumulator"/>. Memory is customers × offsets: meant for per-customer exports (Termina's
/// customer-cohorts), whose output is that size anyway.
/// </summary>
public sealed class CustomerCohortTable(int firstCohort, int asOfPeriod, Func<CohortFact, decimal> amount)
{
    private readonly List<CustomerPeriods> _customers = [];

    public IReadOnlyList<CustomerPeriods> Customers => _customers;

    /// <summary>Adds one customer (facts in period order); its cohort is the period of its first fact with an order.</summary>
    public void Add(long customerId, IReadOnlyList<CohortFact> facts)
    {
        var cohort = facts.FirstOrDefault(f => f.Orders > 0) is { Orders: > 0 } first ? first.Period : int.MinValue;
        if (cohort < firstCohort || cohort > asOfPeriod) return;
        var length = asOfPeriod - cohort + 1;
        var active = new bool[length];
        var amounts = new decimal[length];
        foreach (var fact in facts)
        {
            var offset = fact.Period - cohort;
            if (offset < 0 || offset >= length) continue;
            active[offset] |= fact.Orders > 0;
            amounts[offset] += amount(fact);
        }
        _customers.Add(new CustomerPeriods(customerId, cohort, active, amounts));
    }

    /// <summary>Totals per (cohort, offset), cohorts ascending, every offset up to the as-of period.</summary>
    public IReadOnlyList<CohortPeriodTotals> CohortTotals()
    {
        var totals = new List<CohortPeriodTotals>();
        foreach (var cohort in _customers.GroupBy(c => c.Cohort).OrderBy(g => g.Key))
        {
            var members = cohort.ToList();
            var length = asOfPeriod - cohort.Key + 1;
            var sizeAmount = members.Sum(m => m.Amounts[0]);
            var cumulative = 0m;
            for (var offset = 0; offset < length; offset++)
            {
                var amountAt = members.Sum(m => m.Amounts[offset]);
                cumulative += amountAt;
                totals.Add(new CohortPeriodTotals(cohort.Key, offset, members.Count, members.Count(m => m.Active[offset]),
                    amountAt, sizeAmount, cumulative));
            }
        }
        return totals;
    }
}
