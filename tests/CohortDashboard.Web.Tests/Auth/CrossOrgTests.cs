using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Auth;

/// <summary>
/// Northwind callers (its admin session and its API key) reaching for Contoso's rows by id, in the path, the query, the
/// headers and the body. Each must be refused or find nothing, and Contoso's data must be unchanged.
/// </summary>
public sealed class CrossOrgTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record ContosoIds(long AccountId, long ProductId, long SignalId, string SignalStatus);

    private async Task<ContosoIds> ContosoAsync()
    {
        // Contoso's signals exist once its admin has generated them.
        using (var contosoAdmin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin))
        {
            using (var affinity = await contosoAdmin.PostAsync("/api/expansion/affinity", null, Ct)) affinity.EnsureSuccessStatusCode();
            using (var signals = await contosoAdmin.PostAsync("/api/expansion/signals", null, Ct)) signals.EnsureSuccessStatusCode();
        }
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.ContosoOrgId);
        var signal = await db.ExpansionSignals.AsNoTracking().OrderBy(s => s.Id).FirstAsync(Ct);
        return new ContosoIds(
            await db.Accounts.Select(a => a.Id).FirstAsync(Ct),
            await db.Products.Select(p => p.Id).FirstAsync(Ct),
            signal.Id,
            signal.Status.ToString());
    }

    private HttpClient NorthwindKey()
    {
        var client = DemoSession.CreateClient(app.Factory);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        return client;
    }

    [Fact]
    public async Task Termina_AnotherOrgsGroupAndDealInPath_Returns403()
    {
        using var client = NorthwindKey();
        using var response = await client.GetAsync("/api/v1/group/2/deal/1/data/cohorts?user_type=all", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).TryGetProperty("detail", out _));
    }

    [Theory]
    [InlineData("contoso-pixel", "contoso-pixel", HttpStatusCode.Unauthorized)] // seed 003: a pixel the key is not bound to is 401
    [InlineData("contoso-pixel", "demo-pixel", HttpStatusCode.Unauthorized)]
    [InlineData("demo-pixel", "contoso-pixel", HttpStatusCode.Forbidden)] // and a body pixelId unlike the header's is 403
    public async Task Upstack_AnotherOrgsPixelInHeaderOrBody_IsRefused(string header, string body, HttpStatusCode expected)
    {
        using var client = NorthwindKey();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/db-mgmt/api/query-cohort-analysis")
        {
            Content = new StringContent($$"""{"pixelId":"{{body}}","startDate":"2025-01-01","endDate":"2025-06-30","measure":"retention"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-pixel-id", header);

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Signals_AnotherOrgsAccountOrProductInQuery_FindsNothing()
    {
        var contoso = await ContosoAsync();
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var key = NorthwindKey();

        foreach (var client in new[] { admin, key })
        {
            var byAccount = await client.GetFromJsonAsync<JsonElement>($"/api/expansion/signals?account_id={contoso.AccountId}", Ct);
            var byProduct = await client.GetFromJsonAsync<JsonElement>($"/api/expansion/signals?product_id={contoso.ProductId}", Ct);
            Assert.Equal(0, byAccount.GetProperty("signals").GetArrayLength());
            Assert.Equal(0, byProduct.GetProperty("signals").GetArrayLength());
        }
    }

    [Fact]
    public async Task PatchSignal_AnotherOrgsSignalInBody_Returns404ForSessionAndKeyAndLeavesItUnchanged()
    {
        var contoso = await ContosoAsync();
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var key = NorthwindKey();

        foreach (var client in new[] { admin, key })
        {
            using var response = await client.PatchAsJsonAsync("/api/expansion/signals", new { signal_id = contoso.SignalId.ToString(), status = "dismissed" }, Ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.ContosoOrgId);
        Assert.Equal(contoso.SignalStatus, (await db.ExpansionSignals.SingleAsync(s => s.Id == contoso.SignalId, Ct)).Status.ToString());
    }

    [Fact]
    public async Task Audit_AnotherOrgsWrites_NotListed()
    {
        using var contosoAdmin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        using (await contosoAdmin.PostAsJsonAsync("/api/keys", new { name = "cross-org probe", scopes = new[] { "cohorts:read" } }, Ct)) { }
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);

        var listing = await admin.GetStringAsync("/api/audit?page_size=500", Ct);

        Assert.DoesNotContain("cross-org probe", listing);
    }
}
