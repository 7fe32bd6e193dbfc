using CohortDashboard.Data.Migrations;
using CohortDashboard.Data.Tenancy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;

namespace CohortDashboard.Data.Tests;

public sealed class MigrationSchemaTests
{
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

        Assert.Equal(15, expected.Count(line => line.StartsWith("table ", StringComparison.Ordinal)));
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
        Assert.Equal(["20261122000000_InitialSchema", "20261122010000_CohortFacts", "20261204000000_SignalAndAnomalySettings",
            "20261205000000_AuthSessions", "20261206010000_OrgDataVersion"], await db.Database.GetAppliedMigrationsAsync(Ct));
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
    /// SQLite ignores lengths and precision, so the SQLite comparison alone would not notice a wrong maxLength or a
    /// missing identity annotation for PostgreSQL. This compares the hand-written operations with what EF derives from
    /// the model, for each provider, including the store type each provider infers for every column.
    /// </summary>
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSQL)]
    public void Migrations_Operations_MatchModelForProvider(DatabaseProvider provider)
    {
        var connectionString = provider == DatabaseProvider.Sqlite ? "Data Source=:memory:" : "Host=localhost";
        var options = (DbContextOptions<CohortDbContext>)DataServiceCollectionExtensions
            .ConfigureDbContext(new DbContextOptionsBuilder<CohortDbContext>(), provider, connectionString).Options;
        using var db = new CohortDbContext(options, OrgScope.System());
        var model = db.GetService<IDesignTimeModel>().Model.GetRelationalModel();
        var expected = db.GetService<IMigrationsModelDiffer>().GetDifferences(null, model);
        var typeMappings = db.GetService<IRelationalTypeMappingSource>();

        var actual = new InitialSchema().UpOperations.Concat(new CohortFacts().UpOperations)
            .Concat(new SignalAndAnomalySettings().UpOperations).Concat(new AuthSessions().UpOperations)
            .Concat(new OrgDataVersionColumn().UpOperations);

        var prefix = provider == DatabaseProvider.Sqlite ? "Sqlite:" : "Npgsql:";
        Assert.Equal(Describe(expected, null, prefix), Describe(actual, typeMappings, prefix));
    }

    private static List<string> Describe(IEnumerable<MigrationOperation> operations, IRelationalTypeMappingSource? inferTypes, string prefix)
    {
        var lines = new List<string>();
        foreach (var operation in operations)
        {
            switch (operation)
            {
                case CreateTableOperation table:
                    lines.Add($"table {table.Name} pk {table.PrimaryKey?.Name}({string.Join(",", table.PrimaryKey?.Columns ?? [])})" +
                              Annotations(table, prefix));
                    foreach (var column in table.Columns) lines.Add(ColumnLine(table.Name, column, inferTypes, prefix));
                    foreach (var fk in table.ForeignKeys)
                        lines.Add($"fk {table.Name} {fk.Name} ({string.Join(",", fk.Columns)}) -> {fk.PrincipalTable}" +
                                  $"({string.Join(",", fk.PrincipalColumns ?? [])}) delete={fk.OnDelete}");
                    foreach (var unique in table.UniqueConstraints)
                        lines.Add($"unique {table.Name} {unique.Name} ({string.Join(",", unique.Columns)})");
                    break;
                case AddColumnOperation column: // a later migration's column is part of the table the model creates
                    lines.Add(ColumnLine(column.Table, column, inferTypes, prefix));
                    break;
                case CreateIndexOperation index:
                    lines.Add($"index {index.Table} {index.Name} ({string.Join(",", index.Columns)}) unique={index.IsUnique} " +
                              $"filter={index.Filter}" + Annotations(index, prefix));
                    break;
                default:
                    lines.Add("other " + operation.GetType().Name);
                    break;
            }
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string ColumnLine(string table, ColumnOperation column, IRelationalTypeMappingSource? inferTypes, string prefix)
    {
        var storeType = column.ColumnType ?? inferTypes?.FindMapping(column.ClrType, null, false,
            column.IsUnicode, column.MaxLength, null, column.IsFixedLength, column.Precision, column.Scale)?.StoreType;
        return $"column {table}.{column.Name} {column.ClrType.Name} {storeType} null={column.IsNullable} " +
               $"max={column.MaxLength} precision={column.Precision} scale={column.Scale} " +
               $"default={column.DefaultValue ?? column.DefaultValueSql}" + Annotations(column, prefix);
    }

    // The migration carries both providers' identity annotations; keep only the active provider's for comparison.
    private static string Annotations(IAnnotatable annotatable, string prefix) =>
        string.Concat(annotatable.GetAnnotations()
            .Where(a => !a.Name.Contains(':') || a.Name.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .Select(a => $" @{a.Name}={a.Value}"));

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
