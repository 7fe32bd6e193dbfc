using CohortDashboard.Data.Tenancy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Tests;

/// <summary>A real SQLite file in its own temp directory, deleted on dispose.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _directory;

    public TestDatabase(string name = "test")
    {
        _directory = Path.Combine(Path.GetTempPath(), "cohort-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        FilePath = Path.Combine(_directory, name + ".db");
        ConnectionString = DataServiceCollectionExtensions.PrepareConnectionString(
            DatabaseProvider.Sqlite, $"Data Source={FilePath}");
        Options = (DbContextOptions<CohortDbContext>)DataServiceCollectionExtensions
            .ConfigureDbContext(new DbContextOptionsBuilder<CohortDbContext>(), DatabaseProvider.Sqlite, ConnectionString)
            .Options;
    }

    public string FilePath { get; }
    public string ConnectionString { get; }
    public DbContextOptions<CohortDbContext> Options { get; }

    public CohortDbContext System() => new(Options, OrgScope.System());
    public CohortDbContext For(long orgId) => new(Options, OrgScope.For(orgId));
    public CohortDbContext Unscoped() => new(Options, new OrgScope());

    public async Task MigrateAsync()
    {
        await using var db = System();
        await DatabaseInitializer.MigrateAsync(db, TestContext.Current.CancellationToken);
    }

    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
