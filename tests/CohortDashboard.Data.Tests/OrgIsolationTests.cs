using System.Reflection;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Tests;

public sealed class OrgIsolationTests(SeededDatabaseFixture fixture) : IClassFixture<SeededDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly PropertyInfo[] AllDbSets = typeof(CohortDbContext).GetProperties()
        .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(DbSet<>))
        .ToArray();

    // Shared by the app's instances, not org data: the data protection key ring and the API key quota counts (keyed by
    // API key, read and written only by the quota's own system-scoped context).
    private static readonly Type[] InstanceState = [typeof(ApiKeyQuotaCounter), typeof(ApiKeyCreditUse),
        typeof(Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey)];

    private static readonly PropertyInfo[] DbSets = AllDbSets
        .Where(p => !InstanceState.Contains(p.PropertyType.GetGenericArguments()[0])).ToArray();

    [Fact]
    public void DbSets_CoverEveryEntityTypeOfTheModel()
    {
        using var db = fixture.Database.System();
        var entityTypes = db.Model.GetEntityTypes().Where(e => !e.IsOwned()).Select(e => e.ClrType).OrderBy(t => t.Name);
        Assert.Equal(entityTypes, AllDbSets.Select(p => p.PropertyType.GetGenericArguments()[0]).OrderBy(t => t.Name));
    }

    [Theory]
    [InlineData(DemoDataGenerator.NorthwindOrgId, DemoDataGenerator.ContosoOrgId)]
    [InlineData(DemoDataGenerator.ContosoOrgId, DemoDataGenerator.NorthwindOrgId)]
    public async Task OrgScopedContext_EveryDbSet_SeesOwnRowsAndNoneOfTheOtherOrg(long orgId, long otherOrgId)
    {
        await using var system = fixture.Database.System();
        await using var scoped = fixture.Database.For(orgId);
        foreach (var set in DbSets)
        {
            var all = await OrgIdsAsync(system, set);
            var visible = await OrgIdsAsync(scoped, set);
            Assert.Contains(otherOrgId, all);                                    // the other org has rows here...
            Assert.DoesNotContain(otherOrgId, visible);                          // ...which the scoped context never sees
            Assert.Equal(all.Count(id => id == orgId), visible.Count);           // and it sees all of its own
            Assert.All(visible, id => Assert.Equal(orgId, id));
        }
    }

    [Fact]
    public async Task UnsetScope_EveryDbSet_SeesNothing()
    {
        await using var unscoped = fixture.Database.Unscoped();
        foreach (var set in DbSets)
            Assert.Empty(await OrgIdsAsync(unscoped, set));
    }

    [Fact]
    public async Task SaveChanges_RowOfAnotherOrgFromOrgScopedContext_ThrowsCrossOrgWriteException()
    {
        await using (var db = fixture.Database.For(DemoDataGenerator.NorthwindOrgId))
        {
            db.AuditEvents.Add(new AuditEvent
            {
                OrgId = DemoDataGenerator.ContosoOrgId, Actor = "intruder", At = DateTime.UtcNow, Action = "x", TargetType = "y",
            });
            await Assert.ThrowsAsync<CrossOrgWriteException>(() => db.SaveChangesAsync(Ct));
        }
        await using var system = fixture.Database.System();
        Assert.False(await system.AuditEvents.AnyAsync(a => a.Actor == "intruder", Ct));
    }

    [Fact]
    public async Task SaveChanges_MovingOwnRowToAnotherOrg_ThrowsCrossOrgWriteException()
    {
        await using var db = fixture.Database.For(DemoDataGenerator.NorthwindOrgId);
        var account = await db.Accounts.OrderBy(a => a.Id).FirstAsync(Ct);
        account.OrgId = DemoDataGenerator.ContosoOrgId;
        await Assert.ThrowsAsync<CrossOrgWriteException>(() => db.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task SaveChanges_UnsetScope_ThrowsCrossOrgWriteException()
    {
        await using var db = fixture.Database.Unscoped();
        db.AuditEvents.Add(new AuditEvent { Actor = "nobody", At = DateTime.UtcNow, Action = "x", TargetType = "y" });
        await Assert.ThrowsAsync<CrossOrgWriteException>(() => db.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task SaveChanges_OwnOrgRowWithoutOrgId_GetsTheScopeOrgId()
    {
        await using var db = fixture.Database.For(DemoDataGenerator.ContosoOrgId);
        var audit = new AuditEvent { Actor = "contoso-test", At = DateTime.UtcNow, Action = "x", TargetType = "y" };
        db.AuditEvents.Add(audit);
        await db.SaveChangesAsync(Ct);
        Assert.Equal(DemoDataGenerator.ContosoOrgId, audit.OrgId);
    }

    private static async Task<List<long>> OrgIdsAsync(CohortDbContext db, PropertyInfo set)
    {
        var method = typeof(OrgIsolationTests).GetMethod(nameof(OrgIdsOfAsync), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(set.PropertyType.GetGenericArguments()[0]);
        return await (Task<List<long>>)method.Invoke(null, [db])!;
    }

    private static async Task<List<long>> OrgIdsOfAsync<T>(CohortDbContext db) where T : class
    {
        var rows = await db.Set<T>().AsNoTracking().ToListAsync(Ct);
        return rows.Select(row => row switch
        {
            IOrgOwned owned => owned.OrgId,
            Organization organization => organization.Id,
            _ => throw new InvalidOperationException($"{typeof(T).Name} is neither an org nor org-owned."),
        }).ToList();
    }
}
