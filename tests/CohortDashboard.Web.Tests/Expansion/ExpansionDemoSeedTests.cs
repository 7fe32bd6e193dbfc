using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Expansion;

/// <summary>A fresh demo database arrives with affinity and signals computed, so Affinity and Signals are not empty.</summary>
public sealed class ExpansionDemoSeedTests
{
    [Fact]
    public async Task StartUp_FreshDemoDatabase_ComputesAffinityAndSignalsForEveryOrg()
    {
        await using var factory = new CohortAppFactory();
        factory.Settings["Expansion:SeedDemo"] = "true";
        _ = factory.BaseAddress;

        foreach (var orgId in new[] { DemoDataGenerator.NorthwindOrgId, DemoDataGenerator.ContosoOrgId })
        {
            await using var scope = factory.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>()
                .CreateDbContextAsync(TestContext.Current.CancellationToken);
            Assert.True(await db.AffinityEntries.AnyAsync(TestContext.Current.CancellationToken), $"org {orgId} has no affinity");
            Assert.True(await db.ExpansionSignals.AnyAsync(TestContext.Current.CancellationToken), $"org {orgId} has no signals");
            Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "signals.generated" && e.Actor == "system:demo-seed",
                TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task StartUp_SeedDemoOff_LeavesTheBoardForAnAdmin()
    {
        await using var factory = new CohortAppFactory();
        _ = factory.BaseAddress;

        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(DemoDataGenerator.NorthwindOrgId);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>()
            .CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.False(await db.ExpansionSignals.AnyAsync(TestContext.Current.CancellationToken));
    }
}
