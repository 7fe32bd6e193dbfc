using System.Globalization;
using CohortDashboard.Analytics.Overview;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Orders;
using CohortDashboard.Data.Queries;
using CohortDashboard.Web.Features.Cohorts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortDashboard.Web.Features.Overview;

public sealed record SegmentArr(string Segment, decimal Arr, int Accounts);

public sealed record OverviewModel(
    string OrgName,
    string Currency,
    string TimeZone,
    decimal TotalArr,
    int ActiveAccounts,
    int ActiveProducts,
    RevenueTrend Trend,
    IReadOnlyList<SegmentArr> ArrBySegment)
{
    public bool HasOrders => Trend.Months.Any(m => m.GrossRevenue != 0m);
}

/// <summary>
/// The numbers behind the Overview page, computed in SQL per local month of the org's timezone, kept in
/// <see cref="CohortAnswerCache"/> until the org's data version changes (imports, settings saves, recomputes).
/// </summary>
public sealed class OverviewService(IDbContextFactory<CohortDbContext> dbFactory, TimeProvider clock, CohortAnswerCache answers)
{
    private sealed record Figures(RevenueTrend Trend, IReadOnlyList<SegmentArr> ArrBySegment, int ActiveProducts);

    /// <summary>Loads KPIs and the monthly series for the current org over the last <paramref name="months"/> local months.</summary>
    public async Task<OverviewModel?> GetAsync(int months, CancellationToken cancellationToken)
    {
        months = Math.Clamp(months, 1, 36);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (org is null) return null;

        var zone = LocalCalendar.FindTimeZone(org.TimeZone);
        var asOf = clock.GetUtcNow().UtcDateTime;
        // Always fetch 24 months so the last-12 vs prior-12 comparison is available whatever window is shown.
        var calendar = LocalCalendar.MonthsEndingAt(asOf, zone, Math.Max(months, 24));
        var boundaries = calendar.Select(m => m.StartUtc).Append(calendar[^1].EndUtc).ToArray();
        var statuses = OrderQualification.QualifyingStatuses(org.Settings);

        // Every input of the figures: the org and its data version, the local months (which also place "now"), the
        // order settings read below. Name, currency and timezone come from the org row read above, never the cache.
        var key = string.Create(CultureInfo.InvariantCulture,
            $"overview|{org.Id}|v{org.DataVersion}|{months}|{zone.Id}|{calendar[0].StartUtc:O}..{calendar[^1].EndUtc:O}|" +
            $"{string.Join(',', statuses.Order())}|{org.Settings.RefundDateAttribution}");
        if (!answers.TryGet<Figures>(key, out var figures))
        {
            figures = await ComputeAsync(db, org, calendar, boundaries, statuses, asOf, months, cancellationToken);
            answers.Set(key, figures, 1024 + figures.Trend.Months.Count * 256L + figures.ArrBySegment.Count * 256L);
        }

        return new OverviewModel(org.Name, org.Currency, org.TimeZone, figures.ArrBySegment.Sum(s => s.Arr), figures.ArrBySegment.Sum(s => s.Accounts),
            figures.ActiveProducts, figures.Trend, figures.ArrBySegment);
    }

    private static async Task<Figures> ComputeAsync(CohortDbContext db, Organization org, IReadOnlyList<LocalMonth> calendar, DateTime[] boundaries,
        OrderStatus[] statuses, DateTime asOf, int months, CancellationToken cancellationToken)
    {
        var qualifying = db.Orders.AsNoTracking().Where(o => statuses.Contains(o.Status));
        var totals = await qualifying
            .Where(PeriodBuckets.Within<Order>(o => o.PlacedAt, boundaries))
            .GroupBy(PeriodBuckets.IndexOf<Order>(o => o.PlacedAt, boundaries))
            .Select(g => new MonthTotals(
                g.Key,
                g.Sum(o => o.GrossRevenue),
                g.Sum(o => o.Discounts),
                g.Select(o => o.AccountId).Distinct().Count()))
            .ToListAsync(cancellationToken);

        var refunded = qualifying.Where(o => o.RefundedAmount > 0m);
        var refunds = org.Settings.RefundDateAttribution == RefundDateAttribution.OrderDate
            ? await refunded
                .Where(PeriodBuckets.Within<Order>(o => o.PlacedAt, boundaries))
                .GroupBy(PeriodBuckets.IndexOf<Order>(o => o.PlacedAt, boundaries))
                .Select(g => new MonthRefunds(g.Key, g.Sum(o => o.RefundedAmount)))
                .ToListAsync(cancellationToken)
            : await refunded
                .Where(o => o.RefundedAt != null)
                .Where(PeriodBuckets.Within<Order>(o => o.RefundedAt, boundaries))
                .GroupBy(PeriodBuckets.IndexOf<Order>(o => o.RefundedAt, boundaries))
                .Select(g => new MonthRefunds(g.Key, g.Sum(o => o.RefundedAmount)))
                .ToListAsync(cancellationToken);

        var trend = OverviewCalculator.BuildTrend(calendar, totals, refunds, asOf);
        if (trend.Months.Count > months)
            trend = trend with { Months = trend.Months.TakeLast(months).ToList() };

        var segments = await db.Accounts.AsNoTracking()
            .Where(a => a.Status == AccountStatus.Active)
            .GroupBy(a => a.Segment)
            .Select(g => new { Segment = g.Key, Arr = g.Sum(a => a.Arr), Accounts = g.Count() })
            .ToListAsync(cancellationToken);
        var arrBySegment = segments
            .OrderBy(s => s.Segment)
            .Select(s => new SegmentArr(s.Segment.ToWire(), s.Arr, s.Accounts))
            .ToList();
        var activeProducts = await db.Products.CountAsync(p => p.IsActive, cancellationToken);

        return new Figures(trend, arrBySegment, activeProducts);
    }
}

public static class OverviewExtensions
{
    public static IServiceCollection AddOverview(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CohortAnswerCache>();
        services.AddScoped<OverviewService>();
        return services;
    }
}
