using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Cohorts;
using CohortDashboard.Web.Features.Overview;
using Microsoft.EntityFrameworkCore;
using CohortDashboard.Web.Tests.Cohorts;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Overview;

/// <summary>
/// <see cref="OverviewService"/> in the real app, its figures kept in <see cref="CohortAnswerCache"/>: a repeat equals a
/// fresh computation byte for byte; another org or an import never get a stale overview.
/// </summary>
public sealed class OverviewServiceTests(SeededApp app) : IClassFixture<SeededApp>
{
    private const long Northwind = DemoDataGenerator.NorthwindOrgId;
    private const long Contoso = DemoDataGenerator.ContosoOrgId;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<OverviewModel> GetAsync(long orgId, int months, bool cache = true)
    {
        _ = app.BaseAddress;
        await using var scope = app.Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
        var service = cache
            ? scope.ServiceProvider.GetRequiredService<OverviewService>()
            : new OverviewService(scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>(),
                scope.ServiceProvider.GetRequiredService<TimeProvider>(),
                AnswerCaches.Off());
        return await service.GetAsync(months, Ct) ?? throw new InvalidOperationException("no org");
    }

    private static string Json(OverviewModel model) => JsonSerializer.Serialize(model);

    [Theory]
    [InlineData(12)]
    [InlineData(24)]
    public async Task GetAsync_Twice_SecondFromCacheByteIdenticalToFresh(int months)
    {
        var first = await GetAsync(Northwind, months);
        var second = await GetAsync(Northwind, months);
        var fresh = await GetAsync(Northwind, months, cache: false);

        Assert.Same(first.Trend, second.Trend);
        Assert.NotSame(fresh.Trend, second.Trend);
        Assert.Equal(months, fresh.Trend.Months.Count);
        Assert.True(fresh.Trend.NetRevenueLast12 > 0m);
        Assert.Equal(Json(fresh), Json(second));
    }

    [Fact]
    public async Task GetAsync_OtherOrg_ComputedForThatOrg()
    {
        var northwind = await GetAsync(Northwind, 12);
        Assert.Same(northwind.Trend, (await GetAsync(Northwind, 12)).Trend);

        var contoso = await GetAsync(Contoso, 12);

        Assert.StartsWith("Contoso", contoso.OrgName, StringComparison.Ordinal);
        Assert.NotEqual(Json(northwind), Json(contoso));
        Assert.Equal(Json(await GetAsync(Contoso, 12, cache: false)), Json(contoso));
    }

    [Fact]
    public async Task GetAsync_AfterOrdersImport_CountsTheNewOrder()
    {
        var before = await GetAsync(Northwind, 12);
        Assert.Same(before.Trend, (await GetAsync(Northwind, 12)).Trend);

        // A new account's paid order two days before the app's today: 50 more net revenue, one more active account.
        var placed = app.Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.AddDays(-2);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        using var accounts = await client.PostAsync("/api/import/accounts", new StringContent(
            "external_id,name,segment,created_at,status,arr\nOVERVIEW-A1,Overview test,SMB,2024-01-01,active,100\n", Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
        using var orders = await client.PostAsync("/api/import/orders", new StringContent(
            "external_id,account_external_id,placed_at,status,gross_revenue\n" +
            $"OVERVIEW-O1,OVERVIEW-A1,{placed:yyyy-MM-ddTHH:mm:ss}Z,paid,50\n", Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);

        var after = await GetAsync(Northwind, 12);

        Assert.Equal(before.Trend.NetRevenueLast12 + 50m, after.Trend.NetRevenueLast12);
        Assert.Equal(before.ActiveAccounts + 1, after.ActiveAccounts);
        Assert.Equal(before.TotalArr + 100m, after.TotalArr);
        Assert.Equal(Json(await GetAsync(Northwind, 12, cache: false)), Json(after));
    }
}
