using System.Net;
using System.Net.Http.Json;
using CohortDashboard.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Auth;

/// <summary>Server-side sessions: a saved cookie stops working the moment its session ends.</summary>
public sealed class SessionTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignOut_SavedCookieReplayed_ApiUnauthorizedPagesRedirectAndNoKeyMinted()
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var saved = DemoSession.CookieHeader(client);
        var token = await DemoSession.AntiforgeryTokenAsync(client, "/sessions");
        using (var signOut = await client.PostAsync("/signout", Form(token), Cancel)) Assert.Equal("/signin", signOut.Headers.Location!.OriginalString);

        using var replay = DemoSession.ReplayClient(app.Factory, saved);
        foreach (var path in new[] { "/api/me", "/api/keys" })
        {
            using var api = await replay.GetAsync(path, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        }
        using var mint = await replay.PostAsync("/api/keys", JsonContent.Create(new { name = "stolen", scopes = new[] { "analytics:read" } }), Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, mint.StatusCode);
        using var admin = await replay.GetAsync("/admin", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.StartsWith("/signin?ReturnUrl=%2Fadmin", admin.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var admin2 = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        Assert.DoesNotContain("stolen", await admin2.GetStringAsync("/api/keys", Cancel));
    }

    [Fact]
    public async Task SignOutEverywhere_OtherBrowserOfTheSamePerson_SignedOutToo()
    {
        using var laptop = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Analyst);
        using var phone = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Analyst);
        using var colleague = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.AccountManager);
        var page = await laptop.GetStringAsync("/sessions", Cancel);
        Assert.True(System.Text.RegularExpressions.Regex.Count(page, "data-testid=\"session-row\"") >= 2);
        Assert.Contains("data-testid=\"current-session\"", page);

        var token = await DemoSession.AntiforgeryTokenAsync(laptop, "/sessions");
        using var response = await laptop.PostAsync("/signout/everywhere", Form(token), Cancel);

        Assert.Equal("/signin", response.Headers.Location!.OriginalString);
        using var phoneMe = await phone.GetAsync("/api/me", Cancel);
        using var laptopMe = await laptop.GetAsync("/api/me", Cancel);
        using var colleagueMe = await colleague.GetAsync("/api/me", Cancel);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK),
            (phoneMe.StatusCode, laptopMe.StatusCode, colleagueMe.StatusCode));
    }

    private static FormUrlEncodedContent Form(string token) => new(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
}

/// <summary>Sliding and absolute expiry, on a clock the test moves (12 h idle, 24 h absolute by default).</summary>
public sealed class SessionExpiryTests : IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly ManualClock clock = new(DateTimeOffset.UtcNow);
    private readonly ClockedApp factory;

    public SessionExpiryTests() => factory = new ClockedApp(clock);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    [Fact]
    public async Task Session_UnusedLongerThanIdleTimeout_Ends()
    {
        using var client = await DemoSession.SignedInClientAsync(factory, DemoSession.Analyst);

        clock.Now += TimeSpan.FromHours(12) + TimeSpan.FromMinutes(1);

        using var me = await client.GetAsync("/api/me", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Session_UsedEverySevenHours_SlidesUntilTheAbsoluteLimit()
    {
        using var client = await DemoSession.SignedInClientAsync(factory, DemoSession.Analyst);
        var seen = new List<HttpStatusCode>();

        foreach (var hours in new[] { 7, 7, 7, 4 }) // at 7 h, 14 h and 21 h the session is used; at 25 h it is over
        {
            clock.Now += TimeSpan.FromHours(hours);
            using var me = await client.GetAsync("/api/me", Cancel);
            seen.Add(me.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized], seen);
    }

    private sealed class ClockedApp(TimeProvider clock) : CohortAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }
}
