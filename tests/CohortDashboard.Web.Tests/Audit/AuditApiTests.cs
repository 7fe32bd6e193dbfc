using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Audit;

public sealed class AuditApiTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListAudit_AfterWrites_ListsThemNewestFirstAndFilters()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var created = await admin.PostAsJsonAsync("/api/keys", new { name = "Audited", scopes = new[] { "cohorts:read" } }, Ct);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("api_key").GetProperty("id").GetString();
        using (await admin.DeleteAsync($"/api/keys/{id}", Ct)) { }

        var family = await admin.GetFromJsonAsync<JsonElement>("/api/audit?action=api_key&actor=demo-admin", Ct);
        var events = family.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("target_id").GetString() == id).ToList();
        var revokedOnly = await admin.GetFromJsonAsync<JsonElement>("/api/audit?action=api_key.revoked", Ct);
        var future = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?from={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}", Ct);

        Assert.Equal(["api_key.revoked", "api_key.created"], events.Select(e => e.GetProperty("action").GetString()!).ToArray());
        Assert.Contains("\"state\":\"active\"", events[1].GetProperty("after").GetString());
        Assert.Contains("\"state\":\"revoked\"", events[0].GetProperty("after").GetString());
        Assert.All(revokedOnly.GetProperty("events").EnumerateArray(), e => Assert.Equal("api_key.revoked", e.GetProperty("action").GetString()));
        Assert.Equal(0, future.GetProperty("total").GetInt32());
        Assert.Contains("api_key.created", family.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task ListAudit_OtherOrgsEvents_NeverShown()
    {
        using var contoso = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        using var demo = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using (await contoso.PostAsJsonAsync("/api/keys", new { name = "Contoso audit probe", scopes = new[] { "cohorts:read" } }, Ct)) { }

        var listing = await demo.GetStringAsync("/api/audit?page_size=500", Ct);

        Assert.DoesNotContain("Contoso audit probe", listing);
        Assert.DoesNotContain("demo-contoso-admin", listing);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("page=0", "page")]
    [InlineData("page_size=501", "page_size")]
    [InlineData("from=2026-02-01&to=2026-01-01", "to")]
    public async Task ListAudit_BadQuery_Returns400NamingTheParameter(string query, string field)
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var response = await admin.GetAsync("/api/audit?" + query, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData(DemoSession.Analyst)]
    [InlineData(DemoSession.AccountManager)]
    public async Task ListAudit_NonAdmin_Forbidden(string subject)
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, subject);
        using var response = await client.GetAsync("/api/audit", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
