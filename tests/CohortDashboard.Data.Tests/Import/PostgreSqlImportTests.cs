using System.Text;
using CohortDashboard.Data.Import;
using Microsoft.EntityFrameworkCore;
using static CohortDashboard.Data.Tests.Import.ImportRunnerTests;

namespace CohortDashboard.Data.Tests.Import;

/// <summary>The same upsert on a real PostgreSQL server (skipped without <c>COHORTDASHBOARD_TEST_POSTGRES</c>).</summary>
public sealed class PostgreSqlImportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_PostgreSql_InsertThenReimportThenChange_CountsAndRowsExact()
    {
        await using var database = await ImportDatabase.PostgresAsync();
        Assert.Equal(new ImportCounts(3, 0, 0), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Accounts, Accounts)).Counts);
        Assert.Equal(new ImportCounts(2, 0, 0), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Products, Products)).Counts);
        Assert.Equal(new ImportCounts(3, 0, 0), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.AccountProducts, AccountProducts)).Counts);
        Assert.Equal(new ImportCounts(4, 0, 0), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, ImportRunnerTests.Orders)).Counts);
        var first = await database.SnapshotAsync(ImportDatabase.OrgA);

        Assert.Equal(new ImportCounts(0, 0, 3), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Accounts, Accounts)).Counts);
        Assert.Equal(new ImportCounts(0, 0, 3), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.AccountProducts, AccountProducts)).Counts);
        Assert.Equal(new ImportCounts(0, 0, 4), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, ImportRunnerTests.Orders)).Counts);
        Assert.Equal(first, await database.SnapshotAsync(ImportDatabase.OrgA));

        var changed = ImportRunnerTests.Orders.Replace("O-3,A-2,2025-02-21,pending,75.25", "O-3,A-2,2025-02-21,paid,75.25") + "O-5,A-2,2025-04-01,paid,5,,,,\n";
        Assert.Equal(new ImportCounts(1, 1, 3), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, changed)).Counts);

        // Export → import round trip on PostgreSQL (numeric(19,4) reads back as 100.5000).
        foreach (var entity in new[] { ImportEntity.Accounts, ImportEntity.Products, ImportEntity.AccountProducts, ImportEntity.Orders })
        {
            var text = new StringWriter();
            await using (var db = database.For(ImportDatabase.OrgA))
                await ImportExport.WriteCsvAsync(db, entity, text, Ct);
            var outcome = await database.ImportAsync(ImportDatabase.OrgA, entity, text.ToString());
            Assert.Equal(0, outcome.Counts.Inserted + outcome.Counts.Updated);
        }
    }

    [Fact]
    public async Task RunAsync_PostgreSql_OtherOrgSameExternalIds_Untouched_AndCancelLeavesNothing()
    {
        await using var database = await ImportDatabase.PostgresAsync();
        await database.ImportAsync(ImportDatabase.OrgB, ImportEntity.Accounts, Accounts);
        await database.ImportAsync(ImportDatabase.OrgB, ImportEntity.Orders, ImportRunnerTests.Orders);
        var orgB = await database.SnapshotAsync(ImportDatabase.OrgB);

        Assert.Equal(3, (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Accounts, Accounts.Replace("Études", "X"))).Counts.Inserted);
        Assert.Equal(4, (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, ImportRunnerTests.Orders.Replace("100.50", "3"))).Counts.Inserted);
        Assert.Equal(orgB, await database.SnapshotAsync(ImportDatabase.OrgB));

        var before = await database.SnapshotAsync(ImportDatabase.OrgA);
        var file = new StringBuilder(OrderHeader);
        for (var i = 0; i < 2_000; i++) file.Append($"X-{i},A-1,2025-05-01T10:00:00,paid,{i},,,,\n");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new SyncProgress(p => { if (p.Phase == ImportPhase.Writing) cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, file.ToString(), progress: progress, ct: cts.Token));
        Assert.Equal(before, await database.SnapshotAsync(ImportDatabase.OrgA));

        // The identity sequence still hands out fresh ids after the rolled-back import.
        Assert.Equal(1, (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, OrderHeader + "Y-1,A-1,2025-05-01,paid,1,,,,\n")).Counts.Inserted);
        await using var db = database.For(ImportDatabase.OrgA);
        Assert.Equal(5, await db.Orders.CountAsync(Ct));
    }
}
