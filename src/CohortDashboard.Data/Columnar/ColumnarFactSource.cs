using System.Globalization;
using System.Text;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Data.Cohorts;
using DuckDB.NET.Data;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Columnar;

/// <summary>
/// The order path of <see cref="CohortFactSource"/> answered by the columnar store: the same buckets (local period
/// starts as UTC instants, joined as a small table with DuckDB's ASOF JOIN, so no timezone extension is needed), the
/// same qualifying statuses, refund attribution and §8 filters (<see cref="ColumnarFilterSql"/>), aggregated per
/// (customer, period) and folded into the engine's facts exactly as the order path folds its rows.
/// </summary>
public static class ColumnarFactSource
{
    /// <summary>
    /// Reads <paramref name="request"/>'s facts from <paramref name="duck"/> (the org's store at the primary's data
    /// version). Account predicates are evaluated in the primary (<paramref name="db"/>, org-scoped), where accounts and
    /// cohort definitions live: the request's account filter, and each account or cohort leaf of an order filter.
    /// </summary>
    public static async Task ReadAsync(DuckDBConnection duck, CohortDbContext db, CohortFactRequest request,
        Action<long, IReadOnlyList<CohortFact>> sink, CancellationToken ct)
    {
        if (request.OrderFilter is not null && request.OrderFilterNode is null)
            throw new ArgumentException("An order filter reaches the columnar store as its filter node.", nameof(request));

        var filter = new ColumnarFilterSql(request.QualifyingStatuses.Select(s => (int)s).ToList());
        var where = request.OrderFilterNode is { } node && request.FilterContext is { } context
            ? await filter.TranslateAsync(node, context, db, ct)
            : "true";
        // The account filter is evaluated in the primary (where accounts live) and applied in the store, so DuckDB reads
        // only those accounts' orders.
        if (request.AccountFilter is not null)
            where = $"({where}) AND {filter.AccountIn(await db.Accounts.AsNoTracking().Where(request.AccountFilter).Select(a => a.Id).ToListAsync(ct))}";

        var boundaries = new StringBuilder();
        boundaries.Append(CultureInfo.InvariantCulture, $"(0, {0L})");
        for (var period = request.FirstPeriod; period <= request.AsOfPeriod; period++)
            boundaries.Append(CultureInfo.InvariantCulture, $", ({period - request.FirstPeriod + 1}, {request.Calendar.StartUtc(period).Ticks})");
        var end = request.AsOfEndUtc.Ticks;
        var statuses = string.Join(", ", filter.Statuses);
        var money = request.NeedsMoney;
        var byRefundDate = !request.Settings.RefundsOnOrderDate;
        string Money(string column) => money ? column : "0";
        // By refund date, a refund with no date stays with its order (as the order path and the reference do).
        var refundWithOrder = byRefundDate ? "CASE WHEN refunded_at IS NULL THEN refunded ELSE 0 END" : "refunded";
        var refundRows = money && byRefundDate
            ? $"""
               UNION ALL
               SELECT account_id, refunded_at, 0, 0, 0, refunded, 0, 0, 0 FROM r
               WHERE refunded <> 0 AND refunded_at IS NOT NULL AND refunded_at < {end}
               """
            : "";
        // A customer whose first qualifying order precedes the first period is in no cohort of the range: leaving such
        // customers out here (when the caller builds a matrix) spares reading and folding about half of all rows.
        // The CTEs read twice (refunds by refund date) are scanned twice rather than materialised: a scan of the
        // columns costs less than holding millions of rows within the store's memory limit (2.7 s → 0.7 s at scale 50).
        var acquired = request.OnlyAcquiredInRange
            ? $"""
               early AS NOT MATERIALIZED (SELECT DISTINCT account_id FROM q WHERE placed_at < {request.Calendar.StartUtc(request.FirstPeriod).Ticks}),
               r AS NOT MATERIALIZED (SELECT * FROM q ANTI JOIN early USING (account_id)),
               """
            : "r AS NOT MATERIALIZED (SELECT * FROM q),";
        var sql = $"""
            WITH {filter.Preamble}
            q AS NOT MATERIALIZED (
                SELECT account_id, placed_at, gross, discounts, refunded, refunded_at, cogs, shipping, fees
                FROM orders o WHERE status IN ({statuses}) AND ({where})),
            {acquired}
            b(bucket, start_at) AS (VALUES {boundaries}),
            ev AS (
                SELECT account_id, placed_at AS at, 1 AS n, {Money("gross")} AS gross, {Money("discounts")} AS discounts,
                       {Money(refundWithOrder)} AS refunds, {Money("cogs")} AS cogs, {Money("shipping")} AS shipping, {Money("fees")} AS fees
                FROM r WHERE placed_at < {end}
                {refundRows})
            SELECT ev.account_id, b.bucket, CAST(sum(n) AS INTEGER), CAST(sum(gross) AS BIGINT), CAST(sum(discounts) AS BIGINT),
                   CAST(sum(refunds) AS BIGINT), CAST(sum(cogs) AS BIGINT), CAST(sum(shipping) AS BIGINT), CAST(sum(fees) AS BIGINT)
            FROM ev ASOF JOIN b ON ev.at >= b.start_at
            GROUP BY ev.account_id, b.bucket
            ORDER BY ev.account_id, b.bucket
            """;

        await filter.CreateAccountSetsAsync(duck, ct);
        try
        {
            await using var command = duck.CreateCommand();
            command.CommandText = sql;
            foreach (var parameter in filter.Parameters) command.Parameters.Add(parameter);
            var folder = new CustomerFolder(request.FirstPeriod, sink);
            var delivered = false;
            try
            {
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    delivered = true;
                    folder.Add(reader.GetInt64(0), request.FirstPeriod - 1 + reader.GetInt32(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4),
                        reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8));
                }
            }
            catch (DuckDBException error) when (!delivered && error.ErrorType == DuckDB.NET.Native.DuckDBErrorType.OutOfMemory)
            {
                // Nothing reached the sink yet (the sort hands over no row before the aggregation is done).
                throw new ColumnarOutOfMemoryException(error);
            }
            folder.Flush();
        }
        finally
        {
            filter.DropAccountSets(duck);
        }
    }
}

/// <summary>
/// A query needed more than the store's memory limit (<c>Columnar:MemoryLimitMegabytes</c>) before it handed over any
/// row: the caller may read the primary's orders instead.
/// </summary>
public sealed class ColumnarOutOfMemoryException(DuckDBException inner)
    : Exception("The columnar store ran out of its memory limit.", inner);
