using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth;

namespace CohortDashboard.Web.Tests.Auth;

public sealed class DemoSignInTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Overview_Anonymous_RedirectsToSignInWithReturnUrl()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using var response = await client.GetAsync("/cohorts", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        // Relative: never built from the request's Host header.
        Assert.Equal("/signin?ReturnUrl=%2Fcohorts", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignInPage_DemoMode_ListsDemoUsersOfBothOrgs()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        var html = await client.GetStringAsync("/signin", Cancel);
        foreach (var subject in new[] { DemoSession.Admin, DemoSession.Analyst, DemoSession.AccountManager, DemoSession.ContosoAdmin })
            Assert.Contains($"data-testid=\"demo-user-{subject}\"", html);
        Assert.Contains("Northwind Learning", html);
        Assert.Contains("Contoso Retail", html);
    }

    [Fact]
    public async Task SignInDemo_ValidToken_SetsSecureCookieAndRedirectsToReturnUrl()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using var response = await DemoSession.SignInAsync(client, DemoSession.Analyst, "/cohorts");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/cohorts", response.Headers.Location!.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".CohortDashboard.Auth="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SignInDemo_WithoutAntiforgeryToken_IsRejected()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["subject"] = DemoSession.Admin });
        using var response = await client.PostAsync("/signin/demo", form, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith(".CohortDashboard.Auth=")));
    }

    [Fact]
    public async Task SignInDemo_UnknownSubject_RedirectsBackWithError()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using var response = await DemoSession.SignInAsync(client, "demo-nobody");
        Assert.Equal("/signin?error=unknown-user", response.Headers.Location!.OriginalString);
        using var after = await client.GetAsync("/", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example")]
    public async Task SignInDemo_ExternalReturnUrl_RedirectsHomeInstead(string returnUrl)
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using var response = await DemoSession.SignInAsync(client, DemoSession.Admin, returnUrl);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignOut_WithToken_EndsTheSession()
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var token = await DemoSession.AntiforgeryTokenAsync(client, "/");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        using var response = await client.PostAsync("/signout", form, Cancel);
        Assert.Equal("/signin", response.Headers.Location!.OriginalString);
        using var after = await client.GetAsync("/", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task SignOut_WithoutToken_IsRejected()
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var response = await client.PostAsync("/signout", new StringContent(""), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("Authorization", "Bearer " + CohortAppFactory.TestApiKey)]
    [InlineData("x-api-key", CohortAppFactory.TestApiKey)]
    public async Task ApiMe_DemoApiKey_ActsAsDemoOrgWithEveryScope(string header, string value)
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await client.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("Northwind Learning", body.GetProperty("org_name").GetString());
        var scopes = body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("READ_SUMMARY", scopes);
        Assert.Contains("analytics:read", scopes);
        Assert.Equal(ApiScopes.All.Order(StringComparer.Ordinal), scopes.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Bearer cdk_test_wrong")]
    [InlineData("Bearer " + CohortAppFactory.TestApiKey + "x")]
    public async Task ApiMe_WrongKey_Returns401(string authorization)
    {
        using var client = DemoSession.CreateClient(app.Factory);
        client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(authorization);
        using var response = await client.GetAsync("/api/me", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ApiMe_NoCredentials_Returns401NotARedirect()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using var response = await client.GetAsync("/api/me", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task ApiMe_SignedInSession_AnswersForTheSessionsOrg()
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        var body = await client.GetFromJsonAsync<JsonElement>("/api/me", Cancel);
        Assert.Equal("Contoso Retail", body.GetProperty("org_name").GetString());
        Assert.Equal("admin", body.GetProperty("role").GetString());
    }
}
