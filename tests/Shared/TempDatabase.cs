using CohortDashboard.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CohortDashboard.Testing;

/// <summary>
/// A new empty database for one test: a SQLite file in its own directory, or a database on the PostgreSQL server named
/// by <c>COHORTDASHBOARD_TEST_POSTGRES</c> (the test is skipped when it is not set). Dropped on dispose.
/// </summary>
public sealed class TempDatabase : IAsyncDisposable
{
    private readonly Func<ValueTask> _drop;

    private TempDatabase(DatabaseProvider provider, string connectionString, Func<ValueTask> drop)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _drop = drop;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// <summary>The app settings that point an app (or <see cref="Services"/>) at this database.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:Default"] = ConnectionString,
    };

    public static Task<TempDatabase> CreateAsync(DatabaseProvider provider) =>
        provider == DatabaseProvider.Sqlite ? Task.FromResult(Sqlite()) : PostgreSqlAsync();

    public static TempDatabase Sqlite()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cohortdashboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return new TempDatabase(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory, "app.db")}", () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
            return ValueTask.CompletedTask;
        });
    }

    public static async Task<TempDatabase> PostgreSqlAsync()
    {
        var server = Environment.GetEnvironmentVariable("COHORTDASHBOARD_TEST_POSTGRES");
        Assert.SkipWhen(string.IsNullOrWhiteSpace(server), "COHORTDASHBOARD_TEST_POSTGRES is not set; no PostgreSQL server to test against.");
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ToString();
        var name = "cohort_test_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
        return new TempDatabase(DatabaseProvider.PostgreSQL, connectionString,
            () => new ValueTask(ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)")));
    }

    /// <summary>A service provider with the app's database registration for this database, migrated.</summary>
    public async Task<ServiceProvider> ServicesAsync(Action<IServiceCollection>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();
        var services = new ServiceCollection().AddLogging().AddCohortDatabase(configuration);
        more?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await DatabaseInitializer.MigrateAsync(provider);
        return provider;
    }

    public ValueTask DisposeAsync() => _drop();

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
