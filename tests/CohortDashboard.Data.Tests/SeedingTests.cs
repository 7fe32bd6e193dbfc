using CohortDashboard.Data.Bulk;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CohortDashboard.Data.Tests;

public sealed class SeedingTests(SeededDatabaseFixture fixture) : IClassFixture<SeededDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedAsync_SmallScale_EveryValueRoundTripsThroughEf()
    {
        var expected = DemoDataGenerator.Generate(SeededDatabaseFixture.Seed, SeededDatabaseFixture.Scale, SeededDatabaseFixture.AsOf);
        await using var db = fixture.Database.System();

        Assert.Equal(Canon(expected.Organizations), Canon(await db.Organizations.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)));
        Assert.Equal(Canon(expected.OrgMemberships), Canon(await db.OrgMemberships.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)));
        Assert.Equal(Canon(expected.Products), Canon(await db.Products.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)));
        Assert.Equal(Canon(expected.Accounts), Canon(await db.Accounts.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)));
        Assert.Equal(Canon(expected.AccountProducts), Canon(await db.AccountProducts.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)));
        var orders = await db.Orders.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct);
        Assert.Equal(Canon(expected.Orders), Canon(orders));

        // spot checks of the awkward types, beyond the canonical comparison
        Assert.All(orders, o => Assert.Equal(DateTimeKind.Utc, o.PlacedAt.Kind));
        Assert.Contains(orders, o => o.Tags.Count >= 2);
        Assert.Contains(orders, o => o.GrossRevenue != decimal.Truncate(o.GrossRevenue));
        Assert.Contains(await db.AccountProducts.AsNoTracking().ToListAsync(Ct), p => p.EndDate is not null);
    }

    [Fact]
    public async Task SeedAsync_SmallScale_ReportsCountsOfWhatItWrote()
    {
        await using var db = fixture.Database.System();
        var counts = fixture.Result.Counts;
        Assert.Equal(await db.Organizations.LongCountAsync(Ct), counts["Organization"]);
        Assert.Equal(await db.OrgMemberships.LongCountAsync(Ct), counts["OrgMembership"]);
        Assert.Equal(await db.Products.LongCountAsync(Ct), counts["Product"]);
        Assert.Equal(await db.Accounts.LongCountAsync(Ct), counts["Account"]);
        Assert.Equal(await db.AccountProducts.LongCountAsync(Ct), counts["AccountProduct"]);
        Assert.Equal(await db.Orders.LongCountAsync(Ct), counts["Order"]);
        Assert.True(counts["Order"] > 3000);
        Assert.True(fixture.Result.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public async Task SeedIfEmptyAsync_OrganizationExists_IsNoOp()
    {
        await using var db = fixture.Database.System();
        var before = await db.Orders.LongCountAsync(Ct);
        var result = await DemoSeeder.SeedIfEmptyAsync(db, 0.05, SeededDatabaseFixture.AsOf, 99, Ct);
        Assert.Null(result);
        Assert.Equal(before, await db.Orders.LongCountAsync(Ct));
    }

    [Fact]
    public async Task SeedAsync_OrgScopedContext_Refuses()
    {
        await using var db = fixture.Database.For(1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => DemoSeeder.SeedAsync(db, 0.05, SeededDatabaseFixture.AsOf, 1, Ct));
    }

    [Fact]
    public async Task InsertAsync_CallerTransactionRolledBack_WritesNothing()
    {
        using var database = new TestDatabase();
        await database.MigrateAsync();
        await using var db = database.System();
        var data = DemoDataGenerator.Generate(3, 0.05, SeededDatabaseFixture.AsOf);

        await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
        {
            Assert.Equal(2, await BulkWriter.InsertAsync(db, data.Organizations, Ct));
            Assert.Equal(data.Accounts.Count, await BulkWriter.InsertAsync(db, data.Accounts.Where(_ => true), Ct));
            Assert.Equal(data.Accounts.Count, await db.Accounts.CountAsync(Ct));
            await transaction.RollbackAsync(Ct);
        }
        Assert.Equal(0, await db.Accounts.CountAsync(Ct));
        Assert.Equal(0, await db.Organizations.CountAsync(Ct));
    }

    [Fact]
    public async Task InsertAsync_ExplicitIds_LaterEfInsertsContinueAfterThem()
    {
        using var database = new TestDatabase();
        await database.MigrateAsync();
        var data = DemoDataGenerator.Generate(3, 0.05, SeededDatabaseFixture.AsOf);
        await using (var db = database.System())
        {
            await BulkWriter.InsertAsync(db, data.Organizations, Ct);
            await BulkWriter.InsertAsync(db, data.Accounts, Ct);
        }
        await using (var db = database.For(1))
        {
            var account = new Account
            {
                ExternalId = "acc-new", Name = "New", Territory = "West", OwnerId = "rep-01", UserType = "business",
                CreatedAt = DateTime.UtcNow, Segment = Segment.Smb,
            };
            db.Accounts.Add(account);
            await db.SaveChangesAsync(Ct);
            Assert.Equal(data.Accounts.Max(a => a.Id) + 1, account.Id);
        }
    }

    [Fact]
    public async Task InsertAsync_StreamedSequence_EnumeratedOnceWithoutMaterialising()
    {
        using var database = new TestDatabase();
        await database.MigrateAsync();
        await using var db = database.System();
        var data = DemoDataGenerator.Generate(3, 0.05, SeededDatabaseFixture.AsOf);
        await BulkWriter.InsertAsync(db, data.Organizations, Ct);
        await BulkWriter.InsertAsync(db, data.Accounts, Ct);

        var enumerations = 0;
        long? writtenWhenAskedForRow100 = null;
        IEnumerable<Order> Stream()
        {
            enumerations++;
            var index = 0;
            foreach (var order in data.Orders)
            {
                if (index++ == 100)
                {
                    // the writer must already have written rows 0..99 before it asks for row 100
                    using var command = db.Database.GetDbConnection().CreateCommand();
                    command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
                    command.CommandText = "SELECT count(*) FROM orders";
                    writtenWhenAskedForRow100 = (long)command.ExecuteScalar()!;
                }
                yield return order;
            }
        }

        var written = await BulkWriter.InsertAsync(db, Stream(), Ct);

        Assert.Equal(1, enumerations);
        Assert.Equal(data.OrderCount, written);
        Assert.Equal(100, writtenWhenAskedForRow100);
        Assert.Equal(written, await db.Orders.LongCountAsync(Ct));
    }

    private static List<string> Canon<T>(IEnumerable<T> rows) where T : notnull => rows.Select(r => RowCanon.Row(r)).ToList();
}
