using System.Diagnostics;
using System.Linq.Expressions;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data;
using CohortDashboard.Data.Cohorts;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>The resolved frame of a query: calendar, periods and the org facts it was computed for.</summary>
public sealed record CohortFrame(
    string OrgName,
    string Currency,
    PeriodCalendar Calendar,
    DateOnly AsOf,
    int FirstCohort,
    int LastCohort,
    int Offsets,
    CohortOrderSettings OrderSettings,
    DateTime? ResultsStaleSince);

public sealed record CohortResult(CohortAnalysis Analysis, CohortFrame Frame, CohortFactPath Path, TimeSpan Elapsed);

public sealed record CellCustomer(long AccountId, string ExternalId, string Name, string Segment, string OwnerId,
    int Orders, decimal NetRevenue, decimal CumulativeNetRevenue);

public sealed record CellCustomersPage(int Total, int Page, int PageSize, IReadOnlyList<CellCustomer> Customers);

/// <summary>
/// Customer cohort analytics (SPEC §3) for the current org: the one service behind the Cohorts page and the Termina,
/// Upstack and CashRunway routes. Aggregation runs in SQL (<see cref="CohortFactSource"/>); the matrix maths is the
/// pure engine's (<see cref="CohortAccumulator"/>, <see cref="CohortMatrixBuilder"/>).
/// </summary>
public sealed class CohortService(IDbContextFactory<CohortDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Computes the matrix of <paramref name="query"/>'s measure, per breakdown group.</summary>
    public async Task<CohortResult> AnalyzeAsync(CohortQuery query, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var frame = await ResolveAsync(db, query, ct);
        var accumulator = new CohortAccumulator(frame.FirstCohort, frame.LastCohort, frame.Calendar.IndexOf(frame.AsOf), frame.Offsets);
        var groups = await GroupsAsync(db, query, ct);
        var path = await CohortFactSource.ReadAsync(db, Request(frame, query), (account, facts) =>
            accumulator.AddCustomer(account, groups is null ? CohortMatrixBuilder.AllGroup : groups.GetValueOrDefault(account, "(none)"), facts), ct);
        var analysis = CohortMatrixBuilder.Build(accumulator, frame.Calendar, query.Measure, query.RetentionMode);
        return new CohortResult(analysis, frame, path, stopwatch.Elapsed);
    }

    /// <summary>
    /// The customers behind one cell (cohort period <paramref name="cohort"/>, offset <paramref name="offset"/>), largest
    /// net revenue first, a page at a time. <paramref name="pageSize"/> 0 returns them all (CSV download).
    /// </summary>
    public async Task<CellCustomersPage> CellCustomersAsync(CohortQuery query, string group, int cohort, int offset,
        int page, int pageSize, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var frame = await ResolveAsync(db, query, ct);
        if (cohort < frame.FirstCohort || cohort > frame.LastCohort)
            throw new CohortQueryException("cohort", "The cohort is outside the query's date range.");
        if (offset < 0 || offset >= frame.Offsets)
            throw new CohortQueryException("offset", $"The offset must be between 0 and {frame.Offsets - 1}.");

        var accumulator = new CohortAccumulator(cohort, cohort, frame.Calendar.IndexOf(frame.AsOf), frame.Offsets,
            new CohortCellSelector(group, cohort, offset));
        var groups = await GroupsAsync(db, query, ct);
        await CohortFactSource.ReadAsync(db, Request(frame, query) with { FirstPeriod = cohort }, (account, facts) =>
            accumulator.AddCustomer(account, groups is null ? CohortMatrixBuilder.AllGroup : groups.GetValueOrDefault(account, "(none)"), facts), ct);

        var members = accumulator.DrilledCustomers
            .Where(c => c.CountsIn(query.Measure, query.RetentionMode, offset))
            .OrderByDescending(c => query.Measure.IsCumulative() ? c.CumulativeNetRevenue : c.NetRevenue)
            .ThenBy(c => c.CustomerId)
            .ToList();
        var pageMembers = pageSize <= 0 ? members : members.Skip(Math.Max(0, page) * pageSize).Take(pageSize).ToList();
        var ids = pageMembers.Select(m => m.CustomerId).ToList();
        var accounts = await db.Accounts.AsNoTracking()
            .Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.ExternalId, a.Name, a.Segment, a.OwnerId })
            .ToDictionaryAsync(a => a.Id, ct);
        var customers = pageMembers
            .Where(m => accounts.ContainsKey(m.CustomerId))
            .Select(m =>
            {
                var account = accounts[m.CustomerId];
                return new CellCustomer(m.CustomerId, account.ExternalId, account.Name, account.Segment.ToWire(), account.OwnerId,
                    m.Orders, m.NetRevenue, m.CumulativeNetRevenue);
            })
            .ToList();
        return new CellCustomersPage(members.Count, page, pageSize, customers);
    }

    /// <summary>
    /// Streams every cohort customer's facts (in the query's frame) to <paramref name="sink"/>, for per-customer
    /// exports such as Termina's customer-cohorts rows. Returns the frame used.
    /// </summary>
    public async Task<CohortFrame> ReadCustomerFactsAsync(CohortQuery query, Action<long, IReadOnlyList<CohortFact>> sink, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var frame = await ResolveAsync(db, query, ct);
        await CohortFactSource.ReadAsync(db, Request(frame, query), sink, ct);
        return frame;
    }

    private async Task<CohortFrame> ResolveAsync(CohortDbContext db, CohortQuery query, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(ct)
                  ?? throw new InvalidOperationException("The current organization does not exist.");
        var timeZoneId = string.IsNullOrWhiteSpace(query.TimeZone) ? org.TimeZone : query.TimeZone.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone))
            throw new CohortQueryException("timezone", $"'{timeZoneId}' is not a known IANA timezone.");
        if (query.Offsets is < 1 or > CohortQuery.MaxOffsets)
            throw new CohortQueryException("periods", $"Periods must be between 1 and {CohortQuery.MaxOffsets}.");
        if (query.Cohorts is < 1 or > CohortQuery.MaxCohorts)
            throw new CohortQueryException("cohorts", $"Cohorts must be between 1 and {CohortQuery.MaxCohorts}.");

        var calendar = new PeriodCalendar(query.Granularity, zone, org.FiscalYearStartMonth);
        var today = LocalCalendar.LocalDate(clock.GetUtcNow().UtcDateTime, zone);
        var asOf = query.AsOf ?? today;
        if (asOf > today) asOf = today;
        var asOfPeriod = calendar.IndexOf(asOf);

        var last = query.To is { } to ? Math.Min(calendar.IndexOf(to), asOfPeriod) : asOfPeriod;
        var first = query.From is { } from ? calendar.IndexOf(from) : last - (query.Cohorts - 1);
        if (first > last)
            throw new CohortQueryException("dateRange", "The date range is empty: its start is after its end (or after the as-of date).");
        if (last - first + 1 > CohortQuery.MaxCohorts)
            throw new CohortQueryException("dateRange", $"The date range spans {last - first + 1} {query.Granularity.ToWire()}s; at most {CohortQuery.MaxCohorts} cohorts fit one matrix.");

        var settings = query.OrderSettings ?? new CohortOrderSettings(
            org.Settings.CountPendingOrders, org.Settings.CountVoidedOrders,
            org.Settings.RefundDateAttribution == RefundDateAttribution.OrderDate);
        return new CohortFrame(org.Name, org.Currency, calendar, asOf, first, last, query.Offsets, settings, org.ResultsStaleSince);
    }

    private static CohortFactRequest Request(CohortFrame frame, CohortQuery query)
    {
        Expression<Func<Account, bool>>? accountFilter = null;
        if (query.UserType is { } userType) accountFilter = a => a.UserType == userType;
        return new CohortFactRequest(frame.Calendar, frame.OrderSettings, frame.FirstCohort, frame.AsOf, accountFilter);
    }

    /// <summary>Account id → breakdown group, or null without a breakdown.</summary>
    private static async Task<Dictionary<long, string>?> GroupsAsync(CohortDbContext db, CohortQuery query, CancellationToken ct)
    {
        if (query.Breakdown == CohortBreakdown.None) return null;
        var accounts = db.Accounts.AsNoTracking();
        return query.Breakdown switch
        {
            CohortBreakdown.Segment => (await accounts.Select(a => new { a.Id, a.Segment }).ToListAsync(ct))
                .ToDictionary(a => a.Id, a => a.Segment.ToWire()),
            CohortBreakdown.Territory => await accounts.Select(a => new { a.Id, a.Territory }).ToDictionaryAsync(a => a.Id, a => a.Territory, ct),
            CohortBreakdown.OwnerId => await accounts.Select(a => new { a.Id, a.OwnerId }).ToDictionaryAsync(a => a.Id, a => a.OwnerId, ct),
            _ => await accounts.Select(a => new { a.Id, a.UserType }).ToDictionaryAsync(a => a.Id, a => a.UserType, ct),
        };
    }
}

public static class CohortServiceExtensions
{
    public static IServiceCollection AddCohorts(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<CohortService>();
        return services;
    }
}
