using System.Security.Claims;
using System.Text.Json.Serialization;
using CohortDashboard.Data.Import;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Expansion;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortDashboard.Web.Features.Import;

/// <summary>One problem of an import file on the wire.</summary>
public sealed record ImportProblemDto(
    [property: JsonPropertyName("row")] int Row,
    [property: JsonPropertyName("column")] string Column,
    [property: JsonPropertyName("problem")] string Problem)
{
    public static IReadOnlyList<ImportProblemDto> From(IEnumerable<ImportProblem> problems) =>
        problems.Select(p => new ImportProblemDto(p.Row, p.Column, p.Message)).ToList();
}

/// <summary>The 200 answer of <c>POST /api/import/{entity}</c>.</summary>
public sealed record ImportResponse(
    [property: JsonPropertyName("entity")] string Entity,
    [property: JsonPropertyName("rows_read")] long RowsRead,
    [property: JsonPropertyName("inserted")] long Inserted,
    [property: JsonPropertyName("updated")] long Updated,
    [property: JsonPropertyName("unchanged")] long Unchanged,
    [property: JsonPropertyName("skipped")] long Skipped,
    [property: JsonPropertyName("error_count")] int ErrorCount,
    [property: JsonPropertyName("errors")] IReadOnlyList<ImportProblemDto> Errors,
    [property: JsonPropertyName("warning_count")] int WarningCount,
    [property: JsonPropertyName("warnings")] IReadOnlyList<ImportProblemDto> Warnings);

/// <summary>The 200 answer of <c>POST /api/recompute</c>.</summary>
public sealed record RecomputeResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("steps")] IReadOnlyList<RecomputeStepDto> Steps);

public sealed record RecomputeStepDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("summary")] string? Summary,
    [property: JsonPropertyName("elapsed_ms")] long ElapsedMs);

/// <summary>
/// <c>POST /api/import/{entity}</c> (CSV or JSON body, <c>?skip_invalid=true</c>), <c>GET /api/export/{entity}</c>,
/// <c>GET /api/import/{entity}/template</c> and <c>POST /api/recompute</c>; all for signed-in admins or API keys with
/// <c>import:write</c> (an export hands out every row of the org, so it needs the same trust as writing them).
/// </summary>
public static class ImportEndpoints
{
    public static IServiceCollection AddImport(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OrgJobs>();
        services.AddScoped<ImportService>();
        services.AddScoped<RecomputeAllService>();
        // "Recompute all" steps, run by Order; the account-cohort snapshot step goes in at Order 200.
        services.AddScoped<IRecomputeStep, ColumnarStoreStep>();
        services.AddScoped<IRecomputeStep, AffinityStep>();
        services.AddScoped<IRecomputeStep, SignalsStep>();
        return services;
    }

    public static WebApplication MapImport(this WebApplication app)
    {
        var policy = Policies.AdminOrScope(ApiScopes.ImportWrite);
        var group = app.MapGroup("/api").WithTags("Import").RequireAuthorization(policy);
        group.MapPost("/import/{entity}", ImportAsync).WithName("ImportEntity")
            .Accepts<string>("text/csv", "application/json").DisableAntiforgery();
        group.MapGet("/import/{entity}/template", Template).WithName("ImportTemplate");
        group.MapGet("/export/{entity}", Export).WithName("ExportEntity");
        group.MapPost("/recompute", RecomputeAsync).WithName("RecomputeAll").DisableAntiforgery();
        return app;
    }

    private static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> ImportAsync(
        string entity, HttpContext context, ClaimsPrincipal user, ImportService service, CancellationToken ct)
    {
        if (!ImportColumns.TryParseEntity(entity, out var kind)) return UnknownEntity(entity);
        if (!TryReadSkipInvalid(context.Request, out var skipInvalid))
            return TypedResults.Problem("skip_invalid must be true or false.", title: "Invalid request", statusCode: StatusCodes.Status400BadRequest);
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        ImportFormat format;
        switch (mediaType)
        {
            case "text/csv" or "application/csv" or "text/plain":
                format = ImportFormat.Csv;
                break;
            case "application/json":
                format = ImportFormat.Json;
                break;
            default:
                return TypedResults.Problem("Send the file as text/csv or a JSON array as application/json.",
                    title: "Unsupported media type", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        // This route alone may receive up to 100 MB (Kestrel's default is 30 MB); one byte more lets the spooler see
        // an oversized chunked body and answer 413 itself.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = ImportService.MaxBytes + 1;
        if (context.Request.ContentLength > ImportService.MaxBytes) return TooLarge();

        SpooledImportFile spooled;
        try
        {
            spooled = await SpooledImportFile.CreateAsync(context.Request.Body, format, ImportService.MaxBytes, ct);
        }
        catch (ImportTooLargeException)
        {
            return TooLarge();
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }

        using (spooled)
        {
            var actor = Actor.From(user).Subject;
            var outcome = await service.ImportAsync(kind, spooled.File, skipInvalid, actor, progress: null, ct);
            var report = outcome.Report;
            if (!outcome.Written && report.HasErrors)
            {
                return TypedResults.Problem(
                    report.FileUnreadable
                        ? "The file cannot be read as a whole; nothing was imported."
                        : $"{report.ErrorCount:N0} problem(s) in {report.InvalidRows:N0} of {report.RowsRead:N0} rows; nothing was imported. Fix them, or send ?skip_invalid=true to import the valid rows and skip the rest.",
                    title: "Invalid import file", statusCode: StatusCodes.Status400BadRequest,
                    extensions: new Dictionary<string, object?>
                    {
                        ["entity"] = kind.ToWireName(),
                        ["error_count"] = report.ErrorCount,
                        ["errors"] = ImportProblemDto.From(report.Errors),
                        ["warnings"] = ImportProblemDto.From(report.Warnings),
                    });
            }
            return TypedResults.Ok(new ImportResponse(kind.ToWireName(), report.RowsRead, outcome.Counts.Inserted, outcome.Counts.Updated,
                outcome.Counts.Unchanged, outcome.Skipped, report.ErrorCount, ImportProblemDto.From(report.Errors), report.WarningCount,
                ImportProblemDto.From(report.Warnings)));
        }
    }

    private static Results<FileContentHttpResult, ProblemHttpResult> Template(string entity)
    {
        if (!ImportColumns.TryParseEntity(entity, out var kind)) return UnknownEntity(entity);
        return TypedResults.File(ImportExport.Utf8.GetBytes(ImportExport.Template(kind)), "text/csv; charset=utf-8",
            $"{kind.ToWireName()}-template.csv");
    }

    private static Results<PushStreamHttpResult, ProblemHttpResult> Export(string entity, ImportService service, CancellationToken ct)
    {
        if (!ImportColumns.TryParseEntity(entity, out var kind)) return UnknownEntity(entity);
        return TypedResults.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, ImportExport.Utf8, 64 * 1024, leaveOpen: true);
            // Stops reading the database when the client goes away mid-download.
            await service.ExportAsync(kind, writer, ct);
        }, "text/csv; charset=utf-8", service.ExportFileName(kind));
    }

    private static async Task<Results<Ok<RecomputeResponse>, ProblemHttpResult>> RecomputeAsync(
        ClaimsPrincipal user, RecomputeAllService recompute, CancellationToken ct)
    {
        try
        {
            var result = await recompute.RunAsync(Actor.From(user), null, ct);
            return TypedResults.Ok(new RecomputeResponse(result.Succeeded, result.Steps
                .Select(s => new RecomputeStepDto(s.Name, s.State.ToString().ToLowerInvariant(), s.Summary, (long)s.Elapsed.TotalMilliseconds))
                .ToList()));
        }
        catch (JobBusyException busy)
        {
            return TypedResults.Problem(busy.Message, title: "Already running", statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static bool TryReadSkipInvalid(HttpRequest request, out bool skipInvalid)
    {
        skipInvalid = false;
        var value = request.Query["skip_invalid"].ToString();
        return value.Length == 0 || bool.TryParse(value, out skipInvalid);
    }

    private static ProblemHttpResult UnknownEntity(string entity) =>
        TypedResults.Problem($"'{Analytics.UntrustedText.Echo(entity)}' is not an importable entity; use accounts, products, account_products or orders.",
            title: "Not found", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem($"Import files may be at most {ImportService.MaxBytes / (1024 * 1024)} MB; split the file.",
            title: "File too large", statusCode: StatusCodes.Status413PayloadTooLarge);
}
