using Microsoft.AspNetCore.Diagnostics;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>
/// The one place unhandled exceptions become responses: ProblemDetails for API clients, the friendly error page
/// (re-executed by UseExceptionHandler) for browsers.
/// </summary>
internal sealed class ProblemDetailsExceptionHandler(
    IProblemDetailsService problemDetails, IHostEnvironment environment, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // By now the middleware has pointed the request at /error; the feature keeps the path that failed.
        var path = context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path;
        if (!ApiPaths.IsApi(path)) return false;

        var (status, title) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            CohortDashboard.Data.CrossOrgWriteException => (StatusCodes.Status403Forbidden, "Forbidden"),
            OperationCanceledException => (499, "Request cancelled"),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred"),
        };
        if (status >= 500) logger.LogError(exception, "Unhandled API error on {Path}", path);

        context.Response.StatusCode = status;
        // Upstack's clients read {message} on every error; ours read ProblemDetails.
        if (new PathString(path).StartsWithSegments("/db-mgmt"))
        {
            await context.Response.WriteAsJsonAsync(new { message = status >= 500 ? "An unexpected error occurred." : title }, cancellationToken);
            return true;
        }
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Detail = environment.IsDevelopment() || status < 500 ? exception.Message : null,
            },
        });
    }
}

/// <summary>Which request paths are machine API calls (JSON errors, 401 instead of a sign-in redirect).</summary>
public static class ApiPaths
{
    public static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/db-mgmt");
}
