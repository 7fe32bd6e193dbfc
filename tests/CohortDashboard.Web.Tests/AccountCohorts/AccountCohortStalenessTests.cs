using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Import;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.AccountCohorts;
using CohortDashboard.Web.Features.Import;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.AccountCohorts;

/// <summary>When stored snapshots are behind their inputs, over real Kestrel and a real SQLite file (an app of its own).</summary>
public sealed class AccountCohortStalenessTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string NewAccounts = "external_id,name,segment,created_at,status\nSTALE-1,Stale Check Ltd,SMB,2026-02-03,active\n";
    private const string NewOrders = "external_id,account_external_id,placed_at,status,gross_revenue\nSTALE-O1,STALE-1,2026-02-04T10:00:00,paid,99.50\n";

    private HttpClient ApiKeyClient()
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        return client;
    }

    private static async Task<JsonElement> ImportAsync(HttpClient client, string entity, string csv)
    {
        using var response = await client.PostAsync($"/api/import/{entity}", new StringContent(csv, Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task<(bool Snapshots, bool Anomalies)> StaleAsync(HttpClient client) =>
        ((await client.GetFromJsonAsync<JsonElement>("/api/cohorts/snapshots", Ct)).GetProperty("stale").GetBoolean(),
         (await client.GetFromJsonAsync<JsonElement>("/api/cohorts/anomalies", Ct)).GetProperty("stale").GetBoolean());

    private async Task<StaleState> StaleStateAsync()
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Data.Tenancy.OrgScope>().Set(DemoDataGenerator.NorthwindOrgId);
        return await scope.ServiceProvider.GetRequiredService<AccountCohortService>().GetStaleStateAsync(Ct);
    }

    private static async Task RecomputeAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/api/cohorts/snapshots/recompute", null, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Import_AccountsChanged_StaleUntilRecompute_UnchangedReimportAndOrdersDoNotMarkIt()
    {
        using var client = ApiKeyClient();
        (await client.PostAsync("/api/cohorts/definitions", null, Ct)).Dispose();
        await RecomputeAsync(client);
        Assert.Equal((false, false), await StaleAsync(client));

        Assert.Equal(1, (await ImportAsync(client, "accounts", NewAccounts)).GetProperty("inserted").GetInt32());

        Assert.Equal((true, true), await StaleAsync(client));
        var state = await StaleStateAsync();
        Assert.NotNull(state.DataImportedAt);
        Assert.Null(state.SettingsChangedAt);
        Assert.True(state.DataImportedAt >= state.ComputedAt);

        await RecomputeAsync(client);
        Assert.Equal((false, false), await StaleAsync(client));

        // The same file again changes no row; orders do not feed snapshots (ARR comes from contracts).
        Assert.Equal(0, (await ImportAsync(client, "accounts", NewAccounts)).GetProperty("inserted").GetInt32());
        Assert.Equal(1, (await ImportAsync(client, "orders", NewOrders)).GetProperty("inserted").GetInt32());
        Assert.Equal((false, false), await StaleAsync(client));
        Assert.False((await StaleStateAsync()).Stale);
    }

    [Fact]
    public async Task Import_BeforeAnyRecompute_NothingToCallStale()
    {
        // Contoso: the other test recomputes Northwind only, and tests start without account-cohort snapshots.
        await using var scope = app.Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Data.Tenancy.OrgScope>().Set(DemoDataGenerator.ContosoOrgId);
        using var spooled = await SpooledImportFile.CreateAsync(new MemoryStream(Encoding.UTF8.GetBytes(NewAccounts)), ImportFormat.Csv, ImportService.MaxBytes, Ct);

        var outcome = await scope.ServiceProvider.GetRequiredService<ImportService>().ImportAsync(ImportEntity.Accounts, spooled.File, false, "test", null, Ct);

        Assert.Equal(1, outcome.Counts.Inserted);
        var state = await scope.ServiceProvider.GetRequiredService<AccountCohortService>().GetStaleStateAsync(Ct);
        Assert.Null(state.ComputedAt);
        Assert.False(state.Stale);
    }
}
