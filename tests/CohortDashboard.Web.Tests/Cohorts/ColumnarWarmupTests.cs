using CohortDashboard.Data;
using CohortDashboard.Data.Columnar;
using CohortDashboard.Data.Demo;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Cohorts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CohortDashboard.Web.Tests.Cohorts;

public sealed class ColumnarWarmupTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExecuteAsync_OneOrgsStoreBehindThePrimary_RebuildsItAndLeavesTheOtherAsItWas()
    {
        _ = app.BaseAddress;
        var services = app.Factory.Services;
        var store = services.GetRequiredService<ColumnarStore>();
        await using var scope = services.CreateAsyncScope();
        async Task<long> OrdersVersionAsync(long orgId)
        {
            await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, orgId);
            return await OrgDataVersion.OrdersAsync(db, Ct);
        }
        // The start-up warm-up (or a first query) has built both; make sure before moving one org on.
        foreach (var orgId in new[] { DemoDataGenerator.NorthwindOrgId, DemoDataGenerator.ContosoOrgId })
        {
            await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, orgId);
            await store.BuildAsync(db, Ct);
        }
        var contosoFile = store.PathOf(DemoDataGenerator.ContosoOrgId)!;
        var contosoWritten = File.GetLastWriteTimeUtc(contosoFile);
        var northwindFile = store.PathOf(DemoDataGenerator.NorthwindOrgId)!;
        await using (var northwind = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.NorthwindOrgId))
            await OrgDataVersion.MarkChangedAsync(northwind, Ct, ordersChanged: true); // as an orders import does
        var northwindVersion = await OrdersVersionAsync(DemoDataGenerator.NorthwindOrgId);
        Assert.NotEqual(northwindVersion, store.VersionOf(DemoDataGenerator.NorthwindOrgId));

        var warmup = new ColumnarWarmup(services, NullLogger<ColumnarWarmup>.Instance);
        await warmup.StartAsync(Ct);
        await warmup.ExecuteTask!;

        Assert.Equal(northwindVersion, store.VersionOf(DemoDataGenerator.NorthwindOrgId));
        await using (var duck = store.TryOpen(DemoDataGenerator.NorthwindOrgId, northwindVersion))
            Assert.NotNull(duck);
        Assert.True(File.Exists(store.PathOf(DemoDataGenerator.NorthwindOrgId)));
        Assert.False(File.Exists(northwindFile), "the replaced file is deleted");
        Assert.Equal(contosoFile, store.PathOf(DemoDataGenerator.ContosoOrgId));
        Assert.Equal(contosoWritten, File.GetLastWriteTimeUtc(contosoFile));
    }

    [Fact]
    public async Task AnalyzeAsync_StoreBehindThePrimary_RefreshesItOnDemandAndReadsIt()
    {
        _ = app.BaseAddress;
        var services = app.Factory.Services;
        var store = services.GetRequiredService<ColumnarStore>();
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Data.Tenancy.OrgScope>().Set(DemoDataGenerator.ContosoOrgId);
        long version;
        await using (var contoso = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.ContosoOrgId))
        {
            await OrgDataVersion.MarkChangedAsync(contoso, Ct, ordersChanged: true); // as an orders import does
            version = await OrgDataVersion.OrdersAsync(contoso, Ct);
        }
        Assert.NotEqual(version, store.VersionOf(DemoDataGenerator.ContosoOrgId));

        // No build is started by hand: the query finds the store behind, has the app's own refresh build it, and waits.
        var result = await scope.ServiceProvider.GetRequiredService<CohortService>().AnalyzeAsync(new CohortQuery(), Ct);

        Assert.True(result.Path.UsesColumnar, result.Path.Reason);
        Assert.Equal(version, store.VersionOf(DemoDataGenerator.ContosoOrgId));
    }
}
