using System.Text;
using CohortDashboard.Data.Import;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Tests.Import;

/// <summary>The import pipeline (validate, then upsert in one transaction) against real SQLite files.</summary>
public sealed class ImportRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal const string Accounts =
        "external_id,name,segment,territory,owner_id,created_at,status,arr,health_score\n" +
        "A-1,Société Générale Études,Enterprise,EMEA,rep-1,2025-01-15,active,120000,80\n" +
        "A-2,\"Smith, Jones & Co\",SMB,NA,rep-2,2025-02-01T09:30:00,active,9000.5,70\n" +
        "A-3,\"Multi\nline\",Mid-Market,NA,rep-2,2025-03-01T00:00:00Z,churned,0,10\n";

    internal const string Products =
        "external_id,name,category,annual_price,is_active\n" +
        "P-1,Core,Platform,1200,true\n" +
        "P-2,Analytics,Add-on,600.25,\n";

    internal const string AccountProducts =
        "account_external_id,product_external_id,status,start_date,end_date,contracted_arr,seats_licensed,seats_active,adoption_pct\n" +
        "A-1,P-1,active,2025-01-15,,1200,10,8,80\n" +
        "A-1,P-2,churned,2025-02-01,2025-06-30,600.25,5,1,20.5\n" +
        "A-2,P-1,pending,2025-03-01,,0,0,0,0\n";

    internal const string OrderHeader = "external_id,account_external_id,placed_at,status,gross_revenue,discounts,refunded_amount,refunded_at,tags\n";

    internal const string Orders = OrderHeader +
        "O-1,A-1,2025-01-20T10:00:00,paid,100.50,0,0,,vip|annual\n" +
        "O-2,A-1,2025-02-20T23:30:00,paid,200,10,50,2025-03-01T00:00:00Z,\n" +
        "O-3,A-2,2025-02-21,pending,75.25,,,,\n" +
        "O-4,A-3,2025-03-02T12:00:00-05:00,voided,10,0,0,,\n";

    private static async Task SeedAsync(ImportDatabase database, long orgId = ImportDatabase.OrgA)
    {
        Assert.True((await database.ImportAsync(orgId, ImportEntity.Accounts, Accounts)).Written);
        Assert.True((await database.ImportAsync(orgId, ImportEntity.Products, Products)).Written);
        Assert.True((await database.ImportAsync(orgId, ImportEntity.AccountProducts, AccountProducts)).Written);
        Assert.True((await database.ImportAsync(orgId, ImportEntity.Orders, Orders)).Written);
    }

    [Fact]
    public async Task RunAsync_FourEntitiesInOrder_InsertsEveryRowWithTypedValues()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        var accounts = await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Accounts, Accounts);
        Assert.Equal(new ImportCounts(3, 0, 0), accounts.Counts);
        Assert.Equal(new ImportCounts(2, 0, 0), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Products, Products)).Counts);
        Assert.Equal(new ImportCounts(3, 0, 0), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.AccountProducts, AccountProducts)).Counts);
        Assert.Equal(new ImportCounts(4, 0, 0), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, Orders)).Counts);

        await using var db = database.For(ImportDatabase.OrgA);
        var a1 = await db.Accounts.SingleAsync(a => a.ExternalId == "A-1", Ct);
        Assert.Equal("Société Générale Études", a1.Name);
        Assert.Equal(new DateTime(2025, 1, 15, 5, 0, 0, DateTimeKind.Utc), a1.CreatedAt); // midnight in New York
        Assert.Equal("Multi\nline", (await db.Accounts.SingleAsync(a => a.ExternalId == "A-3", Ct)).Name);
        Assert.Equal("Smith, Jones & Co", (await db.Accounts.SingleAsync(a => a.ExternalId == "A-2", Ct)).Name);
        var p2 = await db.Products.SingleAsync(p => p.ExternalId == "P-2", Ct);
        Assert.True(p2.IsActive);
        Assert.Equal(600.25m, p2.AnnualPrice);
        var o1 = await db.Orders.SingleAsync(o => o.ExternalId == "O-1", Ct);
        Assert.Equal(a1.Id, o1.AccountId);
        Assert.Equal(new DateTime(2025, 1, 20, 15, 0, 0, DateTimeKind.Utc), o1.PlacedAt);
        Assert.Equal(["vip", "annual"], o1.Tags);
        var o2 = await db.Orders.SingleAsync(o => o.ExternalId == "O-2", Ct);
        Assert.Equal(new DateTime(2025, 2, 21, 4, 30, 0, DateTimeKind.Utc), o2.PlacedAt);
        Assert.Equal(50m, o2.RefundedAmount);
        var churned = await db.AccountProducts.SingleAsync(ap => ap.EndDate != null, Ct);
        Assert.Equal(new DateOnly(2025, 6, 30), churned.EndDate);
        Assert.Equal(20.5m, churned.AdoptionPct);
    }

    [Fact]
    public async Task RunAsync_SameFilesAgain_ChangesNothingAndCountsEveryRowUnchanged()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        var before = await database.SnapshotAsync(ImportDatabase.OrgA);

        Assert.Equal(new ImportCounts(0, 0, 3), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Accounts, Accounts)).Counts);
        Assert.Equal(new ImportCounts(0, 0, 2), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Products, Products)).Counts);
        Assert.Equal(new ImportCounts(0, 0, 3), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.AccountProducts, AccountProducts)).Counts);
        Assert.Equal(new ImportCounts(0, 0, 4), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, Orders)).Counts);

        Assert.Equal(before, await database.SnapshotAsync(ImportDatabase.OrgA));
    }

    [Fact]
    public async Task RunAsync_OneValueChanged_UpdatesOnlyThatRow()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        var changed = Orders.Replace("O-3,A-2,2025-02-21,pending,75.25", "O-3,A-2,2025-02-21,paid,75.25");
        var apChanged = AccountProducts.Replace("A-2,P-1,pending,2025-03-01,,0,0,0,0", "A-2,P-1,active,2025-03-01,,0,0,0,0");

        Assert.Equal(new ImportCounts(0, 1, 3), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, changed)).Counts);
        Assert.Equal(new ImportCounts(0, 1, 2), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.AccountProducts, apChanged)).Counts);

        await using var db = database.For(ImportDatabase.OrgA);
        Assert.Equal(OrderStatus.Paid, (await db.Orders.SingleAsync(o => o.ExternalId == "O-3", Ct)).Status);
        Assert.Equal(4, await db.Orders.CountAsync(Ct));
        Assert.Equal(AccountProductStatus.Active, (await db.AccountProducts.SingleAsync(ap => ap.StartDate == new DateOnly(2025, 3, 1), Ct)).Status);
    }

    [Fact]
    public async Task RunAsync_ColumnAbsentFromFile_KeepsStoredValue_EmptyCellStoresDefault()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        // No health_score column at all (kept); arr present but empty (default 0).
        var partial = "external_id,name,segment,created_at,status,arr\nA-1,Renamed,Enterprise,2025-01-15,active,\n";

        var outcome = await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Accounts, partial);

        Assert.Equal(new ImportCounts(0, 1, 0), outcome.Counts);
        await using var db = database.For(ImportDatabase.OrgA);
        var a1 = await db.Accounts.SingleAsync(a => a.ExternalId == "A-1", Ct);
        Assert.Equal("Renamed", a1.Name);
        Assert.Equal(80, a1.HealthScore);
        Assert.Equal("EMEA", a1.Territory);
        Assert.Equal(0m, a1.Arr);
    }

    [Fact]
    public async Task RunAsync_OneBadRowAmongGood_WritesNothingAndReportsRowColumnProblem()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        var before = await database.CountsAsync(ImportDatabase.OrgA);
        var file = OrderHeader + "O-10,A-1,2025-04-01,paid,10,,,,\nO-11,A-1,2025-04-02,paid,-5,,,,\nO-12,A-1,2025-04-03,paid,12,,,,\n";

        var outcome = await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, file);

        Assert.False(outcome.Written);
        var error = Assert.Single(outcome.Report.Errors);
        Assert.Equal((3, "gross_revenue"), (error.Row, error.Column));
        Assert.Contains("negative", error.Message);
        Assert.Equal(before, await database.CountsAsync(ImportDatabase.OrgA));
    }

    [Fact]
    public async Task RunAsync_SkipInvalid_WritesValidRowsAndCountsSkipped()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        var before = await database.CountsAsync(ImportDatabase.OrgA);
        var file = OrderHeader + "O-10,A-1,2025-04-01,paid,10,,,,\nO-11,NOPE,2025-04-02,paid,5,,,,\nO-12,A-1,2025-04-03,paid,12,,20,,\nO-13,A-2,2025-04-03,paid,12,,,,\n";

        var outcome = await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, file, skipInvalid: true);

        Assert.True(outcome.Written);
        Assert.Equal(new ImportCounts(2, 0, 0), outcome.Counts);
        Assert.Equal(2, outcome.Skipped);
        Assert.Equal([(3, "account_external_id"), (4, "refunded_amount")], outcome.Report.Errors.Select(e => (e.Row, e.Column)));
        Assert.Equal(before.Orders + 2, (await database.CountsAsync(ImportDatabase.OrgA)).Orders);
    }

    [Fact]
    public async Task RunAsync_RaggedRowEvenWithSkipInvalid_WritesNothing()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        var before = await database.SnapshotAsync(ImportDatabase.OrgA);
        var file = OrderHeader + "O-10,A-1,2025-04-01,paid,10,,,,\nO-11,A-1,2025-04-02,paid,5\n";

        var outcome = await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, file, skipInvalid: true);

        Assert.False(outcome.Written);
        Assert.True(outcome.Report.FileUnreadable);
        Assert.Equal(3, Assert.Single(outcome.Report.Errors).Row);
        Assert.Equal(before, await database.SnapshotAsync(ImportDatabase.OrgA));
    }

    [Theory]
    [InlineData("external_id;account_external_id;placed_at;status;gross_revenue\nO-1;A-1;2025-01-01;paid;1\n", "semicolon")]
    [InlineData("O-1,A-1,2025-01-01,paid,1\n", "header row missing")]
    [InlineData("external_id,account_external_id,placed_at,status\nO-1,A-1,2025-01-01,paid\n", "gross_revenue")]
    public async Task RunAsync_MalformedFile_WritesNothingAndSaysWhy(string text, string expected)
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        var before = await database.SnapshotAsync(ImportDatabase.OrgA);

        var outcome = await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, text, skipInvalid: true);

        Assert.False(outcome.Written);
        Assert.Contains(outcome.Report.Errors, e => e.Message.Contains(expected, StringComparison.OrdinalIgnoreCase)
                                                     || e.Message.Replace("is the header row missing", "header row missing").Contains(expected));
        Assert.Equal(before, await database.SnapshotAsync(ImportDatabase.OrgA));
    }

    [Fact]
    public async Task RunAsync_Utf8WithBomAndAccents_StoredExactly()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await using (var db = database.For(ImportDatabase.OrgA))
        {
            var outcome = await ImportRunner.RunAsync(db, ImportEntity.Accounts, database.File(Accounts, bom: true), false, ct: Ct);
            Assert.Equal(3, outcome.Counts.Inserted);
        }
        await using var check = database.For(ImportDatabase.OrgA);
        Assert.Equal(["A-1", "A-2", "A-3"], await check.Accounts.OrderBy(a => a.Id).Select(a => a.ExternalId).ToListAsync(Ct));
        Assert.Equal("Société Générale Études", await check.Accounts.Where(a => a.ExternalId == "A-1").Select(a => a.Name).SingleAsync(Ct));
    }

    [Fact]
    public async Task RunAsync_CancelledMidWrite_LeavesNoRows()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        var before = await database.SnapshotAsync(ImportDatabase.OrgA);
        var file = new StringBuilder(OrderHeader);
        for (var i = 0; i < 3_000; i++) file.Append($"X-{i},A-1,2025-05-01T10:00:00,paid,{i},,,,\n");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var writtenWhenCancelled = 0L;
        var progress = new SyncProgress(p =>
        {
            // The first batch is in the database (inside the open transaction) when this fires.
            if (p.Phase == ImportPhase.Writing && writtenWhenCancelled == 0)
            {
                writtenWhenCancelled = p.Rows;
                cts.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, file.ToString(), progress: progress, ct: cts.Token));

        Assert.True(writtenWhenCancelled > 0);
        Assert.Equal(before, await database.SnapshotAsync(ImportDatabase.OrgA));
    }

    [Fact]
    public async Task RunAsync_FailureBeforeCommit_LeavesNoRows()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        var before = await database.SnapshotAsync(ImportDatabase.OrgA);
        var file = database.File(OrderHeader + "O-50,A-1,2025-05-01,paid,1,,,,\nO-2,A-1,2025-02-20T23:30:00,paid,999,10,50,2025-03-01T00:00:00Z,\n");

        await using (var db = database.For(ImportDatabase.OrgA))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => ImportRunner.RunAsync(db, ImportEntity.Orders, file, false,
                beforeCommit: (_, outcome, _) =>
                {
                    Assert.Equal(new ImportCounts(1, 1, 0), outcome.Counts);
                    throw new InvalidOperationException("audit failed");
                }, ct: Ct));
        }

        Assert.Equal(before, await database.SnapshotAsync(ImportDatabase.OrgA));
    }

    [Fact]
    public async Task RunAsync_SameExternalIdsInAnotherOrg_NeverTouchesThatOrgsRows()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database, ImportDatabase.OrgB);
        var orgB = await database.SnapshotAsync(ImportDatabase.OrgB);

        // Same external ids, other values: org A gets its own rows, org B's stay as they were.
        var renamed = Accounts.Replace("Société Générale Études", "Other name");
        Assert.Equal(new ImportCounts(3, 0, 0), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Accounts, renamed)).Counts);
        Assert.Equal(new ImportCounts(4, 0, 0), (await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, Orders.Replace("100.50", "1.00"))).Counts);

        Assert.Equal(orgB, await database.SnapshotAsync(ImportDatabase.OrgB));
        await using var db = database.For(ImportDatabase.OrgA);
        Assert.All(await db.Orders.ToListAsync(Ct), o => Assert.Equal(ImportDatabase.OrgA, o.OrgId));
    }

    [Fact]
    public async Task RunAsync_OrderForAccountOfAnotherOrgOnly_ReferenceError()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database, ImportDatabase.OrgB);

        var outcome = await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, OrderHeader + "O-1,A-1,2025-01-20,paid,1,,,,\n");

        Assert.False(outcome.Written);
        Assert.Equal("account_external_id", Assert.Single(outcome.Report.Errors).Column);
        Assert.Equal(0, (await database.CountsAsync(ImportDatabase.OrgA)).Orders);
    }

    [Fact]
    public async Task RunAsync_OrdersChanged_OrdersVersionBumpedAndResultsMarkedStale()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        (long Data, long Orders) versions;
        await using (var db = database.For(ImportDatabase.OrgA))
        {
            await db.Organizations.ExecuteUpdateAsync(s => s.SetProperty(o => o.ResultsStaleSince, (DateTime?)null), Ct);
            versions = await VersionsAsync(db);
        }

        // Re-importing unchanged orders keeps the columnar stores current...
        await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, Orders);
        await using (var db = database.For(ImportDatabase.OrgA))
        {
            Assert.Equal(versions, await VersionsAsync(db));
            Assert.Null((await db.Organizations.SingleAsync(Ct)).ResultsStaleSince);
        }

        // ...a changed order moves both versions on (every instance's store and cached answer are behind)...
        await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, Orders.Replace("75.25", "80"));
        await using (var db = database.For(ImportDatabase.OrgA))
        {
            Assert.Equal((versions.Data + 1, versions.Orders + 1), await VersionsAsync(db));
            Assert.NotNull((await db.Organizations.SingleAsync(Ct)).ResultsStaleSince);
            versions = await VersionsAsync(db);
        }

        // ...and a changed account moves only the data version: the stores hold orders alone.
        await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Accounts, Accounts.Replace("Smith, Jones & Co", "Smith, Jones & Partners"));
        await using (var db = database.For(ImportDatabase.OrgA))
            Assert.Equal((versions.Data + 1, versions.Orders), await VersionsAsync(db));
    }

    private static async Task<(long Data, long Orders)> VersionsAsync(CohortDbContext db) =>
        (await OrgDataVersion.CurrentAsync(db, Ct), await OrgDataVersion.OrdersAsync(db, Ct));

    [Fact]
    public async Task WriteCsvAsync_ExportThenImport_ChangesNothing()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        var before = await database.SnapshotAsync(ImportDatabase.OrgA);

        foreach (var entity in new[] { ImportEntity.Accounts, ImportEntity.Products, ImportEntity.AccountProducts, ImportEntity.Orders })
        {
            var text = new StringWriter();
            await using (var db = database.For(ImportDatabase.OrgA))
                await ImportExport.WriteCsvAsync(db, entity, text, Ct);
            Assert.StartsWith(string.Join(',', ImportColumns.For(entity).Select(c => c.Name)) + "\r\n", text.ToString());

            var outcome = await database.ImportAsync(ImportDatabase.OrgA, entity, text.ToString());
            Assert.True(outcome.Written, string.Join("; ", outcome.Report.Errors));
            Assert.Equal(0, outcome.Counts.Inserted + outcome.Counts.Updated);
            Assert.True(outcome.Counts.Unchanged > 0);
        }
        Assert.Equal(before, await database.SnapshotAsync(ImportDatabase.OrgA));
    }

    [Fact]
    public async Task RunAsync_JsonArray_SameRowsAsCsv()
    {
        await using var csv = await ImportDatabase.SqliteAsync();
        await using var json = await ImportDatabase.SqliteAsync();
        await SeedAsync(csv);
        await json.ImportAsync(ImportDatabase.OrgA, ImportEntity.Accounts, Accounts);
        await json.ImportAsync(ImportDatabase.OrgA, ImportEntity.Products, Products);
        await json.ImportAsync(ImportDatabase.OrgA, ImportEntity.AccountProducts, AccountProducts);
        const string orders = """
            [{"external_id":"O-1","account_external_id":"A-1","placed_at":"2025-01-20T10:00:00","status":"paid","gross_revenue":100.50,"discounts":0,"refunded_amount":0,"tags":["vip","annual"]},
             {"external_id":"O-2","account_external_id":"A-1","placed_at":"2025-02-20T23:30:00","status":"paid","gross_revenue":"200","discounts":10,"refunded_amount":50,"refunded_at":"2025-03-01T00:00:00Z","tags":null},
             {"external_id":"O-3","account_external_id":"A-2","placed_at":"2025-02-21","status":"pending","gross_revenue":75.25},
             {"external_id":"O-4","account_external_id":"A-3","placed_at":"2025-03-02T12:00:00-05:00","status":"voided","gross_revenue":10,"discounts":0,"refunded_amount":0}]
            """;

        var outcome = await json.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, orders, format: ImportFormat.Json);

        Assert.Equal(new ImportCounts(4, 0, 0), outcome.Counts);
        Assert.Equal(await csv.SnapshotAsync(ImportDatabase.OrgA), await json.SnapshotAsync(ImportDatabase.OrgA));
    }

    [Theory]
    [InlineData("""{"external_id":"O-1"}""", "JSON array")]
    [InlineData("""[{"external_id":"O-1",""", "JSON array")]
    [InlineData("""[1,2]""", "must be an object")]
    [InlineData("""[{"external_id":"O-1","account_external_id":"A-1","placed_at":"2025-01-01","status":"paid","gross_revenue":{"x":1}}]""", "nested object")]
    public async Task RunAsync_MalformedJson_WritesNothingAndSaysWhy(string body, string expected)
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);

        var outcome = await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, body, skipInvalid: true, format: ImportFormat.Json);

        Assert.False(outcome.Written);
        Assert.Contains(expected, Assert.Single(outcome.Report.Errors).Message);
    }

    [Fact]
    public async Task RunAsync_JsonRowWithError_RowIsObjectPositionPlusOne()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        await SeedAsync(database);
        const string body = """[{"external_id":"O-9","account_external_id":"A-1","placed_at":"2025-01-01","status":"paid","gross_revenue":1},{"external_id":"O-10","account_external_id":"A-1","placed_at":"2025-01-01","status":"lost","gross_revenue":1}]""";

        var outcome = await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Orders, body, format: ImportFormat.Json);

        Assert.Equal((3, "status"), Assert.Single(outcome.Report.Errors) is var e ? (e.Row, e.Column) : default);
    }

    /// <summary>Reports synchronously on the writing thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    internal sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
