using System.Data.Common;
using CohortDashboard.Data;
using CohortDashboard.Data.Tenancy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>
/// Readiness (<c>/healthz</c>): the database can be opened, has our whole schema, and takes a write. The write is an
/// <c>UPDATE … WHERE 1 = 0</c> inside a rolled-back transaction: it needs the write lock (SQLite) or a writable
/// transaction (PostgreSQL) like any real write, and changes nothing. SQLite is probed on a fresh, unpooled connection
/// with a short busy timeout, so a vanished file, a read-only database or a lock held for long all show here instead
/// of behind a pooled connection that still sees the old file.
/// </summary>
internal sealed class DatabaseReadiness(DbContextOptions<CohortDbContext> options, ILogger<DatabaseReadiness> logger) : IHealthCheck
{
    /// <summary>How long the SQLite probe waits for another writer's lock before calling the database not writable.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        await using var db = new CohortDbContext(options, OrgScope.System());
        var sqlite = db.Database.IsSqlite();
        if (sqlite)
        {
            db.Database.SetConnectionString(new SqliteConnectionStringBuilder(db.Database.GetConnectionString())
            {
                Pooling = false,
                DefaultTimeout = (int)LockWait.TotalSeconds,
            }.ToString());
        }

        var step = "open";
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            step = "schema";
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
            if (pending > 0)
                return HealthCheckResult.Unhealthy($"The database schema is missing or behind: {pending} migration(s) not applied.");
            step = "read";
            await db.Organizations.AsNoTracking().Select(o => o.Id).FirstOrDefaultAsync(ct);
            step = "write";
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("UPDATE organizations SET name = name WHERE 1 = 0", ct);
            await transaction.RollbackAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (DbException error)
        {
            logger.LogWarning(error, "Readiness: the database failed at the {Step} step", step);
            // A file that vanished under us: drop idle pooled connections (still on the deleted file) so requests fail
            // loudly from now on instead of writing where nobody will read.
            if (sqlite && step == "open") SqliteConnection.ClearAllPools();
            return HealthCheckResult.Unhealthy(step switch
            {
                "open" => "The database cannot be opened.",
                "write" => "The database does not accept writes (read-only, or locked by another writer).",
                _ => "The database cannot be read or its schema is incomplete.",
            });
        }
    }
}
