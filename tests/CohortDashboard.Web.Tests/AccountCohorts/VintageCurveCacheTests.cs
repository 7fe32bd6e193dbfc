using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.AccountCohorts;
using CohortDashboard.Web.Features.Cohorts;
using CohortDashboard.Web.Features.Platform;
using Microsoft.EntityFrameworkCore;
using CohortDashboard.Web.Tests.Cohorts;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.AccountCohorts;

/// <summary>
/// Vintage curves kept in <see cref="CohortAnswerCache"/>, in the real app: a repeat equals a fresh computation byte for
/// byte; another org gets its own curves; a new custom cohort (a data version bump) is drawn at once.
/// </summary>
public sealed class VintageCurveCacheTests(SeededApp app) : IClassFixture<SeededApp>
{
    private const long Northwind = DemoDataGenerator.NorthwindOrgId;
    private const long Contoso = DemoDataGenerator.ContosoOrgId;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<T> WithServiceAsync<T>(long orgId, bool cache, Func<AccountCohortService, Task<T>> action)
    {
        _ = app.BaseAddress;
        await using var scope = app.Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
        var service = cache
            ? scope.ServiceProvider.GetRequiredService<AccountCohortService>()
            : new AccountCohortService(scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>(),
                scope.ServiceProvider.GetRequiredService<TimeProvider>(), scope.ServiceProvider.GetRequiredService<OrgJobs>(),
                AnswerCaches.Off());
        return await action(service);
    }

    private Task<VintageCurvesResponse> CurvesAsync(long orgId, CohortType type, bool cache = true) =>
        WithServiceAsync(orgId, cache, s => s.GetVintageCurvesAsync(type, AccountCohortService.MaxCurveMonths, Ct));

    private Task GenerateAsync(long orgId) => WithServiceAsync(orgId, true, s => s.GenerateDefinitionsAsync("test", Ct));

    private static string Json(VintageCurvesResponse curves) => JsonSerializer.Serialize(curves);

    // Vintages start in their own quarter; the other types at the start of the 36-month window, before the demo's
    // contracts, so only vintages have curves in the seeded app.
    [Fact]
    public async Task GetVintageCurvesAsync_Twice_SecondFromCacheByteIdenticalToFresh()
    {
        const CohortType type = CohortType.Vintage;
        await GenerateAsync(Northwind);

        var first = await CurvesAsync(Northwind, type);
        var second = await CurvesAsync(Northwind, type);
        var fresh = await CurvesAsync(Northwind, type, cache: false);

        Assert.Same(first, second);
        Assert.NotSame(fresh, second);
        Assert.True(fresh.Count > 0);
        Assert.Equal(Json(fresh), Json(second));
    }

    [Fact]
    public async Task GetVintageCurvesAsync_OtherOrg_ComputedForThatOrg()
    {
        await GenerateAsync(Northwind);
        await GenerateAsync(Contoso);
        var northwind = await CurvesAsync(Northwind, CohortType.Vintage);
        Assert.Same(northwind, await CurvesAsync(Northwind, CohortType.Vintage));

        var contoso = await CurvesAsync(Contoso, CohortType.Vintage);

        Assert.NotEqual(Json(northwind), Json(contoso));
        Assert.Equal(Json(await CurvesAsync(Contoso, CohortType.Vintage, cache: false)), Json(contoso));
    }

    [Fact]
    public async Task GetVintageCurvesAsync_AfterCustomCohortSaved_ComputedAgain()
    {
        await GenerateAsync(Northwind);
        var before = await CurvesAsync(Northwind, CohortType.Vintage);
        Assert.Same(before, await CurvesAsync(Northwind, CohortType.Vintage));
        using var criteria = JsonDocument.Parse("""{"and": [{"field": "account.segment", "op": "equals", "value": "SMB"}]}""");

        var saved = await WithServiceAsync(Northwind, true, s => s.CreateCustomAsync("test", "Cache check SMB", criteria.RootElement.Clone(), Ct));
        var after = await CurvesAsync(Northwind, CohortType.Vintage);

        Assert.Null(saved.Errors);
        Assert.NotSame(before, after);
        Assert.Equal(Json(await CurvesAsync(Northwind, CohortType.Vintage, cache: false)), Json(after));
    }
}
