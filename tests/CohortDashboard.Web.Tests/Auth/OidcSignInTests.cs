using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
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
        await Provider.StartAsync(Factory); // starts the app too: its address is the redirect URI
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
    public async Task SignInOidc_Posted_RedirectsToProviderWithPushedRequestAndSetsCorrelationAndNonceCookies()
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
        // The handler pushed the request (PAR): code, PKCE, nonce and state went to the provider directly.
        Assert.Equal(OidcTestProvider.ClientId, query["client_id"]);
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", query["request_uri"].ToString(), StringComparison.Ordinal);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.OpenIdConnect.Nonce.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("alice", "Alice Admin", "admin")]
    [InlineData("bob", "Bob Analyst", "analyst")]
    [InlineData("carol", "Carol Manager", "account_manager")]
    public async Task CodeFlow_EachRole_SignedInWithRoleAndOrg(string login, string name, string role)
    {
        using var client = DemoSession.CreateClient(app.Factory);

        using var callback = await OidcHttpSignIn.SignInAsync(client, login, "/cohorts");

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/cohorts", callback.Headers.Location!.OriginalString);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me", Cancel);
        Assert.Equal((login, name, role, "Northwind Learning"),
            (me.GetProperty("subject").GetString(), me.GetProperty("name").GetString(), me.GetProperty("role").GetString(), me.GetProperty("org_name").GetString()));
    }

    [Theory]
    [InlineData("nora", "no-org")]
    [InlineData("uma", "unknown-org")]
    [InlineData("victor", "no-role")]
    public async Task CodeFlow_NoOrgUnknownOrgOrNoRole_NoAccessPageAndNotSignedIn(string login, string reason)
    {
        using var client = DemoSession.CreateClient(app.Factory);

        using var callback = await OidcHttpSignIn.SignInAsync(client, login);

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/no-access?reason=" + reason, callback.Headers.Location!.OriginalString);
        Assert.DoesNotContain(callback.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith(".CohortDashboard.Auth=", StringComparison.Ordinal));
        using var me = await client.GetAsync("/api/me", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Callback_ReplayedAfterSuccess_RefusedAndReplayerNotSignedIn()
    {
        using var victim = DemoSession.CreateClient(app.Factory);
        var callback = await OidcHttpSignIn.UntilCallbackAsync(victim, "alice");
        using (var first = await victim.GetAsync(callback, Cancel)) Assert.Equal("/", first.Headers.Location!.OriginalString);

        using var attacker = DemoSession.CreateClient(app.Factory);
        using var replay = await attacker.GetAsync(callback, Cancel);
        using var again = await victim.GetAsync(callback, Cancel);

        Assert.Equal("/signin?error=oidc-failed", replay.Headers.Location!.OriginalString);
        Assert.Equal("/signin?error=oidc-failed", again.Headers.Location!.OriginalString);
        using var me = await attacker.GetAsync("/api/me", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Callback_StateOfAnotherBrowsersSignIn_Refused()
    {
        // The attacker starts a sign-in of their own (so has a correlation cookie), then feeds in the victim's callback.
        using var victim = DemoSession.CreateClient(app.Factory);
        var victimCallback = await OidcHttpSignIn.UntilCallbackAsync(victim, "alice");
        using var attacker = DemoSession.CreateClient(app.Factory);
        await OidcHttpSignIn.UntilCallbackAsync(attacker, "bob");

        using var response = await attacker.GetAsync(victimCallback, Cancel);

        Assert.Equal("/signin?error=oidc-failed", response.Headers.Location!.OriginalString);
        using var me = await attacker.GetAsync("/api/me", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task SignOut_ProviderSession_GoesToEndSessionWithHintAndTheOldCookieIsDead()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using (var callback = await OidcHttpSignIn.SignInAsync(client, "bob")) Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        var cookie = DemoSession.CookieHeader(client);
        var token = await DemoSession.AntiforgeryTokenAsync(client, "/sessions");

        using var response = await client.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(new Uri(app.Provider.Authority, "/session/end").ToString(), location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.False(string.IsNullOrEmpty(query["id_token_hint"]));
        Assert.Equal(app.Factory.BaseAddress.ToString().TrimEnd('/') + "/signin", query["post_logout_redirect_uri"]);
        using var replayer = DemoSession.ReplayClient(app.Factory, cookie);
        using var me = await replayer.GetAsync("/api/me", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
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
