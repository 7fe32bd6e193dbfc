using System.Net;
using System.Net.Http.Headers;
using CohortDashboard.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace CohortDashboard.Web.Tests.Auth;

/// <summary>The app in OpenID Connect mode (against the loopback oidc-provider), seen over plain HTTP.</summary>
public sealed class OidcApp : IAsyncLifetime
{
    public CohortAppFactory Factory { get; } = new();
    public OidcTestProvider Provider { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Provider.Configure(Factory);
        await Provider.StartAsync(Factory.BaseAddress);
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await Factory.DisposeAsync();
    }
}

public sealed class OidcSignInTests(OidcApp app) : IClassFixture<OidcApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignInDemo_OidcMode_NotFound()
    {
        using var client = DemoSession.CreateClient(app.Factory);

        using var response = await DemoSession.SignInAsync(client, DemoSession.Admin);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task DemoApiKey_OidcMode_Unauthorized()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SignInOidc_Posted_RedirectsToDiscoveredAuthorizeEndpointWithPkceNonceAndState()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        var token = await DemoSession.AntiforgeryTokenAsync(client);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["returnUrl"] = "/cohorts",
            ["__RequestVerificationToken"] = token,
        });

        using var response = await client.PostAsync("/signin/oidc", form, Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(new Uri(app.Provider.Authority, "/auth").ToString(), location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(OidcTestProvider.ClientId, query["client_id"]);
        Assert.Equal(app.Factory.BaseAddress.ToString().TrimEnd('/') + "/signin-oidc", query["redirect_uri"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length); // base64url SHA-256
        Assert.True(query["nonce"].ToString().Length >= 32);
        Assert.False(string.IsNullOrEmpty(query["state"]));
        Assert.Contains("openid", query["scope"].ToString().Split(' '));
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignInOidc_WithoutAntiforgeryToken_Rejected()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" });

        using var response = await client.PostAsync("/signin/oidc", form, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Callback_ForgedStateWithoutCorrelationCookie_RedirectsToSignInErrorNot500()
    {
        using var client = DemoSession.CreateClient(app.Factory);

        using var response = await client.GetAsync("/signin-oidc?code=stolen-code&state=forged-state", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin?error=oidc-failed", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignInPage_OidcMode_ShowsProviderButtonAndNoDemoUsers()
    {
        using var client = DemoSession.CreateClient(app.Factory);

        var html = await client.GetStringAsync("/signin", Cancel);

        Assert.Contains("Sign in with Test provider", html);
        Assert.DoesNotContain("demo-user-", html);
    }

    [Theory]
    [InlineData("oidc-token-rejected", "could not be verified")]
    [InlineData("oidc-unavailable", "cannot be reached")]
    [InlineData("oidc-failed", "did not complete")]
    public async Task SignInPage_ErrorCode_ExplainsIt(string error, string text)
    {
        using var client = DemoSession.CreateClient(app.Factory);

        var html = await client.GetStringAsync($"/signin?error={error}", Cancel);

        Assert.Contains(text, html);
    }

    [Fact]
    public async Task NoAccessPage_Anonymous_ExplainsMissingRoleAndOffersProviderSignOut()
    {
        using var client = DemoSession.CreateClient(app.Factory);

        var html = await client.GetStringAsync("/no-access?reason=no-role", Cancel);

        Assert.Contains("has no CohortDashboard role", html);
        Assert.Contains("/session/end?client_id=" + OidcTestProvider.ClientId, html);
    }
}
