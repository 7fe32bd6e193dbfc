using System.Globalization;
using System.Text.Json.Serialization;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CohortDashboard.Web.Features.Cohorts.Api;

/// <summary>Termina's (FastAPI) error body for 401/403: <c>{"detail": "…"}</c>.</summary>
public sealed record TerminaError([property: JsonPropertyName("detail")] string Detail)
{
    public static IResult Respond(int status, string message) => TypedResults.Json(new TerminaError(message), statusCode: status);
}

/// <summary>One FastAPI validation problem: <c>loc</c> (["query", "metric"]), <c>msg</c>, <c>type</c> (missing, enum, int_parsing).</summary>
public sealed record TerminaValidationItem(
    [property: JsonPropertyName("loc")] IReadOnlyList<string> Loc,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("type")] string Type);

/// <summary>Termina's 422 body: <c>{"detail": [{loc, msg, type}]}</c>.</summary>
public sealed record TerminaValidationError([property: JsonPropertyName("detail")] IReadOnlyList<TerminaValidationItem> Detail);

public sealed record TerminaCustomerCohortRow(
    [property: JsonPropertyName("cohort")] string Cohort,
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("period")] int Period,
    [property: JsonPropertyName("cohort_size_amount")] decimal CohortSizeAmount,
    [property: JsonPropertyName("logo_retention")] int LogoRetention,
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("amount_retention")] decimal? AmountRetention,
    [property: JsonPropertyName("ltv")] decimal Ltv);

public sealed record TerminaCohortRow(
    [property: JsonPropertyName("cohort")] string Cohort,
    [property: JsonPropertyName("period")] int Period,
    [property: JsonPropertyName("users")] int Users,
    [property: JsonPropertyName("cohort_size")] int CohortSize,
    [property: JsonPropertyName("logo_retention")] decimal LogoRetention,
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("amount_retention")] decimal? AmountRetention,
    [property: JsonPropertyName("ltv")] decimal Ltv);

public sealed record TerminaUserAccountingRow(
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("active_users")] int ActiveUsers,
    [property: JsonPropertyName("new_users")] int NewUsers,
    [property: JsonPropertyName("retained_users")] int RetainedUsers,
    [property: JsonPropertyName("resurrected_users")] int ResurrectedUsers,
    [property: JsonPropertyName("churned_users")] int ChurnedUsers);

public sealed record TerminaGrowthAccountingRow(
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("revenue")] decimal Revenue,
    [property: JsonPropertyName("new")] decimal New,
    [property: JsonPropertyName("retained")] decimal Retained,
    [property: JsonPropertyName("expansion")] decimal Expansion,
    [property: JsonPropertyName("contraction")] decimal Contraction,
    [property: JsonPropertyName("resurrected")] decimal Resurrected,
    [property: JsonPropertyName("churned")] decimal Churned);

/// <summary>The route and query parameters, bound as text so that every problem becomes Termina's 422.</summary>
public sealed record TerminaDataOptions(
    [FromRoute(Name = "group_id")] string GroupId,
    [FromRoute(Name = "deal_id")] string DealId,
    [FromQuery(Name = "user_type")] string? UserType,
    [FromQuery(Name = "metric")] string? Metric,
    [FromQuery(Name = "freq")] string? Freq);

/// <summary>
/// Seed 001 (Termina): the deal data routes. Bearer (or x-api-key) keys with scope <c>analytics:read</c>; the group and
/// deal must be the key's org's (another org's, or an unknown one: 403). <c>user_type</c> is required everywhere (the
/// accounts' user_type, one of the org's values); <c>metric</c> (revenue = net, gtv = gross, orders = order count) where
/// amounts are returned; <c>freq</c> M | Q (fiscal quarters) | A, default M. History is bounded to the last 24 months, 8
/// quarters or 3 years up to today (org timezone), the current period included (still running).
/// </summary>
public static class TerminaCohortApi
{
    private static readonly string[] MetricValues = ["revenue", "gtv", "orders"];
    private static readonly string[] FreqValues = ["M", "Q", "A"];

    public static void MapTerminaCohortApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/group/{group_id}/deal/{deal_id}/data")
            .WithTags("Termina")
            .RequireApiKey(ApiScopes.AnalyticsRead, TerminaError.Respond)
            .WithQueryLimits(TerminaError.Respond);

        group.MapGet("/customer-cohorts", CustomerCohortsAsync)
            .WithName("TerminaCustomerCohorts")
            .WithSummary("Per-user cohort rows (Termina)")
            .WithDescription("One row per (cohort, user_id, period) for every period from the user's acquisition to today: cohort " +
                "(2026-01 | 2026-Q1 | 2026), user_id (account external id), period (0 = acquisition period), cohort_size_amount (the " +
                "cohort's total metric amount in period 0), logo_retention (1 when the user ordered in the period, else 0), amount (the " +
                "user's amount in the period; net revenue may be negative after refunds), amount_retention (amount / cohort_size_amount, " +
                "6 decimals, null when that is 0), ltv (the cohort's cumulative amount through the period per cohort user, 6 decimals).")
            .Produces<TerminaCustomerCohortRow[]>()
            .ProducesTerminaErrors();

        group.MapGet("/cohorts", CohortsAsync)
            .WithName("TerminaCohorts")
            .WithSummary("Cohort aggregates per (cohort, period) (Termina)")
            .WithDescription("One row per (cohort, period): users (users active in the period), cohort_size (users acquired in the " +
                "cohort), logo_retention (users / cohort_size), amount (the cohort's metric amount in the period), amount_retention " +
                "(amount / the cohort's period-0 amount, null when that is 0), ltv (cumulative amount through the period / cohort_size). " +
                "Ratios 6 decimals.")
            .Produces<TerminaCohortRow[]>()
            .ProducesTerminaErrors();

        group.MapGet("/user-accounting", UserAccountingAsync)
            .WithName("TerminaUserAccounting")
            .WithSummary("Active, new, retained, resurrected and churned users per period (Termina)")
            .WithDescription("Per period: active_users (ordered in the period) = new_users (first order ever) + retained_users (also " +
                "active in the previous period) + resurrected_users (active again after a gap); churned_users were active in the " +
                "previous period and not in this one. metric is not used.")
            .Produces<TerminaUserAccountingRow[]>()
            .ProducesTerminaErrors();

        group.MapGet("/growth-accounting", GrowthAccountingAsync)
            .WithName("TerminaGrowthAccounting")
            .WithSummary("Metric growth accounting per period (Termina)")
            .WithDescription("Per period, in the metric: revenue (every user's amount in the period), new / retained / resurrected (the " +
                "amounts of those active users, classified as in user-accounting), expansion / contraction (retained users' increase " +
                "/ decrease over their previous-period amount), churned (the previous-period amount of churned users, positive).")
            .Produces<TerminaGrowthAccountingRow[]>()
            .ProducesTerminaErrors();
    }

    private static RouteHandlerBuilder ProducesTerminaErrors(this RouteHandlerBuilder route) => route
        .Produces<TerminaError>(StatusCodes.Status401Unauthorized)
        .Produces<TerminaError>(StatusCodes.Status403Forbidden)
        .Produces<TerminaValidationError>(StatusCodes.Status422UnprocessableEntity);

    private sealed record Request(Granularity Granularity, int Periods, string UserType, string Metric);

    private static Func<CohortFact, decimal> AmountOf(string metric) => metric switch
    {
        "gtv" => f => f.Gross,
        "orders" => f => f.Orders,
        _ => f => f.Net,
    };

    internal static async Task<IResult> CustomerCohortsAsync([AsParameters] TerminaDataOptions options, CohortService service, CancellationToken ct) =>
        await AnswerAsync(options, service, needsMetric: true, async (request, ct) =>
        {
            var (table, frame) = await TableAsync(service, request, ct);
            var totals = table.CohortTotals().ToDictionary(t => (t.Cohort, t.Offset));
            var userIds = await service.ExternalIdsAsync(table.Customers.Select(c => c.CustomerId).ToList(), ct);
            var rows = new List<TerminaCustomerCohortRow>();
            foreach (var customer in table.Customers)
            {
                var label = frame.Calendar.Label(customer.Cohort);
                var userId = userIds.GetValueOrDefault(customer.CustomerId, customer.CustomerId.ToString(CultureInfo.InvariantCulture));
                for (var offset = 0; offset < customer.Amounts.Count; offset++)
                {
                    var total = totals[(customer.Cohort, offset)];
                    var amount = customer.Amounts[offset];
                    rows.Add(new TerminaCustomerCohortRow(label, userId, offset, total.CohortSizeAmount, customer.Active[offset] ? 1 : 0, amount,
                        total.CohortSizeAmount == 0m ? null : Ratio(amount / total.CohortSizeAmount), Ratio(total.Ltv)));
                }
            }
            return TypedResults.Ok(rows.OrderBy(r => r.Cohort, StringComparer.Ordinal).ThenBy(r => r.UserId, StringComparer.Ordinal).ThenBy(r => r.Period).ToList());
        }, ct);

    internal static async Task<IResult> CohortsAsync([AsParameters] TerminaDataOptions options, CohortService service, CancellationToken ct) =>
        await AnswerAsync(options, service, needsMetric: true, async (request, ct) =>
        {
            var (table, frame) = await TableAsync(service, request, ct);
            return TypedResults.Ok(table.CohortTotals()
                .Select(t => new TerminaCohortRow(frame.Calendar.Label(t.Cohort), t.Offset, t.ActiveCustomers, t.Size, Ratio(t.LogoRetention),
                    t.Amount, t.AmountRetention is { } r ? Ratio(r) : null, Ratio(t.Ltv)))
                .ToList());
        }, ct);

    internal static async Task<IResult> UserAccountingAsync([AsParameters] TerminaDataOptions options, CohortService service, CancellationToken ct) =>
        await AnswerAsync(options, service, needsMetric: false, async (request, ct) =>
        {
            var (periods, calendar) = await GrowthAsync(service, request, ct);
            return TypedResults.Ok(periods
                .Select(p => new TerminaUserAccountingRow(calendar.Label(p.Period), p.ActiveUsers, p.NewUsers, p.RetainedUsers, p.ResurrectedUsers, p.ChurnedUsers))
                .ToList());
        }, ct);

    internal static async Task<IResult> GrowthAccountingAsync([AsParameters] TerminaDataOptions options, CohortService service, CancellationToken ct) =>
        await AnswerAsync(options, service, needsMetric: true, async (request, ct) =>
        {
            var (periods, calendar) = await GrowthAsync(service, request, ct);
            return TypedResults.Ok(periods
                .Select(p => new TerminaGrowthAccountingRow(calendar.Label(p.Period), p.Revenue, p.New, p.Retained, p.Expansion, p.Contraction,
                    p.Resurrected, p.Churned))
                .ToList());
        }, ct);

    private static decimal Ratio(decimal value) => Math.Round(value, 6, MidpointRounding.AwayFromZero);

    private static CohortQuery QueryFor(Request request, int cohorts) => new()
    {
        Granularity = request.Granularity,
        Measure = request.Metric switch { "gtv" => CohortMeasure.GrossRevenue, "orders" => CohortMeasure.Orders, _ => CohortMeasure.NetRevenue },
        Cohorts = cohorts,
        Offsets = 1,
        UserType = request.UserType,
    };

    private static async Task<(CustomerCohortTable Table, CohortFrame Frame)> TableAsync(CohortService service, Request request, CancellationToken ct)
    {
        var pending = new List<(long, IReadOnlyList<CohortFact>)>();
        var frame = await service.ReadCustomerFactsAsync(QueryFor(request, request.Periods), (id, facts) => pending.Add((id, facts)), ct);
        var table = new CustomerCohortTable(frame.FirstCohort, frame.Calendar.IndexOf(frame.AsOf), AmountOf(request.Metric));
        foreach (var (id, facts) in pending) table.Add(id, facts);
        return (table, frame);
    }

    /// <summary>Reads one period more than reported, so the first reported period's "previous period" is exact.</summary>
    private static async Task<(IReadOnlyList<GrowthPeriod> Periods, PeriodCalendar Calendar)> GrowthAsync(CohortService service, Request request, CancellationToken ct)
    {
        var pending = new List<(long, IReadOnlyList<CohortFact>)>();
        var frame = await service.ReadCustomerFactsAsync(QueryFor(request, request.Periods + 1), (id, facts) => pending.Add((id, facts)), ct);
        var growth = new GrowthAccounting(frame.FirstCohort + 1, frame.Calendar.IndexOf(frame.AsOf), AmountOf(request.Metric));
        foreach (var (id, facts) in pending) growth.Add(id, facts);
        return (growth.Periods(), frame.Calendar);
    }

    private static async Task<IResult> AnswerAsync(TerminaDataOptions options, CohortService service, bool needsMetric,
        Func<Request, CancellationToken, Task<IResult>> answer, CancellationToken ct)
    {
        var pathErrors = new List<TerminaValidationItem>();
        var groupId = ParseId(options.GroupId, "group_id", pathErrors);
        var dealId = ParseId(options.DealId, "deal_id", pathErrors);
        if (pathErrors.Count > 0) return TypedResults.Json(new TerminaValidationError(pathErrors), statusCode: StatusCodes.Status422UnprocessableEntity);

        var org = await service.OrganizationAsync(ct);
        if (org.TerminaGroupId != groupId || org.TerminaDealId != dealId)
            return TerminaError.Respond(StatusCodes.Status403Forbidden, "The API key has no access to this group and deal.");

        var errors = new List<TerminaValidationItem>();
        var userTypes = await service.UserTypesAsync(ct);
        var userType = Choice(options.UserType, "user_type", userTypes, errors);
        var metric = needsMetric ? Choice(options.Metric, "metric", MetricValues, errors) : "revenue";
        var freq = string.IsNullOrEmpty(options.Freq) ? "M" : Choice(options.Freq, "freq", FreqValues, errors);
        if (errors.Count > 0) return TypedResults.Json(new TerminaValidationError(errors), statusCode: StatusCodes.Status422UnprocessableEntity);

        var (granularity, periods) = freq switch { "Q" => (Granularity.Quarter, 8), "A" => (Granularity.Year, 3), _ => (Granularity.Month, 24) };
        return await answer(new Request(granularity, periods, userType!, metric!), ct);
    }

    private static int? ParseId(string text, string name, List<TerminaValidationItem> errors)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return id;
        errors.Add(new TerminaValidationItem(["path", name], "Input should be a valid integer, unable to parse string as an integer", "int_parsing"));
        return null;
    }

    private static string? Choice(string? value, string name, IReadOnlyList<string> allowed, List<TerminaValidationItem> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(new TerminaValidationItem(["query", name], "Field required", "missing"));
            return null;
        }
        if (allowed.Contains(value, StringComparer.Ordinal)) return value;
        var options = allowed.Count == 0 ? "(none: the org has no accounts)" : string.Join(", ", allowed.Select(a => $"'{a}'"));
        errors.Add(new TerminaValidationItem(["query", name], $"Input should be one of {options}", "enum"));
        return null;
    }
}
