using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Web.Features.AccountCohorts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CohortDashboard.Web.Tests.AccountCohorts;

/// <summary>
/// The two account-cohort writes on a real SQLite file and, when <c>COHORTDASHBOARD_TEST_POSTGRES</c> names a server
/// (test.sh starts one on loopback), on PostgreSQL: same demo data, same clock, same rows.
/// </summary>
public sealed class AccountCohortProvidersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateOnly AsOf = new(2026, 6, 15);
    private static readonly DateTime Now = new(2026, 6, 15, 12, 0, 0, DateTimeKind.Utc);

    private sealed record Row(string Cohort, DateOnly Month, int Members, decimal StartingArr, decimal TotalArr, decimal ChurnArr, decimal? Nrr, decimal? Grr, decimal AvgHealth);

    private static async Task<(GenerateDefinitionsResponse First, GenerateDefinitionsResponse Second, List<Row> Rows, long FirstMaxId, long SecondMinId)> RunAsync(
        DatabaseProvider provider, string connectionString)
    {
        var options = (DbContextOptions<CohortDbContext>)DataServiceCollectionExtensions
            .ConfigureDbContext(new DbContextOptionsBuilder<CohortDbContext>(), provider, connectionString).Options;
        await using (var system = new CohortDbContext(options, OrgScope.System()))
        {
            await DatabaseInitializer.MigrateAsync(system, Ct);
            await DemoSeeder.SeedIfEmptyAsync(system, 0.05, AsOf, 7, Ct);
        }
        await using var db = new CohortDbContext(options, OrgScope.For(DemoDataGenerator.NorthwindOrgId));
        var first = await AccountCohortJobs.GenerateDefinitionsAsync(db, "test", Now, Ct);
        await AccountCohortJobs.RecomputeSnapshotsAsync(db, "test", Now, Ct);
        var firstMax = await db.CohortSnapshots.MaxAsync(s => s.Id, Ct);
        var second = await AccountCohortJobs.GenerateDefinitionsAsync(db, "test", Now, Ct);
        await AccountCohortJobs.RecomputeSnapshotsAsync(db, "test", Now, Ct);
        var secondMin = await db.CohortSnapshots.MinAsync(s => s.Id, Ct);
        var names = await db.CohortDefinitions.ToDictionaryAsync(d => d.Id, d => d.Name, Ct);
        var rows = (await db.CohortSnapshots.AsNoTracking().ToListAsync(Ct))
            .Select(s => new Row(names[s.CohortDefinitionId], s.PeriodMonth, s.Members, s.StartingArr, s.TotalArr, s.ChurnArr, s.Nrr, s.Grr, s.AvgHealth))
            .OrderBy(r => r.Cohort, StringComparer.Ordinal).ThenBy(r => r.Month).ToList();
        return (first, second, rows, firstMax, secondMin);
    }

    [Fact]
    public async Task GenerateAndRecompute_SqliteAndPostgreSql_SameRowsIdempotentUpsertFreshIds()
    {
        var server = Environment.GetEnvironmentVariable("COHORTDASHBOARD_TEST_POSTGRES");
        Assert.SkipWhen(string.IsNullOrWhiteSpace(server), "COHORTDASHBOARD_TEST_POSTGRES is not set; no PostgreSQL server to test against.");
        var directory = Path.Combine(Path.GetTempPath(), "cohortdashboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        var name = "acct_test_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(admin.ToString(), $"CREATE DATABASE {name}");
        try
        {
            var sqlite = await RunAsync(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory, "a.db")}");
            var postgres = await RunAsync(DatabaseProvider.PostgreSQL, new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ToString());

            foreach (var run in new[] { sqlite, postgres })
            {
                Assert.True(run.First.Inserted > 0);
                Assert.Equal(0, run.Second.Inserted);
                Assert.Equal(run.First.TotalCohorts, run.Second.Updated);
                Assert.True(run.SecondMinId > run.FirstMaxId);
                Assert.NotEmpty(run.Rows);
            }
            Assert.Equal(sqlite.First, postgres.First);
            Assert.Equal(sqlite.Rows, postgres.Rows);
        }
        finally
        {
            await ExecuteAsync(admin.ToString(), $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    [Fact]
    public async Task GenerateDefinitions_FiscalYearStartingFebruary_VintagesAreFiscalQuartersOfTheLocalCreationDate()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cohortdashboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var options = (DbContextOptions<CohortDbContext>)DataServiceCollectionExtensions.ConfigureDbContext(
                new DbContextOptionsBuilder<CohortDbContext>(), DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory, "f.db")}").Options;
            await using (var system = new CohortDbContext(options, OrgScope.System()))
            {
                await DatabaseInitializer.MigrateAsync(system, Ct);
                await DemoSeeder.SeedIfEmptyAsync(system, 0.05, AsOf, 7, Ct);
                await system.Organizations.Where(o => o.Id == DemoDataGenerator.NorthwindOrgId)
                    .ExecuteUpdateAsync(u => u.SetProperty(o => o.FiscalYearStartMonth, 2), Ct);
            }
            await using var db = new CohortDbContext(options, OrgScope.For(DemoDataGenerator.NorthwindOrgId));
            var zone = Analytics.Periods.LocalCalendar.FindTimeZone((await db.Organizations.SingleAsync(Ct)).TimeZone);
            var accounts = await db.Accounts.AsNoTracking().ToListAsync(Ct);

            await AccountCohortJobs.GenerateDefinitionsAsync(db, "test", Now, Ct);

            var vintages = await db.CohortDefinitions.Where(d => d.CohortType == Data.Model.CohortType.Vintage).ToListAsync(Ct);
            // Hand-worked: with a February fiscal year, a local January date is Q4 of the fiscal year that began the
            // February before, and February–April is Q1 of the year it starts in.
            static string Expected(DateOnly local) => local.Month switch
            {
                1 => $"Vintage {local.Year - 1}-Q4",
                >= 2 and <= 4 => $"Vintage {local.Year}-Q1",
                >= 5 and <= 7 => $"Vintage {local.Year}-Q2",
                >= 8 and <= 10 => $"Vintage {local.Year}-Q3",
                _ => $"Vintage {local.Year}-Q4",
            };
            var expected = accounts.GroupBy(a => Expected(Analytics.Periods.LocalCalendar.LocalDate(a.CreatedAt, zone)))
                .ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(expected.OrderBy(e => e.Key), vintages.Select(v => new KeyValuePair<string, int>(v.Name, v.MemberCount)).OrderBy(e => e.Key));
            Assert.Contains(accounts, a => Analytics.Periods.LocalCalendar.LocalDate(a.CreatedAt, zone).Month == 1);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
