using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.ApiKeys;

/// <summary>Keys created, used, limited, revoked and expired through the real app (Kestrel + SQLite file).</summary>
public sealed class ApiKeyLifecycleTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Key, long Id)> CreateKeyAsync(HttpClient admin, object request)
    {
        using var response = await admin.PostAsJsonAsync("/api/keys", request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (body.GetProperty("key").GetString()!, long.Parse(body.GetProperty("api_key").GetProperty("id").GetString()!));
    }

    private HttpClient KeyClient(string key, bool asHeader = false)
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        if (asHeader) client.DefaultRequestHeaders.Add("x-api-key", key);
        else client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private async Task<T> WithDbAsync<T>(Func<CohortDbContext, Task<T>> read)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        return await read(db);
    }

    [Fact]
    public async Task CreateKey_AdminSession_ShowsTheSecretOnceStoresOnlyItsHashAndAudits()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);

        var (key, id) = await CreateKeyAsync(admin, new { name = "Warehouse sync", scopes = new[] { "cohorts:read" } });

        Assert.Matches("^cdk_[0-9a-f]{12}_[0-9a-f]{40}$", key);
        var secret = key[(key.LastIndexOf('_') + 1)..];
        var row = await WithDbAsync(db => db.ApiKeys.SingleAsync(k => k.Id == id, Ct));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), row.SecretHash);
        Assert.Equal(key[..key.LastIndexOf('_')], row.Prefix);
        Assert.Equal("demo-admin", row.CreatedBy);
        var listing = await admin.GetStringAsync("/api/keys", Ct);
        Assert.Contains("Warehouse sync", listing);
        Assert.DoesNotContain(secret, listing);
        Assert.DoesNotContain(row.SecretHash, listing);
        var audit = await WithDbAsync(db => db.AuditEvents.Where(e => e.Action == "api_key.created" && e.TargetId == id.ToString()).ToListAsync(Ct));
        var created = Assert.Single(audit);
        Assert.DoesNotContain(secret, created.After);
    }

    [Fact]
    public async Task Key_Used_ActsForItsOrgWithItsScopesAndRecordsLastUse()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var (key, id) = await CreateKeyAsync(admin, new { name = "Reader", scopes = new[] { "cohorts:read", "expansion:read" } });

        using var client = KeyClient(key, asHeader: true);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me", Ct);

        Assert.Equal("Northwind Learning", me.GetProperty("org_name").GetString());
        Assert.Equal(["cohorts:read", "expansion:read"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray());
        Assert.NotNull(await WithDbAsync(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.LastUsedAt).SingleAsync(Ct)));
    }

    [Fact]
    public async Task Key_BurstOfConcurrentRequests_AllAnsweredAndLastUseRecorded()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var (key, id) = await CreateKeyAsync(admin, new { name = "Burst", scopes = new[] { "expansion:read" } });
        using var client = KeyClient(key);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using var response = await client.GetAsync("/api/me", Ct);
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.NotNull(await WithDbAsync(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.LastUsedAt).SingleAsync(Ct)));
    }

    [Fact]
    public async Task Key_Revoked_Returns401SayingSo()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var (key, id) = await CreateKeyAsync(admin, new { name = "Short-lived", scopes = new[] { "expansion:read" } });
        using var client = KeyClient(key);
        using (var before = await client.GetAsync("/api/expansion/signals", Ct)) Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        using (var revoke = await admin.DeleteAsync($"/api/keys/{id}", Ct)) Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var after = await client.GetAsync("/api/expansion/signals", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("revoked", (await after.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Equal(1, await WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == "api_key.revoked" && e.TargetId == id.ToString(), Ct)));
    }

    [Fact]
    public async Task Key_PastItsExpiry_Returns401SayingSo()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var (key, id) = await CreateKeyAsync(admin, new { name = "Expiring", scopes = new[] { "expansion:read" }, expires_at = DateTime.UtcNow.AddDays(1) });
        using var client = KeyClient(key);
        using (var before = await client.GetAsync("/api/expansion/signals", Ct)) Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        // The day passes: move the stored expiry into the past rather than waiting for it.
        await WithDbAsync(db => db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)), Ct));
        using var after = await client.GetAsync("/api/expansion/signals", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("expired", (await after.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Key_Unknown_Returns401()
    {
        using var client = KeyClient("cdk_0123456789ab_0123456789abcdef0123456789abcdef01234567");
        using var response = await client.GetAsync("/api/expansion/signals", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Key_WithoutTheRoutesScope_Returns403InEachRoutesShape()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var (key, _) = await CreateKeyAsync(admin, new { name = "Read only", scopes = new[] { "expansion:read" } });
        using var client = KeyClient(key);

        using var generate = await client.PostAsync("/api/expansion/signals", null, Ct);
        using var cashRunway = await client.GetAsync("/api/agent/cohorts/retention", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, generate.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, cashRunway.StatusCode);
        Assert.Contains("READ_SUMMARY", (await cashRunway.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("upstack", false)]
    [InlineData("cr_live", true)]
    [InlineData("cdk", false)]
    public async Task Key_AnyFormat_WorksOnAnyRouteWithTheScope(string format, bool asHeader)
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var (key, _) = await CreateKeyAsync(admin, new { name = "Any " + format, format, scopes = new[] { "READ_SUMMARY", "expansion:read" } });
        using var client = KeyClient(key, asHeader);

        using var cashRunway = await client.GetAsync("/api/agent/cohorts/retention", Ct);
        using var expansion = await client.GetAsync("/api/expansion/affinity", Ct);

        Assert.StartsWith(format + "_", key);
        Assert.Equal(HttpStatusCode.OK, cashRunway.StatusCode);
        Assert.Equal(HttpStatusCode.OK, expansion.StatusCode);
    }

    [Fact]
    public async Task CashRunway_KeysAllowanceSpent_Returns429WithRetryAfterAndQuotaHeadersUntilRaised()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var (key, id) = await CreateKeyAsync(admin, new { name = "Small plan", format = "cr_live", scopes = new[] { "READ_SUMMARY" }, quota_limit = 3, quota_window_hours = 5 });
        using var client = KeyClient(key);

        var remaining = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.GetAsync("/api/agent/cohorts/summary", Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            remaining.Add(ok.Headers.GetValues("X-CashRunway-Quota-Remaining").Single());
            Assert.Equal("standard", ok.Headers.GetValues("X-CashRunway-Plan").Single());
            Assert.Equal("active", ok.Headers.GetValues("X-CashRunway-Subscription").Single());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", ok.Headers.GetValues("X-CashRunway-Quota-Reset").Single());
        }
        using var spent = await client.GetAsync("/api/agent/cohorts/retention", Ct);

        Assert.Equal(["2", "1", "0"], remaining);
        Assert.Equal((HttpStatusCode)429, spent.StatusCode);
        Assert.InRange(spent.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 4 * 3600, 5 * 3600 + 1);
        Assert.Contains("exhausted", (await spent.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
        // The refusal carries the same quota headers as every answer: nothing left, and the reset Retry-After points at.
        Assert.Equal("0", spent.Headers.GetValues("X-CashRunway-Quota-Remaining").Single());
        Assert.Equal("standard", spent.Headers.GetValues("X-CashRunway-Plan").Single());
        var reset = DateTimeOffset.Parse(spent.Headers.GetValues("X-CashRunway-Quota-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var now = app.Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        Assert.InRange((reset - now - spent.Headers.RetryAfter.Delta.Value).Duration().TotalSeconds, 0, 5);

        using (var raise = await admin.PatchAsJsonAsync($"/api/keys/{id}", new { quota_limit = 5, quota_window_hours = 5 }, Ct))
            Assert.Equal(HttpStatusCode.OK, raise.StatusCode);
        using var again = await client.GetAsync("/api/agent/cohorts/retention", Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("1", again.Headers.GetValues("X-CashRunway-Quota-Remaining").Single());
    }

    [Theory]
    [InlineData("""{"name": "", "scopes": ["cohorts:read"]}""", "name")]
    [InlineData("""{"name": "x", "scopes": []}""", "scopes")]
    [InlineData("""{"name": "x", "scopes": ["cohorts:delete"]}""", "scopes")]
    [InlineData("""{"name": "x", "scopes": ["cohorts:read"], "format": "sk_live"}""", "format")]
    [InlineData("""{"name": "x", "scopes": ["cohorts:read"], "expires_at": "2020-01-01T00:00:00Z"}""", "expires_at")]
    [InlineData("""{"name": "x", "scopes": ["cohorts:read"], "quota_limit": 0}""", "quota_limit")]
    [InlineData("""{"name": "x", "scopes": ["cohorts:read"], "quota_window_hours": 0}""", "quota_window_hours")]
    public async Task CreateKey_InvalidRequest_Returns400NamingTheFieldAndCreatesNothing(string json, string field)
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var before = await WithDbAsync(db => db.ApiKeys.CountAsync(Ct));

        using var response = await admin.PostAsync("/api/keys", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(before, await WithDbAsync(db => db.ApiKeys.CountAsync(Ct)));
    }

    [Fact]
    public async Task CreateKey_MalformedJson_Returns400()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var response = await admin.PostAsync("/api/keys", new StringContent("{\"name\": ", Encoding.UTF8, "application/json"), Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task KeysApi_AnalystOrApiKey_Forbidden()
    {
        using var analyst = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Analyst);
        using var key = KeyClient(CohortAppFactory.TestApiKey);

        using var byAnalyst = await analyst.PostAsJsonAsync("/api/keys", new { name = "x", scopes = new[] { "cohorts:read" } }, Ct);
        using var byKey = await key.GetAsync("/api/keys", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, byAnalyst.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byKey.StatusCode);
    }

    [Fact]
    public async Task RevokeKey_AnotherOrgsKey_Returns404AndTheKeyKeepsWorking()
    {
        using var contoso = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        using var demo = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var (key, id) = await CreateKeyAsync(contoso, new { name = "Contoso's", scopes = new[] { "expansion:read" } });

        using var revoke = await demo.DeleteAsync($"/api/keys/{id}", Ct);
        using var patch = await demo.PatchAsJsonAsync($"/api/keys/{id}", new { quota_limit = 1 }, Ct);
        var demoListing = await demo.GetStringAsync("/api/keys", Ct);
        using var client = KeyClient(key);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me", Ct);

        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.DoesNotContain("Contoso's", demoListing);
        Assert.Equal("Contoso Retail", me.GetProperty("org_name").GetString());
        Assert.Null(await WithDbAsync(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.RevokedAt).SingleAsync(Ct)));
    }
}
