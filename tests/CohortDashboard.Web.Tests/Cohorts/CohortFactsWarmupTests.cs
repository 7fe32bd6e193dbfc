using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Cohorts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CohortDashboard.Web.Tests.Cohorts;

public sealed class CohortFactsWarmupTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExecuteAsync_OrgWithoutFactsAndOrgInAnotherTimezone_BothRebuiltOthersUntouched()
    {
        _ = app.BaseAddress;
        var services = app.Factory.Services;
        await using var scope = services.CreateAsyncScope();
        DateTime contosoBuiltAt;
        await using (var northwind = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.NorthwindOrgId))
        {
            await northwind.CustomerFacts.ExecuteDeleteAsync(Ct);
            await northwind.CohortFactBuilds.ExecuteDeleteAsync(Ct);
        }
        await using (var contoso = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.ContosoOrgId))
        {
            contosoBuiltAt = (await contoso.CohortFactBuilds.SingleAsync(Ct)).BuiltAt;
            // As if the org's timezone had changed since the facts were built.
            await contoso.CohortFactBuilds.ExecuteUpdateAsync(b => b.SetProperty(x => x.TimeZone, "Asia/Tokyo"), Ct);
        }

        var warmup = new CohortFactsWarmup(services, NullLogger<CohortFactsWarmup>.Instance);
        await warmup.StartAsync(Ct);
        await warmup.ExecuteTask!;

        await using (var northwind = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.NorthwindOrgId))
        {
            var build = await northwind.CohortFactBuilds.SingleAsync(Ct);
            Assert.Equal("America/New_York", build.TimeZone);
            Assert.Equal(build.Rows, await northwind.CustomerFacts.LongCountAsync(Ct));
            Assert.Equal(await northwind.Orders.LongCountAsync(Ct), build.Orders);
        }
        await using (var contoso = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.ContosoOrgId))
        {
            var build = await contoso.CohortFactBuilds.SingleAsync(Ct);
            Assert.Equal("Europe/Berlin", build.TimeZone);
            Assert.True(build.BuiltAt > contosoBuiltAt);
        }
    }
}
