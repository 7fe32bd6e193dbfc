using System.Text;
using CohortDashboard.Data.Filters;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>
/// The Cohorts page's downloads: cookie-authenticated GETs (org-scoped like every request) that read the same query
/// parameters as the page (<see cref="CohortViewState"/>), so a download holds exactly what the page shows.
/// </summary>
public static class CohortDownloads
{
    public const string MatrixPath = "/cohorts/export/matrix.csv";
    public const string CustomersPath = "/cohorts/export/customers.csv";
    public const string ProjectedLtvPath = "/cohorts/export/projected-ltv.csv";

    public static WebApplication MapCohortDownloads(this WebApplication app)
    {
        Func<int, string, IResult> problem = (status, message) => TypedResults.Problem(message, statusCode: status);
        app.MapGet(MatrixPath, MatrixAsync).WithName("DownloadCohortMatrix").ExcludeFromDescription().WithQueryLimits(problem);
        app.MapGet(CustomersPath, CustomersAsync).WithName("DownloadCohortCellCustomers").ExcludeFromDescription().WithQueryLimits(problem);
        app.MapGet(ProjectedLtvPath, ProjectedLtvAsync).WithName("DownloadProjectedLtv").ExcludeFromDescription().WithQueryLimits(problem);
        return app;
    }

    /// <summary>The link of the matrix CSV for a view.</summary>
    public static string MatrixUrl(CohortViewState state) => Join(MatrixPath, state.ToQueryString());

    /// <summary>The link of one cell's customers CSV for a view.</summary>
    public static string CustomersUrl(CohortViewState state, string group, int cohort, int offset) =>
        Join(CustomersPath, state.ToQueryString()) + (state.ToQueryString().Length == 0 ? "?" : "&")
        + $"group={Uri.EscapeDataString(group)}&cohort={cohort}&offset={offset}";

    /// <summary>The link of the Projected LTV table's CSV for a view.</summary>
    public static string ProjectedLtvUrl(CohortViewState state) => Join(ProjectedLtvPath, state.ToQueryString());

    private static string Join(string path, string query) => query.Length == 0 ? path : path + "?" + query;

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> MatrixAsync(HttpRequest request, CohortService cohorts, CancellationToken ct)
    {
        var (state, invalid) = Read(request);
        if (invalid is not null) return invalid;
        try
        {
            var result = await cohorts.AnalyzeAsync(state.ToQuery(), ct);
            return File(CohortCsv.Matrix(result.Analysis), $"cohorts-{state.EffectiveMeasure.ToString().ToLowerInvariant()}-{state.Granularity.ToString().ToLowerInvariant()}.csv");
        }
        catch (Exception ex) when (ex is CohortQueryException or FilterTranslationException)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ProjectedLtvAsync(HttpRequest request,
        CohortProjectionService projections, CancellationToken ct)
    {
        var (state, invalid) = Read(request);
        if (invalid is not null) return invalid;
        try
        {
            var projection = await projections.ProjectAsync(state.ToQuery(), ct);
            return File(CohortCsv.ProjectedLtv(projection), $"cohorts-projected-ltv-{state.Granularity.ToString().ToLowerInvariant()}.csv");
        }
        catch (Exception ex) when (ex is CohortQueryException or FilterTranslationException)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CustomersAsync(HttpRequest request, CohortService cohorts,
        CancellationToken ct)
    {
        var (state, invalid) = Read(request);
        if (invalid is not null) return invalid;
        // Read by hand: a bound int that does not parse is a framework 400 that pages turn into the error page.
        var group = request.Query["group"].ToString();
        if (!int.TryParse(request.Query["cohort"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cohort)
            || !int.TryParse(request.Query["offset"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var offset))
            return TypedResults.Problem("cohort and offset must be whole numbers of 0 or more (the cell's row and column).",
                title: "Invalid request", statusCode: StatusCodes.Status400BadRequest);
        try
        {
            var page = await cohorts.CellCustomersAsync(state.ToQuery(), group, cohort, offset, 0, 0, ct);
            return File(CohortCsv.Customers(page.Customers), $"cohort-{cohort}-offset-{offset}-customers.csv");
        }
        catch (Exception ex) when (ex is CohortQueryException or FilterTranslationException)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static (CohortViewState State, ProblemHttpResult? Invalid) Read(HttpRequest request)
    {
        var problems = new List<string>();
        var state = CohortViewState.FromQuery(key => request.Query[key].ToString(), problems);
        return (state, problems.Count == 0 ? null : TypedResults.Problem(string.Join(" ", problems), statusCode: StatusCodes.Status400BadRequest));
    }

    // UTF-8 BOM so spreadsheet programs detect the encoding of non-ASCII names.
    private static FileContentHttpResult File(string csv, string name) =>
        TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8", name);
}
