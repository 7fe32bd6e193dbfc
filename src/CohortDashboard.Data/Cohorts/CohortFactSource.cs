using System.Linq.Expressions;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Queries;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Cohorts;

/// <summary>
/// Feeds a cohort query's per-(customer, period) facts to a sink, customer by customer in period order, without ever
/// holding all orders: the aggregation runs in the database. Two paths give identical numbers:
/// <list type="bullet">
/// <item><b>Columnar</b>: this instance's DuckDB copy of the org's orders (<see cref="Columnar.ColumnarStore"/>), for
/// every question — any timezone, granularity, as-of date, setting and filter. A query that finds the store behind
/// the primary waits for its refresh (seconds), which is sooner than the orders path would answer.</item>
/// <item><b>Orders</b>: the primary database itself, when there is no store (disabled, or its build failed or is late).
/// Orders are bucketed in SQL by comparing UTC instants with the local period boundaries (<see cref="PeriodBuckets"/>),
/// so it is exact on SQLite, which has no timezone functions.</item>
/// </list>
/// </summary>
public static class CohortFactSource
{
    // Orders are grouped by one integer key (account id × stride + bucket) because EF groups reliably on a scalar.
    internal const long BucketStride = 1_000_000;

    /// <summary>How long a query waits for the columnar store's refresh before it reads the primary's orders instead.</summary>
    public static readonly TimeSpan DefaultStoreWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Reads <paramref name="request"/>'s facts and hands each customer's to <paramref name="sink"/>: from the
    /// <paramref name="columnar"/> store when it holds (or, within <paramref name="storeWait"/>, comes to hold) the org's
    /// current orders, otherwise from the primary's orders. Returns the path taken.
    /// </summary>
    public static async Task<CohortFactPath> ReadAsync(CohortDbContext db, CohortFactRequest request,
        Action<long, IReadOnlyList<CohortFact>> sink, Columnar.ColumnarStore? columnar, CancellationToken ct, TimeSpan? storeWait = null)
    {
        if (columnar is not null && db.Scope.OrgId is { } orgId && (request.OrderFilter is null || request.OrderFilterNode is not null))
        {
            var version = await OrgDataVersion.OrdersAsync(db, ct);
            var duck = columnar.TryOpen(orgId, version);
            if (duck is null)
            {
                await columnar.WaitForRefreshAsync(orgId, storeWait ?? DefaultStoreWait, ct);
                // The primary may have moved on meanwhile; only a store at the version read above is used.
                duck = columnar.TryOpen(orgId, version);
            }
            if (duck is not null)
            {
                try
                {
                    await using (duck)
                        await Columnar.ColumnarFactSource.ReadAsync(duck, db, request, sink, ct);
                    return new CohortFactPath($"columnar store at orders version {version}", UsesColumnar: true);
                }
                catch (Columnar.ColumnarOutOfMemoryException error)
                {
                    // Slower, never a failed answer: the primary has no such limit.
                    columnar.ReportOutOfMemory(orgId, error);
                    await ReadFromOrdersAsync(db, request, sink, ct);
                    return new CohortFactPath("orders: the query needed more than the columnar store's memory limit");
                }
            }
            await ReadFromOrdersAsync(db, request, sink, ct);
            return new CohortFactPath("orders: the columnar store is not ready");
        }
        await ReadFromOrdersAsync(db, request, sink, ct);
        return new CohortFactPath(columnar is null ? "orders: the columnar store is disabled" : "orders: the query cannot use the columnar store");
    }

    /// <summary>Reads from orders, bucketing and aggregating in SQL; always exact.</summary>
    public static async Task ReadFromOrdersAsync(CohortDbContext db, CohortFactRequest request,
        Action<long, IReadOnlyList<CohortFact>> sink, CancellationToken ct)
    {
        var asOfPeriod = request.AsOfPeriod;
        // Bucket 0 gathers everything before the first period; bucket i > 0 is period FirstPeriod + i − 1; the last
        // boundary is the end of the as-of date, so nothing later is read.
        var boundaries = new List<DateTime> { DateTime.SpecifyKind(new DateTime(1, 1, 1), DateTimeKind.Utc) };
        for (var period = request.FirstPeriod; period <= asOfPeriod; period++) boundaries.Add(request.Calendar.StartUtc(period));
        boundaries.Add(request.AsOfEndUtc);
        if (boundaries.Count - 1 >= BucketStride) throw new ArgumentException("Too many periods for one cohort query.");

        var statuses = request.QualifyingStatuses.ToList();
        var money = request.NeedsMoney;
        var orders = db.Orders.AsNoTracking().Where(o => statuses.Contains(o.Status));
        if (request.OrderFilter is not null) orders = orders.Where(request.OrderFilter);
        if (request.AccountFilter is not null)
        {
            var accounts = db.Accounts.AsNoTracking().Where(request.AccountFilter).Select(a => a.Id);
            orders = orders.Where(o => accounts.Contains(o.AccountId));
        }

        var byRefundDate = !request.Settings.RefundsOnOrderDate;
        var refunds = new SortedDictionary<long, decimal>();
        if (byRefundDate && money)
        {
            var refundKey = KeyOf(PeriodBuckets.IndexOf<Order>(o => o.RefundedAt, boundaries));
            var refundRows = await orders
                .Where(o => o.RefundedAmount != 0m && o.RefundedAt != null)
                .Where(PeriodBuckets.Within<Order>(o => o.RefundedAt, boundaries))
                .GroupBy(refundKey)
                .Select(g => new { g.Key, Amount = g.Sum(o => o.RefundedAmount) })
                .ToListAsync(ct);
            foreach (var row in refundRows) refunds[row.Key] = row.Amount;
        }

        var orderKey = KeyOf(PeriodBuckets.IndexOf<Order>(o => o.PlacedAt, boundaries));
        var rows = orders
            .Where(PeriodBuckets.Within<Order>(o => o.PlacedAt, boundaries))
            .GroupBy(orderKey)
            .Select(g => new
            {
                g.Key,
                Orders = g.Count(),
                // Summing stored decimals is the slow part on SQLite; counts-only measures skip it.
                Gross = money ? g.Sum(o => o.GrossRevenue) : 0m,
                Discounts = money ? g.Sum(o => o.Discounts) : 0m,
                // By refund date, a refund with no date stays with its order (as the in-memory reference does).
                Refunds = !money ? 0m : byRefundDate ? g.Sum(o => o.RefundedAt == null ? o.RefundedAmount : 0m) : g.Sum(o => o.RefundedAmount),
                Cogs = money ? g.Sum(o => o.Cogs) : 0m,
                Shipping = money ? g.Sum(o => o.ShippingCost) : 0m,
                Fees = money ? g.Sum(o => o.Fees) : 0m,
            })
            .OrderBy(r => r.Key)
            .AsAsyncEnumerable();

        var folder = new CustomerFolder(request.FirstPeriod, sink);
        using var pendingRefunds = refunds.GetEnumerator();
        var hasRefund = pendingRefunds.MoveNext();
        void AddRefundsBefore(long key)
        {
            while (hasRefund && pendingRefunds.Current.Key < key)
            {
                var (account, period) = Decode(pendingRefunds.Current.Key, request.FirstPeriod);
                folder.Add(account, period, 0, 0, 0, FactMoney.FromDecimal(pendingRefunds.Current.Value), 0, 0, 0);
                hasRefund = pendingRefunds.MoveNext();
            }
        }

        await foreach (var row in rows.WithCancellation(ct))
        {
            AddRefundsBefore(row.Key);
            var refund = row.Refunds;
            if (hasRefund && pendingRefunds.Current.Key == row.Key)
            {
                refund += pendingRefunds.Current.Value;
                hasRefund = pendingRefunds.MoveNext();
            }
            var (account, period) = Decode(row.Key, request.FirstPeriod);
            folder.Add(account, period, row.Orders, FactMoney.FromDecimal(row.Gross), FactMoney.FromDecimal(row.Discounts),
                FactMoney.FromDecimal(refund), FactMoney.FromDecimal(row.Cogs), FactMoney.FromDecimal(row.Shipping), FactMoney.FromDecimal(row.Fees));
        }
        AddRefundsBefore(long.MaxValue);
        folder.Flush();
    }

    internal static Expression<Func<Order, long>> KeyOf(Expression<Func<Order, int>> bucket)
    {
        var order = bucket.Parameters[0];
        var body = Expression.Add(
            Expression.Multiply(Expression.Property(order, nameof(Order.AccountId)), Expression.Constant(BucketStride)),
            Expression.Convert(bucket.Body, typeof(long)));
        return Expression.Lambda<Func<Order, long>>(body, order);
    }

    private static (long Account, int Period) Decode(long key, int firstPeriod)
    {
        var bucket = (int)(key % BucketStride);
        return (key / BucketStride, firstPeriod - 1 + bucket);
    }
}

/// <summary>
/// Collects rows arriving in (account, period) order into one customer's facts, merging rows of the same period
/// (several statuses, or several months of one quarter), and hands each customer to the sink when the next begins.
/// Periods before the first are folded into FirstPeriod − 1. Money arrives in <see cref="FactMoney"/> units.
/// </summary>
internal sealed class CustomerFolder(int firstPeriod, Action<long, IReadOnlyList<CohortFact>> sink)
{
    private readonly List<CohortFact> _facts = [];
    private long _account = long.MinValue;
    private int _period = int.MinValue;
    private int _orders;
    private long _gross, _discounts, _refunds, _cogs, _shipping, _fees;

    public void Add(long account, int period, int orders, long gross, long discounts, long refunds, long cogs, long shipping, long fees)
    {
        period = Math.Max(period, firstPeriod - 1);
        if (account != _account)
        {
            Flush();
            _account = account;
        }
        else if (period != _period)
        {
            CloseFact();
        }
        _period = period;
        _orders += orders;
        _gross += gross;
        _discounts += discounts;
        _refunds += refunds;
        _cogs += cogs;
        _shipping += shipping;
        _fees += fees;
    }

    public void Flush()
    {
        if (_account == long.MinValue) return;
        CloseFact();
        if (_facts.Count > 0) sink(_account, _facts.ToArray());
        _facts.Clear();
        _account = long.MinValue;
    }

    private void CloseFact()
    {
        if (_period == int.MinValue) return;
        _facts.Add(new CohortFact(_period, _orders, FactMoney.ToDecimal(_gross), FactMoney.ToDecimal(_discounts),
            FactMoney.ToDecimal(_refunds), FactMoney.ToDecimal(_cogs), FactMoney.ToDecimal(_shipping), FactMoney.ToDecimal(_fees)));
        _period = int.MinValue;
        _orders = 0;
        _gross = _discounts = _refunds = _cogs = _shipping = _fees = 0;
    }
}
