namespace CohortDashboard.Analytics.AccountCohorts;

/// <summary>The org's churn definition (org setting <c>churn_definition</c>).</summary>
public enum ChurnBasis
{
    /// <summary>Revenue churn (default): every ARR lost by a paying account is churn, downsells included.</summary>
    Revenue,
    /// <summary>Logo churn: only a lost account is churn; downsells are contraction.</summary>
    Logo,
}

/// <summary>
/// One cohort member. Health, risk, products and adoption are the account's current values (no history is stored).
/// </summary>
/// <param name="Arr">Its ARR timeline; accounts with no countable contract can pass an all-zero series.</param>
/// <param name="StatusChurned">Whether the account's status is churned.</param>
/// <param name="ChurnedOn">When the status became churned, if known (used by the logo definition).</param>
/// <param name="ActiveProducts">Number of active products held.</param>
/// <param name="AdoptionPct">Mean adoption (0-100) of its active products.</param>
public sealed record CohortAccount(
    AccountArrSeries Arr, bool StatusChurned, DateOnly? ChurnedOn, int HealthScore, int RiskScore, int ActiveProducts, decimal AdoptionPct)
{
    public long AccountId => Arr.AccountId;
}

/// <summary>A cohort and its member accounts (the definition's current membership).</summary>
public sealed record CohortMembers(long CohortId, string Name, IReadOnlyList<CohortAccount> Accounts);

/// <summary>
/// One cohort month (the fields of cohort_snapshots, plus <see cref="NewArr"/> so the ARR reconciles):
/// <c>TotalArr = StartingArr + NewArr + ExpansionArr − ContractionArr − ChurnArr</c>.
/// </summary>
/// <param name="PeriodMonth">First day of the month.</param>
/// <param name="Members">Member accounts paying at the month end (ARR &gt; 0 after the churn definition).</param>
/// <param name="StartingArr">The cohort's ARR at the end of the previous month.</param>
/// <param name="TotalArr">The cohort's ARR at the end of this month.</param>
/// <param name="NewArr">ARR of members paying for the first time (not part of NRR).</param>
/// <param name="ExpansionArr">Increases of paying members plus the ARR of members that came back from 0.</param>
/// <param name="Nrr">Percent, 2 decimals; null when <see cref="StartingArr"/> is 0.</param>
/// <param name="Grr">Percent, 2 decimals, capped at 100; null when <see cref="StartingArr"/> is 0.</param>
/// <param name="AvgHealth">Mean over the month's <see cref="Members"/> (0 when none); likewise risk, products, adoption.</param>
public sealed record AccountCohortSnapshot(
    long CohortId,
    DateOnly PeriodMonth,
    int Members,
    decimal StartingArr,
    decimal TotalArr,
    decimal NewArr,
    decimal ExpansionArr,
    decimal ContractionArr,
    decimal ChurnArr,
    int ChurnCount,
    decimal? Nrr,
    decimal? Grr,
    decimal AvgHealth,
    decimal AvgRisk,
    decimal ProductsPerAccount,
    decimal AdoptionPct);

/// <summary>
/// Cohort snapshots per month (SPEC §4). Movements are per account, from the previous month end to this one
/// (<see cref="ArrTimeline.Classify"/>), then summed over the cohort.
/// <list type="bullet">
/// <item><b>Revenue</b> (default; "downsell counts as churn"): an account losing ARR — to 0 or down — is a churn: the lost
/// ARR goes to <c>ChurnArr</c>, it adds 1 to <c>ChurnCount</c>, and <c>ContractionArr</c> is always 0 (moving the
/// downsell rather than copying it keeps NRR/GRR from subtracting it twice). The account's status is ignored: revenue
/// is what counts.</item>
/// <item><b>Logo</b>: only a lost account is a churn — its ARR to 0, or its status churned: a status-churned account's
/// ARR is taken as 0 from the month of <c>ChurnedOn</c> (or, when unknown, the last month asked for, the only month
/// the current status is known to hold), even if contracts still run. Downsells are <c>ContractionArr</c>.</item>
/// </list>
/// So for the same data NRR and GRR differ between the definitions only through status-churned accounts with
/// running contracts; the split of losses and <c>ChurnCount</c> differ whenever there is a downsell.
/// A member coming back from 0 counts as expansion (its earlier loss was churn of the same cohort, so over a span
/// the two net out); one paying for the first time is new ARR, kept out of NRR.
/// </summary>
public static class CohortSnapshotCalculator
{
    /// <summary>Snapshots of <paramref name="cohort"/> for every month from <paramref name="fromMonth"/> to <paramref name="toMonth"/>.</summary>
    /// <remarks>Each member's series must reach <paramref name="toMonth"/>.</remarks>
    public static IReadOnlyList<AccountCohortSnapshot> Compute(CohortMembers cohort, DateOnly fromMonth, DateOnly toMonth, ChurnBasis basis)
    {
        fromMonth = ArrTimeline.MonthOf(fromMonth);
        toMonth = ArrTimeline.MonthOf(toMonth);
        ArgumentOutOfRangeException.ThrowIfLessThan(toMonth, fromMonth);
        var effective = EffectiveSeries(cohort, toMonth, basis);
        var snapshots = new List<AccountCohortSnapshot>();
        for (var month = fromMonth; month <= toMonth; month = month.AddMonths(1))
            snapshots.Add(Snapshot(cohort.CohortId, month, effective, basis));
        return snapshots;
    }

    /// <summary>
    /// Members' series as the churn definition sees them: under <see cref="ChurnBasis.Logo"/> a status-churned
    /// account's ARR is 0 from its churn month (<paramref name="lastMonth"/> when unknown).
    /// </summary>
    internal static IReadOnlyList<(CohortAccount Account, AccountArrSeries Arr)> EffectiveSeries(CohortMembers cohort, DateOnly lastMonth, ChurnBasis basis) =>
        cohort.Accounts.Select(a => (a, basis == ChurnBasis.Logo && a.StatusChurned ? a.Arr.ZeroFrom(a.ChurnedOn ?? lastMonth) : a.Arr)).ToList();

    /// <summary>The movements into <paramref name="month"/> summed over accounts, by the rules above.</summary>
    public static MonthMovements Movements(IEnumerable<AccountArrSeries> series, DateOnly month, ChurnBasis basis)
    {
        var previousMonth = month.AddMonths(-1);
        var m = new MonthMovements();
        foreach (var arr in series)
        {
            var (before, after) = (arr.At(previousMonth), arr.At(month));
            m.Starting += before;
            m.Total += after;
            if (after > 0) m.Paying++;
            switch (ArrTimeline.Classify(before, after, arr.HadArrBefore(previousMonth)))
            {
                case ArrMovementKind.New: m.New += after; break;
                case ArrMovementKind.Expansion or ArrMovementKind.Reactivation: m.Expansion += after - before; break;
                case ArrMovementKind.Churn: m.Churn += before; m.ChurnCount++; break;
                case ArrMovementKind.Contraction when basis == ChurnBasis.Revenue: m.Churn += before - after; m.ChurnCount++; break;
                case ArrMovementKind.Contraction: m.Contraction += before - after; break;
            }
        }
        return m;
    }

    /// <summary>NRR percent, 2 decimals; null without starting ARR.</summary>
    public static decimal? Nrr(decimal starting, decimal expansion, decimal contraction, decimal churn) =>
        starting > 0 ? Math.Round((starting + expansion - contraction - churn) / starting * 100m, 2, MidpointRounding.AwayFromZero) : null;

    /// <summary>GRR percent, 2 decimals, capped at 100; null without starting ARR.</summary>
    public static decimal? Grr(decimal starting, decimal contraction, decimal churn) =>
        starting > 0 ? Math.Min(100m, Math.Round((starting - contraction - churn) / starting * 100m, 2, MidpointRounding.AwayFromZero)) : null;

    private static AccountCohortSnapshot Snapshot(
        long cohortId, DateOnly month, IReadOnlyList<(CohortAccount Account, AccountArrSeries Arr)> members, ChurnBasis basis)
    {
        var m = Movements(members.Select(x => x.Arr), month, basis);
        var paying = members.Where(x => x.Arr.At(month) > 0).Select(x => x.Account).ToList();
        return new AccountCohortSnapshot(
            cohortId, month, paying.Count, m.Starting, m.Total, m.New, m.Expansion, m.Contraction, m.Churn, m.ChurnCount,
            Nrr(m.Starting, m.Expansion, m.Contraction, m.Churn),
            Grr(m.Starting, m.Contraction, m.Churn),
            Mean(paying, a => a.HealthScore),
            Mean(paying, a => a.RiskScore),
            Mean(paying, a => a.ActiveProducts),
            Mean(paying, a => a.AdoptionPct));
    }

    // Two decimals like the stored snapshot columns; 0 for a month without paying members.
    private static decimal Mean(IReadOnlyList<CohortAccount> accounts, Func<CohortAccount, decimal> value) =>
        accounts.Count == 0 ? 0m : Math.Round(accounts.Sum(value) / accounts.Count, 2, MidpointRounding.AwayFromZero);
}

/// <summary>Movements of a set of accounts into one month (see <see cref="CohortSnapshotCalculator"/>).</summary>
public sealed class MonthMovements
{
    public decimal Starting { get; internal set; }
    public decimal Total { get; internal set; }
    public int Paying { get; internal set; }
    public decimal New { get; internal set; }
    public decimal Expansion { get; internal set; }
    public decimal Contraction { get; internal set; }
    public decimal Churn { get; internal set; }
    public int ChurnCount { get; internal set; }
}
