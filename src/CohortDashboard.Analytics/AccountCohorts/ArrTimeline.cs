namespace CohortDashboard.Analytics.AccountCohorts;

/// <summary>The status of a product holding (account_products.status).</summary>
public enum HoldingStatus { Active, Churned, Pending }

/// <summary>One account_products row: an account's contract for one product over a date range.</summary>
/// <param name="EndDate">The day the contract stops being in force (see <see cref="ArrTimeline"/>); null while open.</param>
public sealed record ProductContract(long AccountId, HoldingStatus Status, DateOnly StartDate, DateOnly? EndDate, decimal ContractedArr);

/// <summary>How an account's ARR moved from one month end to the next.</summary>
public enum ArrMovementKind
{
    /// <summary>Unchanged (including 0 → 0).</summary>
    None,
    /// <summary>0 → positive, never positive at an earlier month end: new business, not part of NRR.</summary>
    New,
    /// <summary>Positive → higher.</summary>
    Expansion,
    /// <summary>Positive → lower but still positive (a downsell).</summary>
    Contraction,
    /// <summary>Positive → 0.</summary>
    Churn,
    /// <summary>0 → positive after having been positive at an earlier month end (a win-back).</summary>
    Reactivation,
}

/// <summary>
/// One account's ARR at each month end from <see cref="FirstMonth"/> to <see cref="LastMonth"/> (months are the first
/// day of the month). Before <see cref="FirstMonth"/> the ARR is 0 by construction.
/// </summary>
public sealed class AccountArrSeries
{
    private readonly decimal[] _arr;
    private readonly int _firstPositive;   // index of the first positive month end; _arr.Length when none

    /// <param name="firstMonth">First day of the first month.</param>
    /// <param name="arr">ARR at the end of each month from <paramref name="firstMonth"/> on.</param>
    public AccountArrSeries(long accountId, DateOnly firstMonth, IReadOnlyList<decimal> arr)
    {
        if (firstMonth.Day != 1) throw new ArgumentException("A month is given by its first day.", nameof(firstMonth));
        if (arr.Count == 0) throw new ArgumentException("A series has at least one month.", nameof(arr));
        AccountId = accountId;
        FirstMonth = firstMonth;
        _arr = [.. arr];
        // Precomputed because snapshots ask "was it ever paying before?" for every account in every month.
        _firstPositive = Array.FindIndex(_arr, v => v > 0) is var i and >= 0 ? i : _arr.Length;
    }

    /// <summary>A series that is 0 in every month up to <paramref name="lastMonth"/> (an account with no countable contract).</summary>
    public static AccountArrSeries Zero(long accountId, DateOnly lastMonth) => new(accountId, ArrTimeline.MonthOf(lastMonth), [0m]);

    public long AccountId { get; }

    /// <summary>First day of the first month in the series.</summary>
    public DateOnly FirstMonth { get; }

    /// <summary>First day of the last month in the series.</summary>
    public DateOnly LastMonth => FirstMonth.AddMonths(_arr.Length - 1);

    /// <summary>The ARR at each month end, oldest first.</summary>
    public IReadOnlyList<decimal> Values => _arr;

    /// <summary>ARR at the end of <paramref name="month"/>: 0 before the series starts.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The month is after <see cref="LastMonth"/> (we do not know it yet).</exception>
    public decimal At(DateOnly month)
    {
        var index = ArrTimeline.MonthsBetween(FirstMonth, month);
        if (index >= _arr.Length)
            throw new ArgumentOutOfRangeException(nameof(month), month, $"The series of account {AccountId} ends at {LastMonth:yyyy-MM}.");
        return index < 0 ? 0m : _arr[index];
    }

    /// <summary>Whether the ARR was positive at some month end strictly before <paramref name="month"/>.</summary>
    public bool HadArrBefore(DateOnly month) => _firstPositive < ArrTimeline.MonthsBetween(FirstMonth, month);

    /// <summary>
    /// This series with the ARR forced to 0 from <paramref name="month"/> on (a logo churn recorded on the account's
    /// status while contracts still run); unchanged when that month is after the series.
    /// </summary>
    public AccountArrSeries ZeroFrom(DateOnly month)
    {
        var from = Math.Max(0, ArrTimeline.MonthsBetween(FirstMonth, ArrTimeline.MonthOf(month)));
        if (from >= _arr.Length) return this;
        var copy = (decimal[])_arr.Clone();
        Array.Fill(copy, 0m, from, copy.Length - from);
        return new AccountArrSeries(AccountId, FirstMonth, copy);
    }
}

/// <summary>
/// Builds accounts' monthly ARR from their product contracts (SPEC §4, "ARR timeline").
/// <para>
/// <b>Rule: a month's ARR is the ARR in force at the end of its last day.</b> A contract counts in month M when its
/// status is not pending, <c>start_date ≤ last day of M</c> and (<c>end_date</c> is null or <c>end_date &gt; last day of
/// M</c>). So <c>end_date</c> is read as the day the contract stops: a contract ending on any day of M — even the last —
/// does not count in M (its loss is M's movement), and one starting on the last day of M counts in M in full.
/// A point in time rather than "active at some moment in the month" is what keeps a contraction from being counted
/// twice: the old row ended on day D and its lower replacement starting on day D are never both in force at a month
/// end, whatever D is.
/// </para>
/// <para>
/// Pending contracts never count (not yet signed). A contract marked churned counts by its dates like any other; one
/// marked churned with no end_date is ignored entirely, since we cannot tell when it stopped and counting it for ever
/// would overstate ARR.
/// </para>
/// </summary>
public static class ArrTimeline
{
    /// <summary>
    /// One series per account that has at least one countable contract, from the month of its earliest countable
    /// start (so "new" and "reactivation" can be told apart) to <paramref name="lastMonth"/>. Contracts starting after
    /// <paramref name="lastMonth"/> are ignored. Ordered by account id.
    /// </summary>
    public static IReadOnlyList<AccountArrSeries> Build(IEnumerable<ProductContract> contracts, DateOnly lastMonth)
    {
        lastMonth = MonthOf(lastMonth);
        var lastDay = lastMonth.AddMonths(1).AddDays(-1);
        var series = new List<AccountArrSeries>();
        foreach (var account in contracts.Where(Counts).Where(c => c.StartDate <= lastDay).GroupBy(c => c.AccountId).OrderBy(g => g.Key))
        {
            var first = MonthOf(account.Min(c => c.StartDate));
            var arr = new decimal[MonthsBetween(first, lastMonth) + 1];
            foreach (var contract in account)
            {
                // Month index of the first month end at which the contract is in force, and of the first at which it
                // no longer is (end_date ≤ that month's last day ⇔ the month containing end_date).
                var from = MonthsBetween(first, MonthOf(contract.StartDate));
                var to = contract.EndDate is { } end ? Math.Min(arr.Length, MonthsBetween(first, MonthOf(end))) : arr.Length;
                for (var i = from; i < to; i++) arr[i] += contract.ContractedArr;
            }
            series.Add(new AccountArrSeries(account.Key, first, arr));
        }
        return series;
    }

    /// <summary>The ARR of one account at the end of <paramref name="month"/> by the rule above.</summary>
    public static decimal ArrAt(IEnumerable<ProductContract> contracts, DateOnly month)
    {
        var lastDay = MonthOf(month).AddMonths(1).AddDays(-1);
        return contracts.Where(Counts).Where(c => c.StartDate <= lastDay && (c.EndDate is null || c.EndDate > lastDay)).Sum(c => c.ContractedArr);
    }

    /// <summary>
    /// Classifies a month-over-month change of one account's ARR. Coming back from 0 is <see cref="ArrMovementKind.Reactivation"/>
    /// when the account was paying at an earlier month end (<paramref name="hadArrBefore"/>), else <see cref="ArrMovementKind.New"/>.
    /// </summary>
    public static ArrMovementKind Classify(decimal previous, decimal current, bool hadArrBefore) =>
        (previous, current) switch
        {
            var (p, c) when p == c => ArrMovementKind.None,
            var (p, _) when p <= 0 => hadArrBefore ? ArrMovementKind.Reactivation : ArrMovementKind.New,
            var (_, c) when c <= 0 => ArrMovementKind.Churn,
            var (p, c) when c > p => ArrMovementKind.Expansion,
            _ => ArrMovementKind.Contraction,
        };

    /// <summary>The movement of <paramref name="series"/> into <paramref name="month"/> from the month before.</summary>
    public static ArrMovementKind MovementIn(AccountArrSeries series, DateOnly month)
    {
        var previousMonth = MonthOf(month).AddMonths(-1);
        return Classify(series.At(previousMonth), series.At(month), series.HadArrBefore(previousMonth));
    }

    /// <summary>The first day of the month containing <paramref name="date"/>.</summary>
    public static DateOnly MonthOf(DateOnly date) => new(date.Year, date.Month, 1);

    /// <summary>Whole months from the month of <paramref name="from"/> to the month of <paramref name="to"/> (negative when earlier).</summary>
    public static int MonthsBetween(DateOnly from, DateOnly to) => (to.Year - from.Year) * 12 + to.Month - from.Month;

    private static bool Counts(ProductContract c) =>
        c.Status != HoldingStatus.Pending && !(c.Status == HoldingStatus.Churned && c.EndDate is null);
}
