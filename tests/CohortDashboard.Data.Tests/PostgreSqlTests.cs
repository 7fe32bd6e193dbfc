using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CohortDashboard.Data.Tests;

/// <summary>
/// Runs against a real PostgreSQL server when <c>COHORTDASHBOARD_TEST_POSTGRES</c> holds a connection string to it
/// (a loopback server; the user must be allowed to create databases); skipped otherwise. Each test creates and drops
/// its own databases.
/// </summary>
public sealed class PostgreSqlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_EmptyPostgreSqlDatabase_SchemaEqualsEnsureCreated()
    {
        await using var migrated = await PostgresTempDatabase.CreateAsync();
        await using var created = await PostgresTempDatabase.CreateAsync();
        await using (var db = migrated.System())
        {
            await DatabaseInitializer.MigrateAsync(db, Ct);
            await DatabaseInitializer.MigrateAsync(db, Ct); // twice: a no-op
        }
        await using (var db = created.System())
            Assert.True(await db.Database.EnsureCreatedAsync(Ct));

        var expected = await DescribeAsync(created);
        Assert.Contains(expected, line => line.Contains("organizations.id bigint") && line.Contains("identity=YES/BY DEFAULT"));
        Assert.Contains(expected, line => line.Contains("orders.gross_revenue numeric") && line.Contains("19,4"));
        Assert.Equal(expected, await DescribeAsync(migrated));
    }

    [Fact]
    public async Task SeedAsync_PostgreSql_RoundTripsAndResetsIdentities()
    {
        await using var database = await PostgresTempDatabase.CreateAsync();
        var asOf = new DateOnly(2026, 6, 15);
        await using (var db = database.System())
        {
            await DatabaseInitializer.MigrateAsync(db, Ct);
            Assert.NotNull(await DemoSeeder.SeedIfEmptyAsync(db, 0.05, asOf, 9, Ct));
        }
        var expected = DemoDataGenerator.Generate(9, 0.05, asOf);
        await using (var db = database.System())
        {
            Assert.Equal(Canon(expected.Organizations), Canon(await db.Organizations.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)));
            Assert.Equal(Canon(expected.Accounts), Canon(await db.Accounts.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)));
            Assert.Equal(Canon(expected.AccountProducts), Canon(await db.AccountProducts.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)));
            Assert.Equal(Canon(expected.Orders), Canon(await db.Orders.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct)));
        }
        await using (var db = database.For(DemoDataGenerator.ContosoOrgId))
        {
            var audit = new AuditEvent { Actor = "t", At = DateTime.UtcNow, Action = "a", TargetType = "t" };
            var account = new Account
            {
                ExternalId = "acc-new", Name = "New", Territory = "DACH", OwnerId = "rep-01", UserType = "business",
                CreatedAt = DateTime.UtcNow,
            };
            db.AddRange(audit, account);
            await db.SaveChangesAsync(Ct);
            Assert.Equal(expected.Accounts.Max(a => a.Id) + 1, account.Id);
            Assert.Equal(1, audit.Id);
        }
    }

    private static List<string> Canon<T>(IEnumerable<T> rows) where T : notnull => rows.Select(r => RowCanon.Row(r)).ToList();

    internal static async Task<List<string>> DescribeAsync(PostgresTempDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        var lines = new List<string>();
        async Task Read(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
                lines.Add(string.Join(" ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "-" : reader.GetValue(i).ToString())));
        }
        await Read("""
            SELECT 'column', table_name || '.' || column_name, data_type, character_maximum_length,
                   numeric_precision || ',' || numeric_scale, is_nullable, 'identity=' || is_identity || '/' || coalesce(identity_generation, ''), column_default
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\_\_EFMigrations%'
            """);
        await Read("SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '\\_\\_EFMigrations%'");
        await Read("""
            SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '%EFMigrations%'
            """);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
