using CohortDashboard.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CohortDashboard.Data.Tests;

/// <summary>
/// A throwaway database on the PostgreSQL server named by <c>COHORTDASHBOARD_TEST_POSTGRES</c> (the test is skipped
/// when it is not set); dropped on dispose.
/// </summary>
public sealed class PostgresTempDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;

    private PostgresTempDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<PostgresTempDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable("COHORTDASHBOARD_TEST_POSTGRES");
        Assert.SkipWhen(string.IsNullOrWhiteSpace(server), "COHORTDASHBOARD_TEST_POSTGRES is not set; no PostgreSQL server to test against.");
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        var admin = builder.ToString();
        var name = "cohort_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        builder.Database = name;
        return new PostgresTempDatabase(admin, name, builder.ToString());
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
