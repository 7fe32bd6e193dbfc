using System.Globalization;
using System.Text.Json;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Data.Filters;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Platform;

namespace CohortDashboard.Web.Features.Cohorts.Api;

public sealed record UpstackFieldError(string Message, string Key, IReadOnlyList<string> Path);

/// <summary>Upstack's error body: <c>{message}</c>, with per-field <c>errors</c> on 400.</summary>
public sealed record UpstackError(string Message, IReadOnlyList<UpstackFieldError>? Errors = null)
{
    public static IResult Respond(int status, string message) => TypedResults.Json(new UpstackError(message), statusCode: status);

    public static IResult Invalid(IEnumerable<FilterError> errors) => TypedResults.Json(
        new UpstackError("Invalid request body.", errors.Select(e => new UpstackFieldError(e.Message, e.Key, e.Path)).ToList()),
        statusCode: StatusCodes.Status400BadRequest);
}

public sealed record UpstackDateRange(string Start, string End);

public sealed record UpstackMeasureDetail(
    string Measure, bool IsAverage, bool IsPercentage, bool CalculatedAverage, bool Success,
    decimal? PrimaryAvg, decimal? PrimarySum, bool HasPacing, string PreferredTrendDirection);

/// <summary><c>primary</c>: one row per (cohort, offset) that has started: dt, period, start, end and each measure by id.</summary>
public sealed record UpstackQueryData(IReadOnlyList<Dictionary<string, object?>> Primary);

public sealed record UpstackQueryResult(string Granularity, IReadOnlyList<string> Dimensions, UpstackDateRange DateRange,
    IReadOnlyList<UpstackMeasureDetail> MeasureDetails, UpstackQueryData Data);

public sealed record UpstackQueryResponse(IReadOnlyList<UpstackQueryResult> Results);

/// <summary>Seed 003 (Upstack): <c>POST /db-mgmt/api/query-cohort-analysis</c>, x-api-key + x-pixel-id, scope analytics:read.</summary>
public static class UpstackCohortApi
{
    public const int MaxMeasures = 30;

    /// <summary>Seed measure id → engine measure, and whether the value is scaled to a percentage.</summary>
    private static readonly Dictionary<string, (CohortMeasure Measure, bool Percent)> Measures = new(StringComparer.Ordinal)
    {
        ["orders.ltv_cohort_gross_revenue"] = (CohortMeasure.GrossLtv, false),
        ["orders.ltv_cohort_net_revenue"] = (CohortMeasure.Ltv, false),
        ["orders.customers_cohort"] = (CohortMeasure.Customers, false),
        ["orders.avg_order_value_cohort"] = (CohortMeasure.Aov, false),
        ["orders.cohort_retention_percent"] = (CohortMeasure.Retention, true),
        ["orders.cohort_cm1"] = (CohortMeasure.Cm1, false),
        ["orders.cohort_cm2"] = (CohortMeasure.Cm2, false),
    };

    private static readonly string[] Granularities = ["week", "month", "year"];

    public static void MapUpstackCohortApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/db-mgmt/api")
            .WithTags("Upstack")
            .RequireApiKey(ApiScopes.AnalyticsRead, UpstackError.Respond)
            .WithQueryLimits(UpstackError.Respond)
            .MapPost("/query-cohort-analysis", QueryAsync)
            .WithName("UpstackQueryCohortAnalysis")
            .WithSummary("Run a cohort analysis (Upstack)")
            .WithDescription("Body per Upstack's schema (pixelId, granularity week|month|year, 1–30 measures, dateRange, timezone, " +
                "filters, orderSettings; exclusionFilters accepted and ignored). Cohorts are the periods whose start lies in dateRange; " +
                "data counts up to min(dateRange.end, today); at most 36 offsets. data.primary has one row per started (cohort, offset): " +
                "dt (cohort start), period (offset), start/end (the offset's local dates) and each measure (4 decimals; retention in " +
                "percent; null when undefined). Cohorts without customers have no rows. primaryAvg / primarySum: mean / sum of the " +
                "non-null values in data.primary. 400 {message, errors[{message, key, path}]}, 401 missing/invalid key or pixel, 403 " +
                "scope or body pixelId ≠ x-pixel-id.")
            .Accepts<JsonElement>("application/json")
            .Produces<UpstackQueryResponse>()
            .Produces<UpstackError>(StatusCodes.Status400BadRequest)
            .Produces<UpstackError>(StatusCodes.Status401Unauthorized)
            .Produces<UpstackError>(StatusCodes.Status403Forbidden);
    }

    private sealed record Parsed(string Granularity, List<string> Measures, DateOnly Start, DateOnly End, string? TimeZone,
        FilterNode? Filter, bool? CountPending, bool? CountVoided, bool? RefundsOnOrderDate);

    internal static async Task<IResult> QueryAsync(HttpRequest request, CohortService service, CancellationToken ct)
    {
        var pixel = request.Headers["x-pixel-id"].ToString();
        var org = await service.OrganizationAsync(ct);
        if (pixel.Length == 0) return UpstackError.Respond(StatusCodes.Status401Unauthorized, "Missing x-pixel-id header.");
        if (!string.Equals(pixel, org.PixelId, StringComparison.Ordinal))
            return UpstackError.Respond(StatusCodes.Status401Unauthorized, "The API key is not bound to this pixel.");

        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return UpstackError.Invalid([FilterError.At(problem.Path, problem.Message)]);
        using (document)
        {
            var body = document!.RootElement;
            if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("pixelId", out var bodyPixel)
                && bodyPixel.ValueKind == JsonValueKind.String && bodyPixel.GetString() != pixel)
                return UpstackError.Respond(StatusCodes.Status403Forbidden, "Body pixelId does not match the x-pixel-id header.");

            var errors = new List<FilterError>();
            var parsed = Parse(body, errors);
            if (errors.Count > 0 || parsed is null) return UpstackError.Invalid(errors);
            try
            {
                return TypedResults.Ok(await AnswerAsync(parsed, org, service, ct));
            }
            catch (CohortQueryException e)
            {
                return UpstackError.Invalid([FilterError.At([e.Parameter], e.Message)]);
            }
            catch (FilterTranslationException e)
            {
                return UpstackError.Invalid(e.Errors);
            }
        }
    }

    private static async Task<UpstackQueryResponse> AnswerAsync(Parsed parsed, Organization org, CohortService service, CancellationToken ct)
    {
        GranularityNames.TryParse(parsed.Granularity, out var granularity);
        var ids = parsed.Measures.Distinct(StringComparer.Ordinal).ToList();
        var query = new CohortQuery
        {
            Granularity = granularity,
            From = parsed.Start,
            To = parsed.End,
            AsOf = parsed.End,
            TimeZone = parsed.TimeZone,
            Offsets = CohortQuery.MaxOffsets,
            Filter = parsed.Filter,
            OrderSettings = new CohortOrderSettings(
                parsed.CountPending ?? org.Settings.CountPendingOrders,
                parsed.CountVoided ?? org.Settings.CountVoidedOrders,
                parsed.RefundsOnOrderDate ?? org.Settings.RefundDateAttribution == RefundDateAttribution.OrderDate),
        };
        // A cohort is a period whose start lies in the range: a range starting mid-period begins with the next one.
        var (analyses, frame, _, _) = await service.AnalyzeAsync(query, ids.Select(id => Measures[id].Measure).ToList(), ct);
        var calendar = frame.Calendar;
        var rows = new List<Dictionary<string, object?>>();
        var baseRows = analyses[0].Groups[0].Rows;
        for (var r = 0; r < baseRows.Count; r++)
        {
            var cohort = baseRows[r];
            if (cohort.Size == 0 || cohort.Start < parsed.Start) continue;
            for (var k = 0; k < cohort.Cells.Count && cohort.Cells[k] is not null; k++)
            {
                var row = new Dictionary<string, object?>
                {
                    ["dt"] = Date(cohort.Start),
                    ["period"] = k,
                    ["start"] = Date(calendar.StartDate(cohort.Period + k)),
                    ["end"] = Date(calendar.EndDate(cohort.Period + k)),
                };
                for (var m = 0; m < ids.Count; m++)
                    row[ids[m]] = Value(analyses[m].Groups[0].Rows[r].Cells[k]!.Value, Measures[ids[m]].Percent);
                rows.Add(row);
            }
        }

        var details = ids.Select(id =>
        {
            var values = rows.Select(row => row[id]).OfType<decimal>().ToList();
            var measure = Measures[id].Measure;
            var isAverage = measure != CohortMeasure.Customers;
            return new UpstackMeasureDetail(id, isAverage, measure == CohortMeasure.Retention, isAverage, true,
                values.Count == 0 ? null : Math.Round(values.Average(), 4), values.Count == 0 ? null : values.Sum(), false, "up");
        }).ToList();
        return new UpstackQueryResponse([new UpstackQueryResult(parsed.Granularity, [], new UpstackDateRange(Date(parsed.Start), Date(parsed.End)),
            details, new UpstackQueryData(rows))]);
    }

    private static decimal? Value(decimal? value, bool percent) =>
        value is { } v ? Math.Round(percent ? v * 100m : v, 4, MidpointRounding.AwayFromZero) : null;

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Validates the body against seed 003's schema, collecting every problem.</summary>
    private static Parsed? Parse(JsonElement body, List<FilterError> errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(FilterError.At([], "The body must be a JSON object."));
            return null;
        }

        var pixelId = Required(body, "pixelId", errors);
        if (pixelId is { ValueKind: not JsonValueKind.String }) errors.Add(FilterError.At(["pixelId"], "pixelId must be a string."));

        string granularity = "month";
        if (Required(body, "granularity", errors) is { } g)
        {
            if (g.ValueKind == JsonValueKind.String && Granularities.Contains(g.GetString(), StringComparer.Ordinal)) granularity = g.GetString()!;
            else errors.Add(FilterError.At(["granularity"], "granularity must be one of week, month, year."));
        }

        var measures = new List<string>();
        if (Required(body, "measures", errors) is { } m)
        {
            if (m.ValueKind != JsonValueKind.Array) errors.Add(FilterError.At(["measures"], "measures must be an array of measure ids."));
            else if (m.GetArrayLength() is < 1 or > MaxMeasures) errors.Add(FilterError.At(["measures"], $"measures must have 1 to {MaxMeasures} items."));
            else
            {
                var i = 0;
                foreach (var item in m.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && Measures.ContainsKey(item.GetString()!)) measures.Add(item.GetString()!);
                    else errors.Add(FilterError.At(["measures", i.ToString(CultureInfo.InvariantCulture)],
                        $"Unknown measure; expected one of {string.Join(", ", Measures.Keys)}."));
                    i++;
                }
            }
        }

        DateOnly? start = null, end = null;
        if (Required(body, "dateRange", errors) is { } range)
        {
            if (range.ValueKind != JsonValueKind.Object) errors.Add(FilterError.At(["dateRange"], "dateRange must be an object with start and end."));
            else
            {
                start = DateField(range, "start", errors);
                end = DateField(range, "end", errors);
                if (start > end) errors.Add(FilterError.At(["dateRange"], "dateRange.start must not be after dateRange.end."));
            }
        }

        string? timeZone = null;
        if (Optional(body, "timezone") is { } tz)
        {
            timeZone = tz.ValueKind == JsonValueKind.String ? tz.GetString() : null;
            if (timeZone is null || timeZone.Length > 64 || !TimeZoneInfo.TryConvertIanaIdToWindowsId(timeZone, out _)
                || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
                errors.Add(FilterError.At(["timezone"], "timezone must be a valid IANA timezone, e.g. America/New_York."));
        }

        FilterNode? filter = null;
        if (Optional(body, "filters") is { } f)
        {
            var result = FilterParser.Parse(f, FilterContext.CohortAnalysis, ["filters"]);
            errors.AddRange(result.Errors);
            filter = result.Node;
        }

        bool? pending = null, voided = null, onOrderDate = null;
        if (Optional(body, "orderSettings") is { } settings)
        {
            if (settings.ValueKind != JsonValueKind.Object) errors.Add(FilterError.At(["orderSettings"], "orderSettings must be an object."));
            else
            {
                pending = Bool(settings, "countPendingOrders", errors);
                voided = Bool(settings, "countVoidedOrders", errors);
                if (Optional(settings, "refundDateAttribution") is { } attribution)
                {
                    onOrderDate = attribution.ValueKind == JsonValueKind.String ? attribution.GetString() switch
                    {
                        "original_order_date" => true,
                        "refund_date" => false,
                        _ => null,
                    } : null;
                    if (onOrderDate is null)
                        errors.Add(FilterError.At(["orderSettings", "refundDateAttribution"], "refundDateAttribution must be original_order_date or refund_date."));
                }
                if (Optional(settings, "exclusionFilters") is { ValueKind: not JsonValueKind.Array })
                    errors.Add(FilterError.At(["orderSettings", "exclusionFilters"], "exclusionFilters must be an array."));
            }
        }

        return errors.Count > 0 ? null : new Parsed(granularity, measures, start!.Value, end!.Value, timeZone, filter, pending, voided, onOrderDate);
    }

    private static JsonElement? Optional(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static JsonElement? Required(JsonElement body, string name, List<FilterError> errors)
    {
        if (Optional(body, name) is { } value) return value;
        errors.Add(FilterError.At([name], $"{name} is required."));
        return null;
    }

    private static DateOnly? DateField(JsonElement range, string name, List<FilterError> errors)
    {
        if (Required(range, name, errors) is not { } value)
        {
            errors[^1] = FilterError.At(["dateRange", name], $"dateRange.{name} is required.");
            return null;
        }
        if (value.ValueKind == JsonValueKind.String
            && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return date;
        errors.Add(FilterError.At(["dateRange", name], $"dateRange.{name} must be a date as yyyy-MM-dd."));
        return null;
    }

    private static bool? Bool(JsonElement settings, string name, List<FilterError> errors)
    {
        if (Optional(settings, name) is not { } value) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        errors.Add(FilterError.At(["orderSettings", name], $"{name} must be a boolean."));
        return null;
    }
}
