using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Net.Http.Headers;

namespace CohortDashboard.Web.Features.Auth;

/// <summary>
/// Our CSRF rule. A state-changing request that rides on the sign-in cookie must show it comes from one of our pages:
/// the browser's <c>Sec-Fetch-Site: same-origin</c>, or (from a browser too old to send that) an <c>Origin</c> equal
/// to ours. A request with neither, or from another site, is refused with 403 before anything runs. Requests with an
/// API key carry no ambient credential and are not affected. Forms additionally carry antiforgery tokens.
/// </summary>
public static class CrossSiteWrites
{
    public static IApplicationBuilder UseCrossSiteWriteCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (IsRefused(context))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Cross-site request refused",
                    Detail = "A signed-in change must come from CohortDashboard's own pages (or use an API key).",
                },
            });
            return;
        }
        await next(context);
    });

    internal static bool IsRefused(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
            return false;
        if (context.User.Identity is not { IsAuthenticated: true, AuthenticationType: CookieAuthenticationDefaults.AuthenticationScheme })
            return false;
        return !IsSameOrigin(request);
    }

    internal static bool IsSameOrigin(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0) return fetchSite == "same-origin";
        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0
            && string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A JSON route accepts a body only as <c>application/json</c> (or <c>+json</c>): <c>text/plain</c> and form
    /// encodings are what a cross-site page can send without asking, so they are refused with 415 whoever calls.
    /// </summary>
    public static TBuilder AcceptsJsonOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            // HTTP/2 and HTTP/3 may stream a body with neither Content-Length nor Transfer-Encoding: ask the server.
            var hasBody = context.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true
                || request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
            if (hasBody && !IsJson(request.ContentType))
                return TypedResults.Problem(
                    title: "Unsupported media type",
                    detail: "Send the body as application/json.",
                    statusCode: StatusCodes.Status415UnsupportedMediaType);
            return await next(context);
        });

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.HasValue
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Value!.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
