using System.Data.Common;
using CohortDashboard.Data.Tenancy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Data;

public static class DataServiceCollectionExtensions
{
    public const string DefaultSqliteConnectionString = "Data Source=data/cohortdashboard.db";

    /// <summary>Seconds a SQLite command waits for a lock held by another connection (busy timeout) before failing.</summary>
    public const int SqliteBusyTimeoutSeconds = 30;

    /// <summary>
    /// Registers the database: <see cref="DatabaseInfo"/> (singleton), <see cref="OrgScope"/> (scoped) and a scoped
    /// <see cref="IDbContextFactory{TContext}"/> of <see cref="CohortDbContext"/> (scoped so each context it creates gets
    /// the scope's <see cref="OrgScope"/>; the context itself is also resolvable, scoped).
    /// Reads <c>Database:Provider</c> (<c>Sqlite</c> default | <c>PostgreSQL</c>) and <c>ConnectionStrings:Default</c>.
    /// </summary>
    public static IServiceCollection AddCohortDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = DatabaseInfo.ParseProvider(configuration["Database:Provider"]);
        var connectionString = PrepareConnectionString(provider, configuration.GetConnectionString("Default"));

        services.AddSingleton(new DatabaseInfo(provider));
        services.AddScoped<OrgScope>();
        services.AddDbContextFactory<CohortDbContext>(
            options => ConfigureDbContext(options, provider, connectionString), ServiceLifetime.Scoped);
        return services;
    }

    /// <summary>
    /// Registers this instance's <see cref="Columnar.ColumnarStore"/> unless <c>Columnar:Enabled</c> is false. Its files go
    /// to <c>Columnar:Directory</c>, by default a directory beside the SQLite file (<c>app.db.columnar/</c>) or, for
    /// PostgreSQL, under the temp directory (one per connection string): a derived store, rebuilt from the primary.
    /// </summary>
    private static string ShortHash(string text) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];

    public static IServiceCollection AddColumnarStore(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.Equals(configuration["Columnar:Enabled"], "false", StringComparison.OrdinalIgnoreCase)) return services;
        var provider = DatabaseInfo.ParseProvider(configuration["Database:Provider"]);
        var directory = configuration["Columnar:Directory"];
        if (string.IsNullOrWhiteSpace(directory))
        {
            var connectionString = configuration.GetConnectionString("Default");
            var dataSource = provider == DatabaseProvider.Sqlite
                ? new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString : connectionString).DataSource
                : null;
            directory = !string.IsNullOrEmpty(dataSource) && dataSource != ":memory:" && !dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
                ? Path.GetFullPath(dataSource) + ".columnar"
                // One directory per instance as well: DuckDB locks its files per process, and instances sharing one
                // would replace each other's files and rebuild in turn. A named instance keeps its store across restarts.
                : Path.Combine(Path.GetTempPath(), "cohortdashboard-columnar", ShortHash(connectionString ?? ""),
                    ShortHash(configuration["Instances:Name"] is { Length: > 0 } instance ? instance : $"process-{Environment.ProcessId}"));
        }
        var memoryLimit = int.TryParse(configuration["Columnar:MemoryLimitMegabytes"], System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var megabytes) && megabytes >= 64 ? megabytes : 192;
        services.AddSingleton(sp => new Columnar.ColumnarStore(directory, orgId =>
            {
                // The context options are registered per scope, and EF resolves services through that scope: both live
                // for the build.
                var scope = sp.CreateScope();
                return (DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, orgId), scope);
            },
            sp.GetService<Microsoft.Extensions.Logging.ILogger<Columnar.ColumnarStore>>(), memoryLimit, sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Applies our provider, connection string and warning settings to <paramref name="options"/>; used by
    /// <see cref="AddCohortDatabase"/> and by tools and tests that build a context by hand.
    /// </summary>
    public static DbContextOptionsBuilder ConfigureDbContext(
        DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                options.UseSqlite(connectionString).AddInterceptors(SqliteInterrupt.Instance)
                    .ReplaceService<Microsoft.EntityFrameworkCore.Query.IQuerySqlGeneratorFactory, Filters.ShallowSqliteQuerySqlGeneratorFactory>();
                break;
            case DatabaseProvider.PostgreSQL:
                options.UseNpgsql(connectionString);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, null);
        }
        // One assembly holds a migration set per provider; EF must see only this provider's.
        options.ReplaceService<IMigrationsAssembly, Migrations.ProviderMigrationsAssembly>();
        return options;
    }

    /// <summary>
    /// Fills in defaults: for SQLite the default file, a busy timeout, creates the file (and its directory) now and
    /// opens it <c>Mode=ReadWrite</c> from then on unless a <c>Mode</c> is configured; for PostgreSQL a connection
    /// string is required.
    /// </summary>
    public static string PrepareConnectionString(DatabaseProvider provider, string? connectionString)
    {
        if (provider == DatabaseProvider.PostgreSQL)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException(
                    "Database:Provider is PostgreSQL but ConnectionStrings:Default is not set.");
            return connectionString;
        }

        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString : connectionString);
        if (!connectionString?.Contains("Timeout", StringComparison.OrdinalIgnoreCase) ?? true)
            builder.DefaultTimeout = SqliteBusyTimeoutSeconds;
        var dataSource = builder.DataSource;
        var inMemory = builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(dataSource) ||
                       dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
        if (!inMemory)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
            if (!new DbConnectionStringBuilder { ConnectionString = connectionString ?? "" }.ContainsKey("Mode"))
            {
                // The file is created here, at start-up, and never again: every later connection opens it ReadWrite, so
                // a database that vanishes while we run is an error (and /healthz says so), not a new empty database.
                if (!File.Exists(dataSource))
                {
                    using var create = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dataSource, Pooling = false }.ToString());
                    create.Open();
                }
                builder.Mode = SqliteOpenMode.ReadWrite;
            }
        }
        return builder.ToString();
    }
}
