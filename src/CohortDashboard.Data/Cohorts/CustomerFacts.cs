using System.Diagnostics;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data.Bulk;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Cohorts;

public sealed record CohortFactBuildResult(long Orders, long Rows, TimeSpan Elapsed);

/// <summary>
/// Rebuilds an org's <see cref="CustomerFact"/> rows (day and month grain) from its orders, in the org's timezone. Run
/// after anything that changes orders or the org's timezone (demo seeding, import, "Recompute all"); until then cohort
/// queries fall back to reading orders, so numbers are never stale, only slower.
/// </summary>
public static class CustomerFacts
{
    private const int AccountsPerChunk = 2_000;

    /// <summary>
    /// Replaces the facts of the org <paramref name="db"/> is scoped to, in one transaction: a failure or cancellation
    /// leaves the previous facts in place. Orders are read a chunk of accounts at a time, so memory stays bounded by the
    /// chunk, not the org; local days come from the timezone rules in .NET (exact across DST on any database).
    /// </summary>
    public static async Task<CohortFactBuildResult> RebuildAsync(CohortDbContext db, CancellationToken ct = default)
    {
        var orgId = db.Scope.OrgId ?? throw new InvalidOperationException("Cohort facts are built for one org: use an org-scoped context.");
        var stopwatch = Stopwatch.StartNew();
        var org = await db.Organizations.AsNoTracking().SingleAsync(ct);
        var zone = LocalCalendar.FindTimeZone(org.TimeZone);
        var accountIds = await db.Accounts.AsNoTracking().OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(ct);

        long orders = 0, rows = 0;
        DateTime? latestEvent = null;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            orders = rows = 0;
            latestEvent = null;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.CustomerFacts.ExecuteDeleteAsync(ct);
            await db.CohortFactBuilds.ExecuteDeleteAsync(ct);

            for (var start = 0; start < accountIds.Count; start += AccountsPerChunk)
            {
                var low = accountIds[start];
                var high = accountIds[Math.Min(start + AccountsPerChunk, accountIds.Count) - 1];
                var chunk = await db.Orders.AsNoTracking()
                    .Where(o => o.AccountId >= low && o.AccountId <= high)
                    .Select(o => new OrderMoney(o.AccountId, o.PlacedAt, o.Status, o.GrossRevenue, o.Discounts, o.RefundedAmount,
                        o.RefundedAt, o.Cogs, o.ShippingCost, o.Fees))
                    .ToListAsync(ct);

                var facts = new Dictionary<(FactGrain, long, int, OrderStatus), CustomerFact>();
                foreach (var order in chunk)
                {
                    orders++;
                    var placed = LocalCalendar.LocalDate(order.PlacedAt, zone);
                    var refundedAt = order.RefundedAt ?? order.PlacedAt;
                    var refunded = order.RefundedAt is null ? placed : LocalCalendar.LocalDate(refundedAt, zone);
                    if (latestEvent is null || refundedAt > latestEvent) latestEvent = refundedAt;
                    if (order.PlacedAt > latestEvent) latestEvent = order.PlacedAt;
                    // Converted once per order, added to both grains.
                    var (gross, discounts, refundedAmount) = (FactMoney.FromDecimal(order.Gross), FactMoney.FromDecimal(order.Discounts), FactMoney.FromDecimal(order.Refunded));
                    var (cogs, shipping, fees) = (FactMoney.FromDecimal(order.Cogs), FactMoney.FromDecimal(order.Shipping), FactMoney.FromDecimal(order.Fees));
                    foreach (var grain in Grains)
                    {
                        var fact = FactFor(facts, orgId, grain, order.AccountId, PeriodOf(grain, placed), order.Status);
                        fact.Orders++;
                        fact.Gross += gross;
                        fact.Discounts += discounts;
                        fact.RefundsByOrderDate += refundedAmount;
                        fact.Cogs += cogs;
                        fact.Shipping += shipping;
                        fact.Fees += fees;
                        // A refund without a date stays with its order, as in the in-memory reference (CohortFacts.FromOrders).
                        if (refundedAmount != 0)
                            FactFor(facts, orgId, grain, order.AccountId, PeriodOf(grain, refunded), order.Status).RefundsByRefundDate += refundedAmount;
                    }
                }
                rows += await BulkWriter.InsertAsync(db, facts.Values, ct);
            }

            db.CohortFactBuilds.Add(new CohortFactBuild
            {
                OrgId = orgId,
                TimeZone = org.TimeZone,
                BuiltAt = DateTime.UtcNow,
                LatestEventAt = latestEvent,
                Orders = orders,
                Rows = rows,
            });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        });
        db.ChangeTracker.Clear();
        return new CohortFactBuildResult(orders, rows, stopwatch.Elapsed);
    }

    private static readonly FactGrain[] Grains = [FactGrain.Day, FactGrain.Month];

    // Fact periods are the day and month numbering of PeriodCalendar; only local dates are numbered, so the zone is moot.
    private static readonly PeriodCalendar DayNumbers = new(Granularity.Day, TimeZoneInfo.Utc);
    private static readonly PeriodCalendar MonthNumbers = new(Granularity.Month, TimeZoneInfo.Utc);

    private static PeriodCalendar NumbersOf(FactGrain grain) => grain == FactGrain.Day ? DayNumbers : MonthNumbers;

    /// <summary>The period number a local date has at a grain (see <see cref="CustomerFact.Period"/>).</summary>
    public static int PeriodOf(FactGrain grain, DateOnly localDate) => NumbersOf(grain).IndexOf(localDate);

    /// <summary>The first local date of a fact period.</summary>
    public static DateOnly StartOf(FactGrain grain, int period) => NumbersOf(grain).StartDate(period);

    private static CustomerFact FactFor(Dictionary<(FactGrain, long, int, OrderStatus), CustomerFact> facts,
        long orgId, FactGrain grain, long account, int period, OrderStatus status)
    {
        if (!facts.TryGetValue((grain, account, period, status), out var fact))
        {
            facts[(grain, account, period, status)] = fact = new CustomerFact
            {
                OrgId = orgId, Grain = grain, AccountId = account, Period = period, Status = status,
            };
        }
        return fact;
    }

    private sealed record OrderMoney(long AccountId, DateTime PlacedAt, OrderStatus Status, decimal Gross, decimal Discounts,
        decimal Refunded, DateTime? RefundedAt, decimal Cogs, decimal Shipping, decimal Fees);
}
