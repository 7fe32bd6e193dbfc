using System.Data.Common;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql;

namespace CohortDashboard.Data.Tests.Migrations;

/// <summary>
/// A database made by main's hand-written migrations (their SQL, captured in Fixtures/ before they were replaced),
/// holding data, is started on by the generated migrations: its history is taken over, nothing is recreated and no row
/// is lost, and the result is the schema a new database gets.
/// </summary>
public sealed class UpgradeInPlaceTests
{
    private static readonly DateOnly AsOf = new(2026, 6, 15);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MigrateAsync_SqliteMadeByHandWrittenMigrations_UpgradesKeepingEveryRow()
    {
        using var old = new TestDatabase("old");
        using var seeded = new TestDatabase("seeded");
        await using (var connection = old.OpenRaw())
            await ExecuteAsync(connection, Fixture("Sqlite"));
        await seeded.MigrateAsync();
        await using (var db = seeded.System()) await SeedAsync(db);
        var before = await ReadEverythingAsync(seeded.System);

        await using (var from = seeded.OpenRaw())
        await using (var to = old.OpenRaw())
        await using (var db = seeded.System())
            await CopyMainRowsAsync(from, to, MainTables(db), postgres: false);
        await old.MigrateAsync();

        await AssertUpgradedAsync(old.System, before);
        Assert.Equal(MigrationSchemaTests.DescribeSchema(seeded), MigrationSchemaTests.DescribeSchema(old));
    }

    [Fact]
    public async Task MigrateAsync_PostgreSqlMadeByHandWrittenMigrations_UpgradesKeepingEveryRow()
    {
        await using var old = await PostgresTempDatabase.CreateAsync();
        await using var seeded = await PostgresTempDatabase.CreateAsync();
        await using (var connection = new NpgsqlConnection(old.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await ExecuteAsync(connection, Fixture("PostgreSQL"));
        }
        await using (var db = seeded.System()) await DatabaseInitializer.MigrateAsync(db, Ct);
        await using (var db = seeded.System()) await SeedAsync(db);
        var before = await ReadEverythingAsync(seeded.System);

        await using (var from = new NpgsqlConnection(seeded.ConnectionString))
        await using (var to = new NpgsqlConnection(old.ConnectionString))
        await using (var db = seeded.System())
        {
            await from.OpenAsync(Ct);
            await to.OpenAsync(Ct);
            await CopyMainRowsAsync(from, to, MainTables(db), postgres: true);
        }
        await using (var db = old.System()) await DatabaseInitializer.MigrateAsync(db, Ct);

        await AssertUpgradedAsync(old.System, before);
        Assert.Equal(await PostgreSqlTests.DescribeAsync(seeded), await PostgreSqlTests.DescribeAsync(old));
    }

    [Fact]
    public async Task MigrateAsync_HandWrittenHistoryIncomplete_RefusesAndChangesNothing()
    {
        using var old = new TestDatabase("old");
        await using (var connection = old.OpenRaw())
        {
            await ExecuteAsync(connection, Fixture("Sqlite"));
            await ExecuteAsync(connection, """DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = '20261205000000_AuthSessions'""");
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(old.MigrateAsync);

        Assert.Contains("20261204000000_SignalAndAnomalySettings", error.Message);
        await using var db = old.System();
        Assert.Equal(["20261122000000_InitialSchema", "20261122010000_CohortFacts", "20261204000000_SignalAndAnomalySettings"],
            await db.Database.GetAppliedMigrationsAsync(Ct));
    }

    private static string Fixture(string provider) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Migrations", "Fixtures", $"main-{provider}.sql"));

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>
    /// The tables of main's schema (the generated baseline creates exactly those) that today's model still has, parents
    /// before children. Tables dropped since (the cohort facts) stay empty in the old database and go with the upgrade.
    /// </summary>
    private static IReadOnlyList<string> MainTables(CohortDbContext db)
    {
        var migrations = db.GetService<IMigrationsAssembly>();
        var today = db.Model.GetEntityTypes().Select(e => e.GetTableName()).ToHashSet();
        return migrations.CreateMigration(migrations.Migrations[MigrationSchemaTests.BaselineId], db.Database.ProviderName!)
            .UpOperations.OfType<CreateTableOperation>().Select(t => t.Name).Where(today.Contains).ToList();
    }

    /// <summary>
    /// Fills the database main's migrations made with the rows today's code seeded elsewhere: every column main's table
    /// has, nothing else. (Seeding the old database directly would write columns that later migrations add.)
    /// </summary>
    private static async Task CopyMainRowsAsync(DbConnection from, DbConnection to, IReadOnlyList<string> tables, bool postgres)
    {
        foreach (var table in tables)
        {
            var columns = await ColumnsAsync(to, table, postgres);
            var list = string.Join(", ", columns.Select(c => "\"" + c + "\"")); // names from our own schema
            if (postgres)
            {
                string text;
                using (var export = await ((NpgsqlConnection)from).BeginTextExportAsync($"COPY \"{table}\" ({list}) TO STDOUT", Ct))
                    text = await export.ReadToEndAsync(Ct);
                await using (var import = await ((NpgsqlConnection)to).BeginTextImportAsync($"COPY \"{table}\" ({list}) FROM STDIN", Ct))
                    await import.WriteAsync(text);
                // Identities carry on after the copied ids, as they would after rows inserted there.
                if (columns.Contains("id") && await ScalarAsync(to, $"SELECT pg_get_serial_sequence('\"{table}\"', 'id')") is string sequence)
                    await ExecuteAsync(to, $"SELECT setval('{sequence}', MAX(\"id\")) FROM \"{table}\" HAVING MAX(\"id\") IS NOT NULL");
                continue;
            }
            await using var read = from.CreateCommand();
            read.CommandText = $"SELECT {list} FROM \"{table}\"";
            await using var rows = await read.ExecuteReaderAsync(Ct);
            await using var transaction = await to.BeginTransactionAsync(Ct);
            await using var insert = to.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO \"{table}\" ({list}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
            var parameters = columns.Select((_, i) => { var p = insert.CreateParameter(); p.ParameterName = "$p" + i; insert.Parameters.Add(p); return p; }).ToList();
            while (await rows.ReadAsync(Ct))
            {
                for (var i = 0; i < columns.Count; i++) parameters[i].Value = rows.GetValue(i);
                await insert.ExecuteNonQueryAsync(Ct);
            }
            await transaction.CommitAsync(Ct);
        }
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }

    private static async Task<List<string>> ColumnsAsync(DbConnection connection, string table, bool postgres)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = postgres
            ? $"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
            : $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid";
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) columns.Add(reader.GetString(0));
        return columns;
    }

    private static async Task SeedAsync(CohortDbContext system)
    {
        await DemoSeeder.SeedAsync(system, 0.05, AsOf, 7, Ct);
        system.AuthSessions.Add(new AuthSession
        {
            Id = "session-before-upgrade", OrgId = DemoDataGenerator.NorthwindOrgId, Subject = "demo-admin", Ticket = [1, 2, 3],
            CreatedAt = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc), LastSeenAt = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc),
            ExpiresAt = new DateTime(2026, 6, 2, 0, 0, 0, DateTimeKind.Utc), AbsoluteExpiresAt = new DateTime(2026, 6, 8, 0, 0, 0, DateTimeKind.Utc),
        });
        await system.SaveChangesAsync(Ct);
    }

    /// <summary>Every table's row count, and every row of the tables the seed fills, in canonical text.</summary>
    private static async Task<List<string>> ReadEverythingAsync(Func<CohortDbContext> open)
    {
        await using var db = open();
        var lines = new List<string>();
        foreach (var table in MainTables(db).Order(StringComparer.Ordinal))
        {
            var count = "SELECT COUNT(*) AS \"Value\" FROM \"" + table + "\""; // names from our own model
            lines.Add($"{table}: {await db.Database.SqlQueryRaw<int>(count).SingleAsync(Ct)}");
        }
        lines.AddRange((await db.Organizations.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)).Select(r => RowCanon.Row(r)));
        lines.AddRange((await db.Accounts.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)).Select(r => RowCanon.Row(r)));
        lines.AddRange((await db.AccountProducts.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)).Select(r => RowCanon.Row(r)));
        lines.AddRange((await db.Orders.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)).Select(r => RowCanon.Row(r)));
        lines.AddRange((await db.AuthSessions.AsNoTracking().ToListAsync(Ct)).Select(r => RowCanon.Row(r)));
        return lines;
    }

    private static async Task AssertUpgradedAsync(Func<CohortDbContext> open, List<string> before)
    {
        Assert.Contains(before, line => line.StartsWith("orders: ", StringComparison.Ordinal) && line != "orders: 0");
        Assert.Equal(before, await ReadEverythingAsync(open));
        await using (var db = open())
        {
            // The history was taken over at the baseline, and the migrations after it ran as usual.
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(Ct));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        }
        // Identities carry on after the old rows.
        await using (var db = open())
        {
            var maxId = await db.Accounts.MaxAsync(a => a.Id, Ct);
            var account = new Account
            {
                OrgId = DemoDataGenerator.NorthwindOrgId, ExternalId = "acc-after-upgrade", Name = "After", Territory = "West",
                OwnerId = "rep-01", UserType = "business", CreatedAt = new DateTime(2026, 6, 15, 0, 0, 0, DateTimeKind.Utc),
            };
            db.Accounts.Add(account);
            await db.SaveChangesAsync(Ct);
            Assert.Equal(maxId + 1, account.Id);
        }
    }
}
