using System.Diagnostics;
using System.Linq.Expressions;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data;
using CohortDashboard.Data.Cohorts;
using CohortDashboard.Data.Columnar;
using CohortDashboard.Data.Filters;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Orders;
using Microsoft.EntityFrameworkCore;
using CohortDashboard.Web.Features.Cohorts.Api;
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
    DateTime? ResultsStaleSince,
    Organization Org);

public sealed record CohortResult(CohortAnalysis Analysis, CohortFrame Frame, CohortFactPath Path, TimeSpan Elapsed);

public sealed record CellCustomer(long AccountId, string ExternalId, string Name, string Segment, string OwnerId,
    int Orders, decimal NetRevenue, decimal CumulativeNetRevenue);

public sealed record CellCustomersPage(int Total, int Page, int PageSize, IReadOnlyList<CellCustomer> Customers);

/// <summary>
/// Customer cohort analytics (SPEC §3) for the current org: the one service behind the Cohorts page and the Termina,
/// Upstack and CashRunway routes. Aggregation runs in the columnar store (<see cref="CohortFactSource"/>); the matrix
/// maths is the pure engine's (<see cref="CohortAccumulator"/>, <see cref="CohortMatrixBuilder"/>).
/// </summary>
public sealed class CohortService(IDbContextFactory<CohortDbContext> dbFactory, TimeProvider clock, CohortAnswerCache answers,
    ColumnarStore? columnar = null)
{
    /// <summary>Computes the matrix of <paramref name="query"/>'s measure, per breakdown group.</summary>
    public async Task<CohortResult> AnalyzeAsync(CohortQuery query, CancellationToken ct)
    {
        var (analyses, frame, path, elapsed) = await AnalyzeAsync(query, [query.Measure], ct);
        return new CohortResult(analyses[0], frame, path, elapsed);
    }

    /// <summary>
    /// Computes the matrices of several measures from one read of the facts (Upstack's multi-measure query):
    /// one analysis per entry of <paramref name="measures"/>, in that order. <see cref="CohortQuery.Measure"/> is ignored.
    /// </summary>
    public async Task<(IReadOnlyList<CohortAnalysis> Analyses, CohortFrame Frame, CohortFactPath Path, TimeSpan Elapsed)> AnalyzeAsync(
        CohortQuery query, IReadOnlyList<CohortMeasure> measures, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfZero(measures.Count);
        var stopwatch = Stopwatch.StartNew();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var frame = await ResolveAsync(db, query, ct);
        var key = CohortAnswerCache.KeyOf(frame, query, measures);
        if (answers.TryGet(key, out var cached))
            return (cached.Analyses, frame, cached.Path with { Reason = "cached: " + cached.Path.Reason }, stopwatch.Elapsed);

        var accumulator = new CohortAccumulator(frame.FirstCohort, frame.LastCohort, frame.Calendar.IndexOf(frame.AsOf), frame.Offsets);
        var groups = await GroupsAsync(db, frame, query, ct);
        var request = await RequestAsync(db, frame, query, ct) with { NeedsMoney = measures.Any(NeedsMoney), OnlyAcquiredInRange = true };
        var path = await CohortFactSource.ReadAsync(db, request, Feed(accumulator, groups), columnar, ct);
        var analyses = measures.Select(m => CohortMatrixBuilder.Build(accumulator, frame.Calendar, m, query.RetentionMode,
            frame.Org.Settings.AnomalyMinCohortSize)).ToList();
        // Keyed by the data version read with the frame: a change committed meanwhile has bumped it, so this entry is
        // never asked for again rather than ever served stale.
        answers.Set(key, new CohortAnswerCache.Answer(analyses, path));
        return (analyses, frame, path, stopwatch.Elapsed);
    }

    /// <summary>The external ids of the current org's accounts among <paramref name="accountIds"/> (Termina's <c>user_id</c>).</summary>
    public async Task<IReadOnlyDictionary<long, string>> ExternalIdsAsync(IReadOnlyCollection<long> accountIds, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = accountIds.ToList();
        return await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.ExternalId, ct);
    }

    /// <summary>The current org (its Termina ids, pixel, timezone and settings), for the compat routes' checks.</summary>
    public async Task<Organization> OrganizationAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Organizations.AsNoTracking().FirstOrDefaultAsync(ct)
               ?? throw new InvalidOperationException("The current organization does not exist.");
    }

    /// <summary>The distinct account user types of the current org (Termina's <c>user_type</c> values), sorted.</summary>
    public async Task<IReadOnlyList<string>> UserTypesAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Accounts.AsNoTracking().Select(a => a.UserType).Distinct().OrderBy(t => t).ToListAsync(ct);
    }

    private static bool NeedsMoney(CohortMeasure measure) =>
        measure is not (CohortMeasure.Retention or CohortMeasure.Customers or CohortMeasure.Orders);

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
        var groups = await GroupsAsync(db, frame, query, ct);
        await CohortFactSource.ReadAsync(db, await RequestAsync(db, frame, query, ct) with { FirstPeriod = cohort, NeedsMoney = true, OnlyAcquiredInRange = true }, Feed(accumulator, groups), columnar, ct);

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
        await CohortFactSource.ReadAsync(db, await RequestAsync(db, frame, query, ct), sink, columnar, ct);
        return frame;
    }

    /// <summary>False when <c>Columnar:Enabled</c> is false: cohort queries then read the primary's orders.</summary>
    public bool HasColumnarStore => columnar is not null;

    /// <summary>
    /// Brings this instance's columnar store of the current org up to the primary's orders (after an import); null when
    /// it was already current or is disabled.
    /// </summary>
    public async Task<ColumnarBuildResult?> RefreshColumnarStoreAsync(CancellationToken ct)
    {
        if (columnar is null) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await columnar.BuildAsync(db, ct);
    }

    private async Task<CohortFrame> ResolveAsync(CohortDbContext db, CohortQuery query, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(ct)
                  ?? throw new InvalidOperationException("The current organization does not exist.");
        var timeZoneId = string.IsNullOrWhiteSpace(query.TimeZone) ? org.TimeZone : query.TimeZone.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone))
            throw new CohortQueryException("timezone", $"'{Analytics.UntrustedText.Echo(timeZoneId)}' is not a known IANA timezone.");
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
        return new CohortFrame(org.Name, org.Currency, calendar, asOf, first, last, query.Offsets, settings, org.ResultsStaleSince, org);
    }

    /// <summary>
    /// Translates the query's filters into SQL predicates. Throws <see cref="FilterTranslationException"/> (paths
    /// prefixed with <see cref="CohortQuery.FilterPath"/>) when the filter names a cohort that does not exist.
    /// </summary>
    private static async Task<CohortFactRequest> RequestAsync(CohortDbContext db, CohortFrame frame, CohortQuery query, CancellationToken ct)
    {
        Expression<Func<Account, bool>>? accountFilter = null;
        Expression<Func<Order, bool>>? orderFilter = null;
        FilterNode? orderFilterNode = null;
        FilterTranslationContext? context = null;
        if (query.Filter is { } filter)
        {
            context = await TranslationContextAsync(db, frame, filter.UsesScope(FilterScope.Cohort), query.FilterPath, ct);
            if (filter.UsesScope(FilterScope.Order))
            {
                orderFilter = FilterExpressions.ForOrders(filter, context);
                orderFilterNode = filter;
            }
            else accountFilter = FilterExpressions.ForAccounts(filter, context);
        }
        if (query.UserType is { } userType)
            accountFilter = accountFilter is null ? a => a.UserType == userType : And(accountFilter, a => a.UserType == userType);
        return new CohortFactRequest(frame.Calendar, frame.OrderSettings, frame.FirstCohort, frame.AsOf, accountFilter, orderFilter,
            NeedsMoney: NeedsMoney(query.Measure)) { OrderFilterNode = orderFilterNode, FilterContext = context };
    }

    private static async Task<FilterTranslationContext> TranslationContextAsync(CohortDbContext db, CohortFrame frame,
        bool needsDefinitions, IReadOnlyList<string> basePath, CancellationToken ct)
    {
        var definitions = needsDefinitions ? await db.CohortDefinitions.AsNoTracking().ToListAsync(ct) : [];
        // The query's order settings (they may override the org's) decide which order is a customer's first.
        return FilterTranslationContext.Create(db, frame.Org, definitions, basePath,
            OrderQualification.QualifyingStatuses(frame.OrderSettings));
    }

    private static Expression<Func<Account, bool>> And(Expression<Func<Account, bool>> left, Expression<Func<Account, bool>> right)
    {
        var account = left.Parameters[0];
        var rightBody = new ParameterSwap(right.Parameters[0], account).Visit(right.Body);
        return Expression.Lambda<Func<Account, bool>>(Expression.AndAlso(left.Body, rightBody), account);
    }

    private sealed class ParameterSwap(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }

    /// <summary>Account id → its breakdown groups (several for overlapping custom cohorts), or null without a breakdown.</summary>
    private static async Task<Dictionary<long, string[]>?> GroupsAsync(CohortDbContext db, CohortFrame frame, CohortQuery query, CancellationToken ct)
    {
        if (query.Breakdown == CohortBreakdown.None) return null;
        var accounts = db.Accounts.AsNoTracking();
        switch (query.Breakdown)
        {
            case CohortBreakdown.Segment:
                return (await accounts.Select(a => new { a.Id, a.Segment }).ToListAsync(ct)).ToDictionary(a => a.Id, a => new[] { a.Segment.ToWire() });
            case CohortBreakdown.Territory:
                return await accounts.Select(a => new { a.Id, a.Territory }).ToDictionaryAsync(a => a.Id, a => new[] { a.Territory }, ct);
            case CohortBreakdown.OwnerId:
                return await accounts.Select(a => new { a.Id, a.OwnerId }).ToDictionaryAsync(a => a.Id, a => new[] { a.OwnerId }, ct);
            case CohortBreakdown.UserType:
                return await accounts.Select(a => new { a.Id, a.UserType }).ToDictionaryAsync(a => a.Id, a => new[] { a.UserType }, ct);
        }

        var type = query.Breakdown switch
        {
            CohortBreakdown.VintageCohort => CohortType.Vintage,
            CohortBreakdown.SegmentCohort => CohortType.Segment,
            CohortBreakdown.TerritoryCohort => CohortType.Territory,
            CohortBreakdown.RepCohort => CohortType.Rep,
            _ => CohortType.Custom,
        };
        var context = await TranslationContextAsync(db, frame, true, ["breakdown"], ct);
        var memberships = new Dictionary<long, List<string>>();
        foreach (var definition in context.CohortDefinitions.Values.Where(d => d.CohortType == type).OrderBy(d => d.Name))
        {
            var members = FilterExpressions.ForAccounts(
                new FilterCondition(FilterFields.CohortId, FilterOperator.Equal, FilterValue.Of(definition.Id)), context);
            foreach (var id in await accounts.Where(members).Select(a => a.Id).ToListAsync(ct))
            {
                if (!memberships.TryGetValue(id, out var names)) memberships[id] = names = [];
                names.Add(definition.Name);
            }
        }
        return memberships.ToDictionary(m => m.Key, m => m.Value.ToArray());
    }

    private static readonly string[] NoGroup = ["(none)"];
    private static readonly string[] AllGroups = [CohortMatrixBuilder.AllGroup];

    private static Action<long, IReadOnlyList<CohortFact>> Feed(CohortAccumulator accumulator, Dictionary<long, string[]>? groups) =>
        (account, facts) =>
        {
            foreach (var group in groups is null ? AllGroups : groups.GetValueOrDefault(account, NoGroup))
                accumulator.AddCustomer(account, group, facts);
        };
}

public static class CohortServiceExtensions
{
    public static IServiceCollection AddCohorts(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CohortAnswerCache>();
        services.AddColumnarStore(configuration);
        services.AddScoped<CohortService>();
        services.AddScoped<CohortProjectionService>();
        services.AddScoped<CohortLookups>();
        services.AddHostedService<ColumnarWarmup>();
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "CohortDashboard API";
            document.Info.Description = "Customer cohort analytics, including the Termina, Upstack and CashRunway compatible routes.";
            return Task.CompletedTask;
        }));
        return services;
    }
}
