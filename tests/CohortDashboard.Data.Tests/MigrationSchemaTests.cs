using CohortDashboard.Data.Tenancy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CohortDashboard.Data.Tests;

public sealed class MigrationSchemaTests
{
    /// <summary>The first migration of both generated sets (they share the id, so a database's history reads the same on either).</summary>
    internal const string BaselineId = "20261204232702_InitialSchema";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_EmptySqliteDatabase_SchemaEqualsEnsureCreated()
    {
        using var migrated = new TestDatabase("migrated");
        using var created = new TestDatabase("created");
        await migrated.MigrateAsync();
        await using (var db = created.System())
            Assert.True(await db.Database.EnsureCreatedAsync(Ct));

        var expected = DescribeSchema(created);
        var actual = DescribeSchema(migrated);

        Assert.Equal(17, expected.Count(line => line.StartsWith("table ", StringComparison.Ordinal)));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Migrate_AppliedTwice_IsNoOp()
    {
        using var database = new TestDatabase();
        await database.MigrateAsync();
        var before = DescribeSchema(database);
        await database.MigrateAsync();

        await using var db = database.System();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Equal(BaselineId, db.Database.GetMigrations().First());
        Assert.Equal(before, DescribeSchema(database));
    }

    [Fact]
    public async Task Migrate_ToZero_DropsEveryTable()
    {
        using var database = new TestDatabase();
        await database.MigrateAsync();
        await using (var db = database.System())
            await db.GetService<IMigrator>().MigrateAsync("0", Ct);

        Assert.DoesNotContain(DescribeSchema(database), line => line.StartsWith("table ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Migrate_SqliteFile_UsesWalJournal()
    {
        using var database = new TestDatabase();
        await database.MigrateAsync();
        using var connection = database.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)command.ExecuteScalar());
    }

    /// <summary>
    /// SQLite ignores lengths and precision, so the SQLite schema comparison alone would not notice a PostgreSQL
    /// migration that lags the model. Each provider sees only its own migration set, and its snapshot equals the model
    /// (otherwise <c>MigrateAsync</c> would refuse with PendingModelChangesWarning, which is no longer suppressed).
    /// </summary>
    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "CohortDashboard.Data.Migrations.Sqlite")]
    [InlineData(DatabaseProvider.PostgreSQL, "CohortDashboard.Data.Migrations.PostgreSql")]
    public void Migrations_ForProvider_OwnSetWhoseSnapshotMatchesModel(DatabaseProvider provider, string expectedNamespace)
    {
        var connectionString = provider == DatabaseProvider.Sqlite ? "Data Source=:memory:" : "Host=localhost";
        var options = (DbContextOptions<CohortDbContext>)DataServiceCollectionExtensions
            .ConfigureDbContext(new DbContextOptionsBuilder<CohortDbContext>(), provider, connectionString).Options;
        using var db = new CohortDbContext(options, OrgScope.System());
        var migrations = db.GetService<IMigrationsAssembly>();

        Assert.Equal(BaselineId, migrations.Migrations.Keys.First());
        Assert.All(migrations.Migrations.Values, type => Assert.Equal(expectedNamespace, type.Namespace));
        Assert.Equal(expectedNamespace, migrations.ModelSnapshot?.GetType().Namespace);
        Assert.False(db.Database.HasPendingModelChanges());
    }

    /// <summary>Tables, columns, indexes and foreign keys of a SQLite file, one normalised line each.</summary>
    internal static List<string> DescribeSchema(TestDatabase database)
    {
        using var connection = database.OpenRaw();
        var lines = new List<string>();
        var tables = Query(connection,
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EFMigrations%' ORDER BY name",
            r => (Name: r.GetString(0), Sql: r.GetString(1)));
        foreach (var (table, sql) in tables)
        {
            lines.Add($"table {table} autoincrement={sql.Contains("AUTOINCREMENT", StringComparison.OrdinalIgnoreCase)}");
            lines.AddRange(Query(connection, $"PRAGMA table_info(\"{table}\")",
                r => $"column {table}.{r.GetString(1)} {r.GetString(2)} notnull={r.GetInt64(3)} default={(r.IsDBNull(4) ? "" : r.GetString(4))} pk={r.GetInt64(5)}"));
            foreach (var (index, unique, origin) in Query(connection, $"PRAGMA index_list(\"{table}\")",
                         r => (r.GetString(1), r.GetInt64(2), r.GetString(3))))
            {
                var columns = Query(connection, $"PRAGMA index_info(\"{index}\")", r => (Seq: r.GetInt64(0), Name: r.GetString(2)))
                    .OrderBy(c => c.Seq).Select(c => c.Name);
                lines.Add($"index {table} {index} unique={unique} origin={origin} ({string.Join(",", columns)})");
            }
            lines.AddRange(Query(connection, $"PRAGMA foreign_key_list(\"{table}\")",
                r => $"fk {table} ({r.GetString(3)}) -> {r.GetString(2)}({r.GetString(4)}) update={r.GetString(5)} delete={r.GetString(6)}"));
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }
}
