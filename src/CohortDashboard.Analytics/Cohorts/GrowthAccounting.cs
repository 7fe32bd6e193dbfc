namespace CohortDashboard.Analytics.Cohorts;

/// <summary>
/// One period of user and growth accounting. A user is active in a period with at least one qualifying order; it is
/// <b>new</b> in its first active period ever, <b>retained</b> when also active in the previous period,
/// <b>resurrected</b> when active again after a gap, and <b>churned</b> in a period when it was active in the previous
/// one but not in this one. Counts: active = new + retained + resurrected. Amounts: <see cref="Revenue"/> is every
/// user's amount in the period (refunds of inactive users included); New/Retained/Resurrected are the amounts of those
/// active users; <see cref="Churned"/> is the previous-period amount of churned users; Expansion/Contraction are retained
/// users' increases/decreases over their previous-period amount.
/// </summary>
public sealed record GrowthPeriod(
    int Period,
    int ActiveUsers,
    int NewUsers,
    int RetainedUsers,
    int ResurrectedUsers,
    int ChurnedUsers,
    decimal Revenue,
    decimal New,
    decimal Retained,
    decimal Resurrected,
    decimal Churned,
    decimal Expansion,
    decimal Contraction);

/// <summary>
/// Streams customers (facts in period order, like <see cref="CohortAccumulator"/>) into per-period user and growth
/// accounting for periods <paramref name="firstPeriod"/>..<paramref name="lastPeriod"/>. Classifying the first period
/// needs the exact previous period, and "new" needs to know whether a user was ever active before: feed facts from
/// <c>firstPeriod − 1</c> on, with all earlier activity folded into any earlier period.
/// </summary>
public sealed class GrowthAccounting
{
    private readonly int _first;
    private readonly Func<CohortFact, decimal> _amount;
    private readonly Tally[] _tallies;

    public GrowthAccounting(int firstPeriod, int lastPeriod, Func<CohortFact, decimal> amount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lastPeriod, firstPeriod);
        _first = firstPeriod;
        _amount = amount;
        _tallies = new Tally[lastPeriod - firstPeriod + 1];
        for (var i = 0; i < _tallies.Length; i++) _tallies[i] = new Tally();
    }

    public void Add(long customerId, IReadOnlyList<CohortFact> facts)
    {
        var firstActive = int.MaxValue;
        var active = new bool[_tallies.Length + 1];   // index 0 = firstPeriod − 1
        var amounts = new decimal[_tallies.Length + 1];
        foreach (var fact in facts)
        {
            if (fact.Orders > 0) firstActive = Math.Min(firstActive, fact.Period);
            var index = fact.Period - _first + 1;
            if (index < 0 || index >= active.Length) continue;
            active[index] |= fact.Orders > 0;
            amounts[index] += _amount(fact);
        }

        for (var i = 1; i < active.Length; i++)
        {
            var tally = _tallies[i - 1];
            var (current, previous) = (amounts[i], amounts[i - 1]);
            tally.Revenue += current;
            if (active[i])
            {
                tally.Active++;
                if (firstActive == _first + i - 1) { tally.NewUsers++; tally.New += current; }
                else if (active[i - 1])
                {
                    tally.RetainedUsers++;
                    tally.Retained += current;
                    if (current > previous) tally.Expansion += current - previous;
                    else tally.Contraction += previous - current;
                }
                else { tally.ResurrectedUsers++; tally.Resurrected += current; }
            }
            else if (active[i - 1])
            {
                tally.ChurnedUsers++;
                tally.Churned += previous;
            }
        }
    }

    public IReadOnlyList<GrowthPeriod> Periods() =>
        _tallies.Select((t, i) => new GrowthPeriod(_first + i, t.Active, t.NewUsers, t.RetainedUsers, t.ResurrectedUsers, t.ChurnedUsers,
            t.Revenue, t.New, t.Retained, t.Resurrected, t.Churned, t.Expansion, t.Contraction)).ToList();

    private sealed class Tally
    {
        public int Active, NewUsers, RetainedUsers, ResurrectedUsers, ChurnedUsers;
        public decimal Revenue, New, Retained, Resurrected, Churned, Expansion, Contraction;
    }
}
