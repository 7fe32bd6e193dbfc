using System.Diagnostics;
using CohortDashboard.Data.Bulk;
using CohortDashboard.Data.Cohorts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Data.Demo;

/// <summary>What a demo seed wrote: rows per entity (keyed by entity name, e.g. "Order") and how long it took.</summary>
public sealed record DemoSeedResult(IReadOnlyDictionary<string, long> Counts, TimeSpan Elapsed)
{
    public long TotalRows => Counts.Values.Sum();

    public override string ToString() =>
        $"{string.Join(", ", Counts.Select(c => $"{c.Key}={c.Value}"))} in {Elapsed.TotalSeconds:0.00} s";
}

/// <summary>Writes <see cref="DemoDataGenerator"/>'s rows through the <see cref="BulkWriter"/>, all in one transaction.</summary>
public static class DemoSeeder
{
    /// <summary>
    /// Seeds the demo orgs when the database has no organization yet (a no-op returning null otherwise). Uses a
    /// system-scoped context built from the registered options; call after <see cref="DatabaseInitializer.MigrateAsync(IServiceProvider, CancellationToken)"/>.
    /// <paramref name="asOf"/> anchors the data (pass today's UTC date at start-up; tests pass a fixed date).
    /// </summary>
    public static async Task<DemoSeedResult?> SeedIfEmptyAsync(IServiceProvider services, double scale, DateOnly asOf,
        ulong seed = DemoDataGenerator.DefaultSeed, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        return await SeedIfEmptyAsync(db, scale, asOf, seed, ct);
    }

    /// <summary>As <see cref="SeedIfEmptyAsync(IServiceProvider, double, DateOnly, ulong, CancellationToken)"/>, through a system-scoped context.</summary>
    public static async Task<DemoSeedResult?> SeedIfEmptyAsync(CohortDbContext db, double scale, DateOnly asOf,
        ulong seed = DemoDataGenerator.DefaultSeed, CancellationToken ct = default)
    {
        RequireSystem(db);
        if (await db.Organizations.IgnoreQueryFilters().AnyAsync(ct)) return null;
        return await SeedAsync(db, scale, asOf, seed, ct);
    }

    /// <summary>
    /// Generates and writes the demo data in one transaction (joins the caller's if one is open). The database must not
    /// already hold rows with the demo ids. <paramref name="db"/> must be system-scoped.
    /// </summary>
    public static async Task<DemoSeedResult> SeedAsync(CohortDbContext db, double scale, DateOnly asOf,
        ulong seed = DemoDataGenerator.DefaultSeed, CancellationToken ct = default)
    {
        RequireSystem(db);
        var stopwatch = Stopwatch.StartNew();
        var data = DemoDataGenerator.Generate(seed, scale, asOf);
        var counts = new Dictionary<string, long>();

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var ownTransaction = db.Database.CurrentTransaction is null;
            if (ownTransaction && db.Database.IsSqlite())
            {
                // Safe in WAL mode (a crash can lose the last commit, never corrupt the file). The pragma cannot change
                // inside a transaction, so it is set only when we start one; it stays on this pooled connection.
                await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;", ct);
            }
            await using var transaction = ownTransaction ? await db.Database.BeginTransactionAsync(ct) : null;
            counts["Organization"] = await BulkWriter.InsertAsync(db, data.Organizations, ct);
            counts["OrgMembership"] = await BulkWriter.InsertAsync(db, data.OrgMemberships, ct);
            counts["Product"] = await BulkWriter.InsertAsync(db, data.Products, ct);
            counts["Account"] = await BulkWriter.InsertAsync(db, data.Accounts, ct);
            counts["AccountProduct"] = await BulkWriter.InsertAsync(db, data.AccountProducts, ct);
            counts["Order"] = await BulkWriter.InsertAsync(db, data.Orders, ct);
            if (transaction is not null) await transaction.CommitAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return new DemoSeedResult(counts, stopwatch.Elapsed);
    }

    private static void RequireSystem(CohortDbContext db)
    {
        if (!db.Scope.IsSystem)
            throw new InvalidOperationException("Demo seeding spans organizations and needs a system-scoped context.");
    }
}
