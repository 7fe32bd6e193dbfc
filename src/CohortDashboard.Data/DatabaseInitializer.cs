using CohortDashboard.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Data;

public static class DatabaseInitializer
{
    /// <summary>
    /// Applies pending migrations with a system-scoped context (call once at start-up, before serving). A database made
    /// by the hand-written migrations of release 0.1 is taken over in place first. For SQLite it also switches the file
    /// to WAL journal mode, so the web app's writer and its readers do not block each other.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await using var db = CreateSystemContext(scope.ServiceProvider);
        await MigrateAsync(db, ct);
    }

    /// <summary>Applies pending migrations through the given context (which should be system-scoped).</summary>
    public static async Task MigrateAsync(CohortDbContext db, CancellationToken ct = default)
    {
        if (db.Database.IsSqlite())
        {
            // Persistent for the file; "memory" comes back for in-memory databases, which is fine.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        await Migrations.HandWrittenMigrationHistory.AdoptAsync(db, ct);
        await db.Database.MigrateAsync(ct);
    }

    /// <summary>
    /// A context that spans all orgs (<see cref="OrgScope.System"/>), for trusted start-up work such as migrations and
    /// demo seeding. The caller disposes it. Never hand one to request-handling code.
    /// </summary>
    public static CohortDbContext CreateSystemContext(IServiceProvider services) =>
        new(services.GetRequiredService<DbContextOptions<CohortDbContext>>(), OrgScope.System());

    /// <summary>A context scoped to one org, for trusted background work on that org (e.g. rebuilding its facts).</summary>
    public static CohortDbContext CreateOrgContext(IServiceProvider services, long orgId) =>
        new(services.GetRequiredService<DbContextOptions<CohortDbContext>>(), OrgScope.For(orgId));
}
