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
    private const string EnvironmentVariable = "COHORTDASHBOARD_TEST_POSTGRES";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_EmptyPostgreSqlDatabase_SchemaEqualsEnsureCreated()
    {
        await using var migrated = await TempDatabase.CreateAsync();
        await using var created = await TempDatabase.CreateAsync();
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
        await using var database = await TempDatabase.CreateAsync();
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

    private static async Task<List<string>> DescribeAsync(TempDatabase database)
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

    private sealed class TempDatabase : IAsyncDisposable
    {
        private readonly string _admin;
        private readonly string _name;

        private TempDatabase(string admin, string name, string connectionString)
        {
            _admin = admin;
            _name = name;
            ConnectionString = connectionString;
        }

        public string ConnectionString { get; }

        public static async Task<TempDatabase> CreateAsync()
        {
            var server = Environment.GetEnvironmentVariable(EnvironmentVariable);
            Assert.SkipWhen(string.IsNullOrWhiteSpace(server), $"{EnvironmentVariable} is not set; no PostgreSQL server to test against.");
            var builder = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
            var admin = builder.ToString();
            var name = "cohort_test_" + Guid.NewGuid().ToString("N")[..12];
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync(Ct);
                await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await command.ExecuteNonQueryAsync(Ct);
            }
            builder.Database = name;
            return new TempDatabase(admin, name, builder.ToString());
        }

        public CohortDbContext System() => new(Options(), OrgScope.System());
        public CohortDbContext For(long orgId) => new(Options(), OrgScope.For(orgId));

        private DbContextOptions<CohortDbContext> Options() => (DbContextOptions<CohortDbContext>)DataServiceCollectionExtensions
            .ConfigureDbContext(new DbContextOptionsBuilder<CohortDbContext>(), DatabaseProvider.PostgreSQL, ConnectionString).Options;

        public async ValueTask DisposeAsync()
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
