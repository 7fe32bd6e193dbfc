using System.Text.RegularExpressions;

namespace CohortDashboard.Testing;

/// <summary>Signs in through the real demo sign-in form (antiforgery token included), as a browser would.</summary>
public static partial class DemoSession
{
    public const string Admin = "demo-admin";
    public const string Analyst = "demo-analyst";
    public const string AccountManager = "demo-am";
    public const string ContosoAdmin = "demo-contoso-admin";

    /// <summary>
    /// A plain HTTP client on the real socket: keeps cookies, never follows redirects (tests assert them), and sends our
    /// own <c>Origin</c> as a browser on our pages does (cookie-authenticated writes need it; see CrossSiteWrites).
    /// </summary>
    public static HttpClient CreateClient(CohortAppFactory factory)
    {
        var cookies = new System.Net.CookieContainer();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies })
        {
            BaseAddress = factory.BaseAddress,
        };
        client.DefaultRequestHeaders.Add("Origin", factory.BaseAddress.GetLeftPart(UriPartial.Authority));
        Containers.Add(client, cookies);
        return client;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<HttpClient, System.Net.CookieContainer> Containers = new();

    /// <summary>The <c>Cookie</c> header a client made here would send to the app now (e.g. to replay it later).</summary>
    public static string CookieHeader(HttpClient client) =>
        Containers.TryGetValue(client, out var cookies) ? cookies.GetCookieHeader(client.BaseAddress!) : "";

    /// <summary>A client that sends exactly the given <c>Cookie</c> header (a saved cookie, replayed) and our Origin.</summary>
    public static HttpClient ReplayClient(CohortAppFactory factory, string cookieHeader)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = factory.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", cookieHeader);
        client.DefaultRequestHeaders.Add("Origin", factory.BaseAddress.GetLeftPart(UriPartial.Authority));
        return client;
    }

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path = "/signin")
    {
        var page = await client.GetStringAsync(path);
        var match = TokenPattern().Match(page);
        if (!match.Success) throw new InvalidOperationException($"No antiforgery token on {path}.");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string subject, string returnUrl = "/")
    {
        var token = await AntiforgeryTokenAsync(client);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["subject"] = subject,
            ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = token,
        });
        return await client.PostAsync("/signin/demo", form);
    }

    public static async Task<HttpClient> SignedInClientAsync(CohortAppFactory factory, string subject)
    {
        var client = CreateClient(factory);
        using var response = await SignInAsync(client, subject);
        if ((int)response.StatusCode != 302) throw new InvalidOperationException($"Sign-in as {subject} answered {(int)response.StatusCode}.");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
