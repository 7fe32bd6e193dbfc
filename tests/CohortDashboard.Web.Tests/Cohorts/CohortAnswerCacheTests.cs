using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Settings;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Testing;
using AccountCohortService = CohortDashboard.Web.Features.AccountCohorts.AccountCohortService;
using CohortDashboard.Web.Features.Cohorts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Cohorts;

/// <summary>
/// <see cref="CohortAnswerCache"/> behind <see cref="CohortService"/> in the real app: a repeat is served from memory
/// and equals a fresh computation byte for byte; another org, an import or a settings save never get a stale answer.
/// </summary>
public sealed class CohortAnswerCacheTests(SeededApp app) : IClassFixture<SeededApp>
{
    private const long Northwind = DemoDataGenerator.NorthwindOrgId;
    private const long Contoso = DemoDataGenerator.ContosoOrgId;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<T> WithScopeAsync<T>(long orgId, Func<IServiceProvider, Task<T>> action)
    {
        _ = app.BaseAddress;
        await using var scope = app.Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
        return await action(scope.ServiceProvider);
    }

    private Task<CohortResult> AnalyzeAsync(long orgId, CohortQuery query) =>
        WithScopeAsync(orgId, services => services.GetRequiredService<CohortService>().AnalyzeAsync(query, Ct));

    /// <summary>The same question through a service whose cache is off: always computed afresh.</summary>
    private Task<CohortResult> AnalyzeFreshAsync(long orgId, CohortQuery query) =>
        WithScopeAsync(orgId, services =>
        {
            var noCache = AnswerCaches.Off();
            return new CohortService(services.GetRequiredService<IDbContextFactory<CohortDbContext>>(),
                services.GetRequiredService<TimeProvider>(), noCache).AnalyzeAsync(query, Ct);
        });

    private static string Json(CohortResult result) => JsonSerializer.Serialize(result.Analysis);

    private static bool IsCached(CohortResult result) => result.Path.Reason.StartsWith("cached: ", StringComparison.Ordinal);

    private Task<long> DataVersionAsync(long orgId) =>
        WithScopeAsync(orgId, async services =>
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
            return await OrgDataVersion.CurrentAsync(db, Ct);
        });

    [Fact]
    public async Task AnalyzeAsync_SameQueryTwice_SecondServedFromCacheByteIdenticalToFresh()
    {
        var query = new CohortQuery { Measure = CohortMeasure.Ltv, Breakdown = CohortBreakdown.Segment, Cohorts = 9 };

        var first = await AnalyzeAsync(Northwind, query);
        var second = await AnalyzeAsync(Northwind, query);
        var fresh = await AnalyzeFreshAsync(Northwind, query);

        Assert.False(IsCached(first), first.Path.Reason);
        Assert.True(IsCached(second), second.Path.Reason);
        Assert.Same(first.Analysis, second.Analysis);
        Assert.False(IsCached(fresh));
        Assert.True(fresh.Analysis.Groups.Sum(g => g.Customers) > 0);
        Assert.Equal(Json(fresh), Json(second));
    }

    [Fact]
    public async Task CashRunwayRetention_Repeated_ResponseBodyByteIdentical()
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        const string path = "/api/agent/cohorts/retention?metric=revenue&periods=7";

        using var first = await client.GetAsync(path, Ct);
        using var second = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var firstBytes = await first.Content.ReadAsByteArrayAsync(Ct);
        Assert.True(firstBytes.Length > 100);
        Assert.Equal(firstBytes, await second.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task AnalyzeAsync_SameQueryOtherOrg_ComputedForThatOrg()
    {
        var query = new CohortQuery { Measure = CohortMeasure.Customers, Cohorts = 24 };
        await AnalyzeAsync(Northwind, query);
        Assert.True(IsCached(await AnalyzeAsync(Northwind, query)));

        var contoso = await AnalyzeAsync(Contoso, query);

        Assert.False(IsCached(contoso), contoso.Path.Reason);
        Assert.Equal("Contoso", contoso.Frame.Org.Name.Split(' ')[0]);
        Assert.Equal(Json(await AnalyzeFreshAsync(Contoso, query)), Json(contoso));
        Assert.NotEqual(Json(await AnalyzeAsync(Northwind, query)), Json(contoso));
    }

    [Fact]
    public async Task AnalyzeAsync_AfterOrdersImport_AnswersTheNewOrders()
    {
        var query = new CohortQuery { Measure = CohortMeasure.Customers, TimeZone = "UTC" };
        var before = await AnalyzeAsync(Northwind, query);
        Assert.True(IsCached(await AnalyzeAsync(Northwind, query)));
        var versionBefore = await DataVersionAsync(Northwind);

        // A new customer whose first order is two days before the app's today: one more customer in the matrix.
        var placed = app.Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.AddDays(-2);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        using var accounts = await client.PostAsync("/api/import/accounts", new StringContent(
            "external_id,name,segment,created_at,status,arr\nCACHE-A1,Cache test,SMB,2024-01-01,active,100\n", Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
        using var orders = await client.PostAsync("/api/import/orders", new StringContent(
            "external_id,account_external_id,placed_at,status,gross_revenue\n" +
            $"CACHE-O1,CACHE-A1,{placed:yyyy-MM-ddTHH:mm:ss}Z,paid,50\n", Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);

        var after = await AnalyzeAsync(Northwind, query);

        Assert.True(await DataVersionAsync(Northwind) >= versionBefore + 2, "each import bumps the data version");
        Assert.False(IsCached(after), after.Path.Reason);
        Assert.Equal(before.Analysis.Groups.Single().Customers + 1, after.Analysis.Groups.Single().Customers);
        Assert.Equal(Json(await AnalyzeFreshAsync(Northwind, query)), Json(after));
    }

    [Fact]
    public async Task AnalyzeAsync_AfterSettingsSave_RecomputedInTheNewFiscalYear()
    {
        // Contoso only: this test changes the org's fiscal year, which shapes quarter cohorts.
        var query = new CohortQuery { Granularity = Granularity.Quarter, Measure = CohortMeasure.Customers, Cohorts = 6, Offsets = 4 };
        var before = await AnalyzeAsync(Contoso, query);
        Assert.True(IsCached(await AnalyzeAsync(Contoso, query)));
        var versionBefore = await DataVersionAsync(Contoso);
        var northwindVersion = await DataVersionAsync(Northwind);

        await WithScopeAsync(Contoso, async services =>
        {
            var settings = services.GetRequiredService<SettingsService>();
            var current = await settings.GetAsync(Ct);
            var moved = current with { FiscalYearStartMonth = current.FiscalYearStartMonth % 12 + 1 };
            Assert.True((await settings.SaveAsync(new Actor("test", Roles.Admin, null, false), moved, Ct)).Saved);
            return 0;
        });
        var after = await AnalyzeAsync(Contoso, query);

        Assert.Equal(versionBefore + 1, await DataVersionAsync(Contoso));
        Assert.Equal(northwindVersion, await DataVersionAsync(Northwind));
        Assert.False(IsCached(after), after.Path.Reason);
        Assert.NotEqual(before.Analysis.Groups.Single().Rows.Select(r => r.Start), after.Analysis.Groups.Single().Rows.Select(r => r.Start));
        Assert.Equal(Json(await AnalyzeFreshAsync(Contoso, query)), Json(after));
    }

    [Fact]
    public void Set_BeyondTheSizeLimit_OlderAnswersEvicted()
    {
        using var cache = new CohortAnswerCache(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Cohorts:AnswerCacheMegabytes"] = "0.25" }).Build());
        var cells = Enumerable.Range(0, 12).Select(_ => (CohortCell?)new CohortCell(1m, 1, 1, 1, 1m, false)).ToList();
        var rows = Enumerable.Range(0, 12).Select(i => new CohortRow(i, $"c{i}", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), 1, cells)).ToList();
        var analysis = new CohortAnalysis(Granularity.Month, CohortMeasure.Retention, RetentionMode.Bounded, 0, [],
            [new CohortMatrix(CohortMatrixBuilder.AllGroup, rows, cells)]);

        for (var i = 0; i < 200; i++)
        {
            cache.Set($"key{i}", new CohortAnswerCache.Answer([analysis], new Data.Cohorts.CohortFactPath("test", UsesColumnar: true)));
            Thread.Sleep(1); // compaction runs in the background when the limit is reached
        }
        var kept = Enumerable.Range(0, 200).Count(i => cache.TryGet($"key{i}", out _));

        // One answer is estimated at 27 KiB (12 rows of 12 cells and a mean row), so 0.25 MiB holds at most 9.
        Assert.InRange(kept, 1, 9);
    }
}
