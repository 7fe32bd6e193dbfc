using System.Net;
using System.Text.RegularExpressions;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Auth;

/// <summary>
/// A whole authorization-code sign-in over plain HTTP, as a browser would do it: our sign-in form, the provider's login
/// and consent forms, and finally our callback. One client keeps both sites' cookies, like a browser.
/// </summary>
internal static partial class OidcHttpSignIn
{
    /// <summary>Runs the flow up to the provider's redirect back to us and returns that callback URL, not yet visited.</summary>
    public static async Task<Uri> UntilCallbackAsync(HttpClient client, string login, string returnUrl = "/")
    {
        var token = await DemoSession.AntiforgeryTokenAsync(client);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = returnUrl, ["__RequestVerificationToken"] = token });
        using var start = await client.PostAsync("/signin/oidc", form);
        if (start.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"/signin/oidc answered {(int)start.StatusCode}.");

        var next = start.Headers.Location!;
        for (var step = 0; step < 20; step++)
        {
            if (next.AbsolutePath == "/signin-oidc" && next.Port == client.BaseAddress!.Port) return next;
            using var response = await client.GetAsync(next);
            if (response.Headers.Location is { } location)
            {
                next = new Uri(next, location);
                continue;
            }
            var html = await response.Content.ReadAsStringAsync();
            var action = FormAction().Match(html);
            if (!action.Success) throw new InvalidOperationException($"No way on from {next} ({(int)response.StatusCode}): {html[..Math.Min(400, html.Length)]}");
            var target = new Uri(next, action.Groups[1].Value);
            var fields = target.AbsolutePath.EndsWith("/login", StringComparison.Ordinal)
                ? new Dictionary<string, string> { ["login"] = login, ["password"] = "any-password" }
                : [];
            using var post = await client.PostAsync(target, new FormUrlEncodedContent(fields));
            next = new Uri(target, post.Headers.Location ?? throw new InvalidOperationException($"{target} answered {(int)post.StatusCode} without a redirect."));
        }
        throw new InvalidOperationException("The sign-in did not come back to /signin-oidc within 20 steps.");
    }

    /// <summary>The whole flow; the answer is our callback's response (a redirect to the return URL or an error page).</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string login, string returnUrl = "/")
    {
        var callback = await UntilCallbackAsync(client, login, returnUrl);
        return await client.GetAsync(callback);
    }

    [GeneratedRegex("<form method=\"post\" action=\"(/interaction/[^\"]+/(?:login|confirm))\"")]
    private static partial Regex FormAction();
}
