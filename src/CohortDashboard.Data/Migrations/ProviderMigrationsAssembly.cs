using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CohortDashboard.Data.Migrations;

/// <summary>
/// Our two migration sets live in one assembly, one namespace per provider (<c>Migrations/Sqlite</c>,
/// <c>Migrations/PostgreSql</c>); EF's default would see both sets and both snapshots. This shows EF (at run time and
/// to <c>dotnet ef</c>) only the set of the provider the context uses.
/// </summary>
internal sealed class ProviderMigrationsAssembly(ICurrentDbContext currentContext, IMigrationsIdGenerator idGenerator)
    : IMigrationsAssembly
{
    private readonly string _namespace = NamespaceFor(currentContext.Context.Database.ProviderName);
    private IReadOnlyDictionary<string, TypeInfo>? _migrations;
    private ModelSnapshot? _snapshot;

    public static string NamespaceFor(string? providerName) => providerName switch
    {
        "Microsoft.EntityFrameworkCore.Sqlite" => typeof(ProviderMigrationsAssembly).Namespace + ".Sqlite",
        "Npgsql.EntityFrameworkCore.PostgreSQL" => typeof(ProviderMigrationsAssembly).Namespace + ".PostgreSql",
        _ => throw new NotSupportedException($"No migrations for the EF provider '{providerName}'."),
    };

    public Assembly Assembly => typeof(ProviderMigrationsAssembly).Assembly;

    public IReadOnlyDictionary<string, TypeInfo> Migrations => _migrations ??= OwnTypes()
        .Where(t => t.IsSubclassOf(typeof(Migration)))
        .Select(t => (Id: t.GetCustomAttribute<MigrationAttribute>()?.Id, Type: t))
        .Where(m => m.Id is not null)
        .OrderBy(m => m.Id, StringComparer.Ordinal)
        .ToDictionary(m => m.Id!, m => m.Type);

    public ModelSnapshot? ModelSnapshot => _snapshot ??= OwnTypes()
        .Where(t => t.IsSubclassOf(typeof(ModelSnapshot)))
        .Select(t => (ModelSnapshot)Activator.CreateInstance(t.AsType())!)
        .SingleOrDefault();

    public string? FindMigrationId(string nameOrId) => Migrations.Keys.FirstOrDefault(id =>
        string.Equals(id, nameOrId, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(idGenerator.GetName(id), nameOrId, StringComparison.OrdinalIgnoreCase));

    public Migration CreateMigration(TypeInfo migrationClass, string activeProvider)
    {
        var migration = (Migration)Activator.CreateInstance(migrationClass.AsType())!;
        migration.ActiveProvider = activeProvider;
        return migration;
    }

    private IEnumerable<TypeInfo> OwnTypes() => Assembly.DefinedTypes.Where(t =>
        !t.IsAbstract && t.Namespace == _namespace &&
        t.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(CohortDbContext));
}
