using System.Globalization;
using System.Security.Claims;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Web.Features.ApiKeys;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CohortDashboard.Web.Features.Cohorts.Api;

/// <summary>CashRunway's error body: <c>{"error": "…"}</c>.</summary>
public sealed record CashRunwayError(string Error)
{
    public static IResult Respond(int status, string message) => TypedResults.Json(new CashRunwayError(message), statusCode: status);
}

/// <summary>A narrative observation for agents: <c>kind</c> (best_cohort, worst_cohort, m1_trend, insufficient_data) and a sentence.</summary>
public sealed record AgentNote(string Kind, string Text);

/// <summary>
/// One acquisition month. <c>values[k]</c> is the metric at offset k: retention a fraction 0–1 (4 decimals), customers an
/// integer, revenue a canonical decimal string; <c>null</c> when offset k has not started by the as-of date.
/// </summary>
public sealed record CohortRetentionRow(string Cohort, int CohortSize, IReadOnlyList<object?> Values);

public sealed record CohortRetentionResponse(
    string AsOfDate,
    string Currency,
    string Metric,
    IReadOnlyList<string> PeriodLabels,
    IReadOnlyList<CohortRetentionRow> Cohorts,
    int RedactedItemCount,
    IReadOnlyList<AgentNote> NotesForAgent);

public sealed record CohortRetentionOptions(string? Metric, string? Periods, string? Granularity);

/// <summary>A KPI of the window against the prior window: <c>delta</c> = value − prior (null when either is).</summary>
public sealed record AgentKpi<T>(T? Value, T? Prior, T? Delta);

public sealed record DateWindow(string From, string To);

/// <summary>
/// Window KPIs: newCustomers (cohort sizes), m1Retention / m3Retention (size-weighted, completed offsets only,
/// fractions), netRevenue (net revenue booked in the window by all customers) and ltvM3 (size-weighted net LTV at M3,
/// completed only); money as canonical decimal strings.
/// </summary>
public sealed record CohortSummaryKpis(
    AgentKpi<int?> NewCustomers,
    AgentKpi<decimal?> M1Retention,
    AgentKpi<decimal?> M3Retention,
    AgentKpi<string> NetRevenue,
    AgentKpi<string> LtvM3);

public sealed record TopCohort(string Cohort, int CohortSize, decimal M3Retention);

public sealed record CohortSummaryResponse(
    string AsOfDate,
    string Currency,
    DateWindow Window,
    DateWindow PriorWindow,
    CohortSummaryKpis Kpis,
    IReadOnlyList<TopCohort> TopCohorts,
    int RedactedItemCount,
    IReadOnlyList<AgentNote> NotesForAgent);

/// <summary>Seed 004 (CashRunway): the agent cohort routes, Bearer keys with scope READ_SUMMARY, quota headers.</summary>
public static class CashRunwayCohortApi
{
    public const int MaxColumns = 12;
    public const int MaxPeriods = 24;
    public const int WindowMonths = 6;

    private static readonly string[] Metrics = ["retention", "customers", "revenue"];

    public static void MapCashRunwayCohortApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/agent/cohorts")
            .WithTags("CashRunway")
            .RequireApiKey(ApiScopes.ReadSummary, CashRunwayError.Respond)
            .WithQueryLimits(CashRunwayError.Respond);
        group.AddEndpointFilter(QuotaFilterAsync);

        group.MapGet("/retention", RetentionAsync)
            .WithName("CashRunwayCohortRetention")
            .WithSummary("Acquisition-month × offset cohort grid (CashRunway)")
            .WithDescription("metric = retention (fraction 0–1, 4 decimals) | customers (integer) | revenue (net revenue of the cohort in " +
                "the offset, canonical decimal string: invariant, no exponent, at most 2 decimals, no trailing zeros). periods is clamped " +
                "to 1–24 and the grid to 12 columns (M0…M11). Cohorts are the last 12 acquisition months up to the as-of date (org " +
                "timezone) that acquired at least one customer. null = offset not started yet. Only granularity=month is accepted. " +
                "Scope READ_SUMMARY; headers X-CashRunway-Subscription, -Plan, -Quota-Remaining, -Quota-Reset (ISO-8601 UTC).")
            .Produces<CohortRetentionResponse>()
            .Produces<CashRunwayError>(StatusCodes.Status400BadRequest)
            .Produces<CashRunwayError>(StatusCodes.Status401Unauthorized)
            .Produces<CashRunwayError>(StatusCodes.Status403Forbidden)
            .Produces<CashRunwayError>(StatusCodes.Status429TooManyRequests);

        group.MapGet("/summary", SummaryAsync)
            .WithName("CashRunwayCohortSummary")
            .WithSummary("Cohort KPIs of the last 6 months against the 6 before, top cohorts and notes (CashRunway)")
            .WithDescription("window = the last 6 acquisition months up to the as-of date, priorWindow = the 6 before. KPIs {value, prior, " +
                "delta}: newCustomers, m1Retention, m3Retention (size-weighted over cohorts whose offset is complete), netRevenue " +
                "(net revenue booked in the window by all customers, to the as-of date) and ltvM3 (size-weighted net LTV at M3). " +
                "topCohorts: the best 3 of the last 12 cohorts by completed M3 retention. notesForAgent: best and weakest window " +
                "cohort by M1 retention and the M1 trend. Scope READ_SUMMARY.")
            .Produces<CohortSummaryResponse>()
            .Produces<CashRunwayError>(StatusCodes.Status401Unauthorized)
            .Produces<CashRunwayError>(StatusCodes.Status403Forbidden)
            .Produces<CashRunwayError>(StatusCodes.Status429TooManyRequests);
    }

    private static QuotaLimit QuotaOf(ClaimsPrincipal key) =>
        int.TryParse(key.FindFirstValue(CohortClaims.QuotaCredits), CultureInfo.InvariantCulture, out var credits)
        && long.TryParse(key.FindFirstValue(CohortClaims.QuotaWindowSeconds), CultureInfo.InvariantCulture, out var seconds)
            ? new QuotaLimit(credits, TimeSpan.FromSeconds(seconds))
            : QuotaLimit.Default;

    /// <summary>Takes a credit (429 when exhausted) and puts the subscription and quota headers on successful answers.</summary>
    private static async ValueTask<object?> QuotaFilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var quota = await http.RequestServices.GetRequiredService<ApiKeyQuota>().TakeAsync(
            http.User.FindFirstValue(CohortClaims.ApiKeyId) ?? "", QuotaOf(http.User), http.RequestAborted);
        if (!quota.Allowed)
        {
            // The client learns when to come back from the same headers it reads on every answer, plus Retry-After.
            WriteQuotaHeaders(http, quota);
            var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            RetryAfter.Set(http.Response, quota.ResetsAt - now);
            return CashRunwayError.Respond(StatusCodes.Status429TooManyRequests, "The API key's credit window is exhausted.");
        }
        var result = await next(context);
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        if (inner is IStatusCodeHttpResult { StatusCode: < 400 }) WriteQuotaHeaders(http, quota);
        return result;
    }

    private static void WriteQuotaHeaders(HttpContext http, QuotaState quota)
    {
        var headers = http.Response.Headers;
        headers["X-CashRunway-Subscription"] = "active";
        headers["X-CashRunway-Plan"] = http.User.FindFirstValue(CohortClaims.ApiKeyId) == ApiKeyHandler.DemoKeyId ? "demo" : "standard";
        headers["X-CashRunway-Quota-Remaining"] = quota.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-CashRunway-Quota-Reset"] = quota.ResetsAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    internal static async Task<Results<Ok<CohortRetentionResponse>, JsonHttpResult<CashRunwayError>>> RetentionAsync(
        [AsParameters] CohortRetentionOptions options, CohortService service, CancellationToken ct)
    {
        var metric = string.IsNullOrEmpty(options.Metric) ? "retention" : options.Metric;
        if (!Metrics.Contains(metric, StringComparer.Ordinal))
            return BadRequest("metric must be one of retention, customers, revenue.");
        if (options.Granularity is { } granularity && granularity != "month")
            return BadRequest(granularity == "week"
                ? "granularity=week is reserved for weekly cohorts (v2) and not yet available; use month."
                : "granularity must be month.");
        if (ParsePeriods(options.Periods) is not { } periods)
            return BadRequest("periods must be an integer (1–24).");

        var columns = Math.Min(periods, MaxColumns);
        var measure = metric switch { "customers" => CohortMeasure.Customers, "revenue" => CohortMeasure.NetRevenue, _ => CohortMeasure.Retention };
        var result = await service.AnalyzeAsync(new CohortQuery { Measure = measure, Offsets = columns, Cohorts = MaxColumns }, ct);
        var rows = result.Analysis.Groups[0].Rows
            .Where(r => r.Size > 0)
            .Select(r => new CohortRetentionRow(r.Label, r.Size, r.Cells.Select(cell => Project(metric, cell)).ToList()))
            .ToList();
        return TypedResults.Ok(new CohortRetentionResponse(Date(result.Frame.AsOf), result.Frame.Currency, metric,
            result.Analysis.OffsetLabels, rows, 0, []));
    }

    private static object? Project(string metric, CohortCell? cell) => cell is null ? null : metric switch
    {
        "customers" => cell.Customers,
        "revenue" => CanonicalDecimal.Format(cell.Value ?? 0m),
        _ => cell.Retention is { } retention ? Math.Round(retention, 4) : null,
    };

    /// <summary>An integer clamped to 1–24 (default 12; digits too long for an int clamp too); null when not an integer.</summary>
    internal static int? ParsePeriods(string? text)
    {
        if (string.IsNullOrEmpty(text)) return MaxColumns;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return Math.Clamp(value, 1, MaxPeriods);
        var digits = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) return null;
        return text.StartsWith('-') ? 1 : MaxPeriods;
    }

    internal static async Task<Ok<CohortSummaryResponse>> SummaryAsync(CohortService service, CancellationToken ct)
    {
        var query = new CohortQuery { Measure = CohortMeasure.Ltv, Offsets = 4, Cohorts = WindowMonths * 2 };
        var result = await service.AnalyzeAsync(query, ct);
        var frame = result.Frame;
        var rows = result.Analysis.Groups[0].Rows;
        var prior = rows.Take(WindowMonths).ToList();
        var window = rows.Skip(WindowMonths).ToList();

        var netByPeriod = new Dictionary<int, decimal>();
        await service.ReadCustomerFactsAsync(query with { Measure = CohortMeasure.NetRevenue }, (_, facts) =>
        {
            foreach (var fact in facts)
                if (fact.Period >= frame.FirstCohort) netByPeriod[fact.Period] = netByPeriod.GetValueOrDefault(fact.Period) + fact.Net;
        }, ct);
        decimal Net(IEnumerable<CohortRow> cohorts) => cohorts.Sum(r => netByPeriod.GetValueOrDefault(r.Period));

        var kpis = new CohortSummaryKpis(
            Kpi<int>(window.Sum(r => r.Size), prior.Sum(r => r.Size), (a, b) => a - b),
            Kpi(Retention(window, 1), Retention(prior, 1)),
            Kpi(Retention(window, 3), Retention(prior, 3)),
            Money(Net(window), Net(prior)),
            Money(CohortInsights.CompletedMean(window, 3, c => c.Value), CohortInsights.CompletedMean(prior, 3, c => c.Value)));
        var top = CohortInsights.TopByRetention(rows, 3, 3)
            .Select(r => new TopCohort(r.Label, r.Size, Math.Round(r.Cells[3]!.Retention!.Value, 4)))
            .ToList();
        var notes = CohortInsights.Notes(window, rows).Select(n => new AgentNote(n.Kind, n.Text)).ToList();
        return TypedResults.Ok(new CohortSummaryResponse(Date(frame.AsOf), frame.Currency,
            new DateWindow(Date(window[0].Start), Date(frame.AsOf)), new DateWindow(Date(prior[0].Start), Date(prior[^1].End)),
            kpis, top, 0, notes));
    }

    private static decimal? Retention(IEnumerable<CohortRow> rows, int offset) =>
        CohortInsights.CompletedMean(rows, offset, c => c.Retention) is { } value ? Math.Round(value, 4) : null;

    private static AgentKpi<T?> Kpi<T>(T? value, T? prior, Func<T, T, T> minus) where T : struct =>
        new(value, prior, value is { } v && prior is { } p ? minus(v, p) : null);

    private static AgentKpi<decimal?> Kpi(decimal? value, decimal? prior) => Kpi(value, prior, (a, b) => a - b);

    private static AgentKpi<string> Money(decimal? value, decimal? prior) =>
        new(CanonicalDecimal.Format(value), CanonicalDecimal.Format(prior),
            value is { } v && prior is { } p ? CanonicalDecimal.Format(Math.Round(v, 2, MidpointRounding.AwayFromZero) - Math.Round(p, 2, MidpointRounding.AwayFromZero)) : null);

    private static JsonHttpResult<CashRunwayError> BadRequest(string message) =>
        TypedResults.Json(new CashRunwayError(message), statusCode: StatusCodes.Status400BadRequest);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
