using System.Net;
using Microsoft.AspNetCore.Antiforgery;

namespace CohortDashboard.Web.Features.Auth;

/// <summary>
/// The sign-in and sign-out form posts, read by hand: a stale or tampered antiforgery token, a body that is not a form
/// or a broken one becomes a plain 400 page here, instead of an exception that the error pages would re-run (reading
/// the same bad form again) or that the developer page would show with the request's cookies.
/// </summary>
public static class SignInForms
{
    public const string Expired = "The page expired, so nothing was done. Go back, reload the page and try again.";
    public const string Malformed = "That request was not a sign-in form. Go back, reload the page and try again.";

    /// <summary>The posted form when its antiforgery token is valid; otherwise the 400 page to answer with.</summary>
    public static async Task<(IFormCollection? Form, IResult? Problem)> ReadAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!context.Request.HasFormContentType) return (null, Page(Malformed));
        try
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            return await antiforgery.IsRequestValidAsync(context) ? (form, null) : (null, Page(Expired));
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException or AntiforgeryValidationException)
        {
            return (null, Page(Malformed));
        }
    }

    /// <summary>A self-contained 400 page with a fixed message: nothing from the request is echoed.</summary>
    public static IResult Page(string message) => TypedResults.Content(
        $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Sign-in problem · CohortDashboard</title>
        <link rel="stylesheet" href="/css/app.css"></head>
        <body><main class="cd-signin"><h1>Sign-in problem</h1>
        <p role="alert" data-testid="signin-problem">{WebUtility.HtmlEncode(message)}</p>
        <p><a href="/signin">Back to sign-in</a></p></main></body></html>
        """,
        "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
}

/// <summary>Where a sign-in may send the browser afterwards: a path of ours, never another site.</summary>
public static class ReturnUrls
{
    private const int MaxLength = 2048;

    /// <summary>The URL when it is a plain local path (no scheme, host, backslash or control character); else "/".</summary>
    public static string LocalOrRoot(string? url) => IsLocal(url) ? url! : "/";

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= MaxLength
        && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(c => char.IsControl(c) || c == '\\');
}
