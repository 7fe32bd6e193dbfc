using CohortDashboard.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CohortDashboard.Data;

/// <summary>
/// What <c>dotnet ef</c> builds to add or script a migration: a system-scoped context for the provider named after
/// <c>--</c> (<c>--provider Sqlite</c>, the default, or <c>--provider PostgreSQL</c>), so each provider's migration set
/// is generated from its own model. No database is contacted to add or script a migration; the connection string only
/// matters for <c>dotnet ef database update</c> (<c>--connection "…"</c> after <c>--</c>).
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CohortDbContext>
{
    public CohortDbContext CreateDbContext(string[] args)
    {
        var provider = DatabaseInfo.ParseProvider(Argument(args, "--provider"));
        var connectionString = Argument(args, "--connection") ?? (provider == DatabaseProvider.Sqlite
            ? "Data Source=:memory:"
            : "Host=127.0.0.1;Username=postgres;Database=cohortdashboard");
        var options = new DbContextOptionsBuilder<CohortDbContext>();
        DataServiceCollectionExtensions.ConfigureDbContext(options, provider, connectionString);
        return new CohortDbContext(options.Options, OrgScope.System());
    }

    private static string? Argument(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
