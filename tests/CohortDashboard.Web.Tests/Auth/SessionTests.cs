using System.Net;
using System.Net.Http.Json;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth.Sessions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
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

    [Fact]
    public async Task SignIn_ExpiredSessionsOfTheOrg_ABoundedBatchDeletedOtherOrgsAndLiveSessionsKept()
    {
        var now = app.Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var marker = "expired-" + Guid.NewGuid().ToString("N")[..8];
        long orgId = 0, otherOrgId = 0;
        await WithDbAsync(async db =>
        {
            orgId = await db.OrgMemberships.Where(m => m.Subject == DemoSession.Analyst).Select(m => m.OrgId).SingleAsync(Cancel);
            var other = new Organization { Name = "Other " + marker, Currency = "USD", TimeZone = "UTC", CreatedAt = now };
            db.Organizations.Add(other);
            await db.SaveChangesAsync(Cancel);
            otherOrgId = other.Id;
            // More expired sessions than one sign-in removes, the oldest first; one live session of someone else; one
            // expired session in another org.
            for (var i = 0; i < AuthSessionStore.ExpiredSessionsRemovedPerSignIn + 7; i++)
                db.AuthSessions.Add(Session($"{marker}-{i:D3}", orgId, marker, expiresAt: now.AddDays(-2).AddMinutes(i)));
            db.AuthSessions.Add(Session(marker + "-live", orgId, marker + "-live", expiresAt: now.AddHours(1)));
            db.AuthSessions.Add(Session(marker + "-other-org", otherOrgId, marker, expiresAt: now.AddDays(-3)));
            await db.SaveChangesAsync(Cancel);
            return 0;
        });
        // Nothing else in this org has expired, so the batch is made of these rows only.
        Assert.Equal(0, await WithDbAsync(db => db.AuthSessions.CountAsync(s => s.OrgId == orgId && s.ExpiresAt <= now && !s.Subject.StartsWith(marker), Cancel)));

        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Analyst);

        var left = await WithDbAsync(db => db.AuthSessions.Where(s => s.Subject.StartsWith(marker)).Select(s => s.Id).ToListAsync(Cancel));
        string[] expected = [.. Enumerable.Range(AuthSessionStore.ExpiredSessionsRemovedPerSignIn, 7).Select(i => $"{marker}-{i:D3}"), marker + "-live", marker + "-other-org"];
        Assert.Equal(expected, left.Order(StringComparer.Ordinal));
        using var me = await client.GetAsync("/api/me", Cancel);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    private static AuthSession Session(string id, long orgId, string subject, DateTime expiresAt) => new()
    {
        Id = id,
        OrgId = orgId,
        Subject = subject,
        Ticket = [1],
        CreatedAt = expiresAt.AddHours(-12),
        LastSeenAt = expiresAt.AddHours(-12),
        ExpiresAt = expiresAt,
        AbsoluteExpiresAt = expiresAt.AddHours(12),
    };

    private async Task<T> WithDbAsync<T>(Func<CohortDbContext, Task<T>> work)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        return await work(db);
    }

    private static FormUrlEncodedContent Form(string token) => new(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
}

/// <summary>Sliding and absolute expiry, on a clock the test moves (12 h idle, 24 h absolute by default).</summary>
public sealed class SessionExpiryTests : IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Pinned, and on the eve of New York's spring DST change: the 25 hours the tests walk through cross it.
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 3, 7, 20, 0, 0, TimeSpan.Zero));
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
