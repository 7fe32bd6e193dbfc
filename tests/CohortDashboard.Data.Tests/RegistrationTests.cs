using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Data.Tests;

public sealed class RegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceProvider Build(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddCohortDatabase(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    [Theory]
    [InlineData(null, "Sqlite")]
    [InlineData("sqlite", "Sqlite")]
    [InlineData("POSTGRESQL", "PostgreSQL")]
    public void AddCohortDatabase_ProviderSetting_RegistersDatabaseInfo(string? setting, string expected)
    {
        using var temp = new TestDatabase();
        using var services = Build(("Database:Provider", setting),
            ("ConnectionStrings:Default", expected == "Sqlite" ? temp.ConnectionString : "Host=127.0.0.1;Database=x"));
        Assert.Equal(expected, services.GetRequiredService<DatabaseInfo>().Provider);
        using var scope = services.CreateScope();
        using var db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContext();
        Assert.Equal(expected == "Sqlite", db.Database.IsSqlite());
        Assert.Equal(expected == "PostgreSQL", db.Database.IsNpgsql());
    }

    [Fact]
    public void AddCohortDatabase_UnknownProvider_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(("Database:Provider", "Oracle")));
        Assert.Contains("Database:Provider", error.Message);
        Assert.Contains("Oracle", error.Message);
    }

    [Fact]
    public void AddCohortDatabase_PostgreSqlWithoutConnectionString_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Build(("Database:Provider", "PostgreSQL")));
    }

    [Fact]
    public void PrepareConnectionString_SqliteFileInMissingDirectory_CreatesDirectoryAndSetsBusyTimeout()
    {
        using var temp = new TestDatabase();
        var directory = Path.Combine(Path.GetDirectoryName(temp.FilePath)!, "nested", "data");
        var prepared = DataServiceCollectionExtensions.PrepareConnectionString(
            DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory, "app.db")}");
        Assert.True(Directory.Exists(directory));
        Assert.Contains("Default Timeout=30", prepared);
    }

    [Fact]
    public async Task PrepareConnectionString_SqliteFile_CreatedNowThenNeverRecreatedWhenItVanishes()
    {
        using var temp = new TestDatabase();
        var path = Path.Combine(Path.GetDirectoryName(temp.FilePath)!, "vanishing.db");
        var prepared = DataServiceCollectionExtensions.PrepareConnectionString(DatabaseProvider.Sqlite, $"Data Source={path}");
        Assert.True(File.Exists(path));
        Assert.Equal(Microsoft.Data.Sqlite.SqliteOpenMode.ReadWrite, new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(prepared).Mode);

        File.Delete(path);
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(prepared);
        var error = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => connection.OpenAsync(Ct));

        Assert.Equal(14, error.SqliteErrorCode); // SQLITE_CANTOPEN
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void PrepareConnectionString_ModeConfigured_Kept()
    {
        var prepared = DataServiceCollectionExtensions.PrepareConnectionString(DatabaseProvider.Sqlite, "Data Source=x.db;Mode=Memory;Cache=Shared");
        Assert.Equal(Microsoft.Data.Sqlite.SqliteOpenMode.Memory, new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(prepared).Mode);
    }

    [Fact]
    public void PrepareConnectionString_NoSetting_UsesDefaultFile()
    {
        var prepared = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(
            DataServiceCollectionExtensions.PrepareConnectionString(DatabaseProvider.Sqlite, null));
        Assert.Equal("data/cohortdashboard.db", prepared.DataSource);
    }

    [Fact]
    public async Task ContextFactory_InScope_UsesTheScopesOrgScope()
    {
        using var temp = new TestDatabase();
        await using var services = Build(("ConnectionStrings:Default", temp.ConnectionString));
        await DatabaseInitializer.MigrateAsync(services, Ct);
        Assert.NotNull(await DemoSeeder.SeedIfEmptyAsync(services, 0.05, new DateOnly(2026, 6, 15), 1, Ct));
        Assert.Null(await DemoSeeder.SeedIfEmptyAsync(services, 0.05, new DateOnly(2026, 6, 15), 1, Ct));

        await using var scope = services.CreateAsyncScope();
        var orgScope = scope.ServiceProvider.GetRequiredService<OrgScope>();
        orgScope.Set(DemoDataGenerator.ContosoOrgId);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        Assert.Same(orgScope, db.Scope);
        Assert.Equal([DemoDataGenerator.ContosoOrgId], await db.Accounts.Select(a => a.OrgId).Distinct().ToListAsync(Ct));
        Assert.Same(orgScope, scope.ServiceProvider.GetRequiredService<CohortDbContext>().Scope);

        await using var otherScope = services.CreateAsyncScope();
        await using var unscoped = await otherScope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        Assert.False(await unscoped.Accounts.AnyAsync(Ct));
    }
}
