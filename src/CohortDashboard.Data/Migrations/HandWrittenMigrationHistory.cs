using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CohortDashboard.Data.Migrations;

/// <summary>
/// Databases made before the generated migrations carry the four hand-written migrations in their history. Their
/// schema is exactly what each provider's generated <c>InitialSchema</c> creates (the upgrade tests prove it), so the
/// history is rewritten to say so and the data stays where it is; later migrations then apply as usual.
/// </summary>
internal static class HandWrittenMigrationHistory
{
    internal static readonly string[] MigrationIds =
    [
        "20261122000000_InitialSchema",
        "20261122010000_CohortFacts",
        "20261204000000_SignalAndAnomalySettings",
        "20261205000000_AuthSessions",
    ];

    public static async Task AdoptAsync(CohortDbContext db, CancellationToken ct)
    {
        var history = db.GetService<IHistoryRepository>();
        if (!await history.ExistsAsync(ct)) return;
        var applied = (await history.GetAppliedMigrationsAsync(ct)).Select(row => row.MigrationId).ToHashSet(StringComparer.Ordinal);
        var found = MigrationIds.Count(applied.Contains);
        if (found == 0) return;
        if (found != MigrationIds.Length)
            throw new InvalidOperationException(
                $"This database's schema is at hand-written migration '{MigrationIds.Last(applied.Contains)}', older than " +
                $"'{MigrationIds[^1]}'. Migrate it with a build from before the generated migrations (main at 8a072cd), then start this one.");

        var baseline = db.GetService<IMigrationsAssembly>().Migrations.Keys.First();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var deleted = 0;
        foreach (var id in MigrationIds)
            deleted += await db.Database.ExecuteSqlRawAsync(history.GetDeleteScript(id), ct);
        // Another instance starting at the same moment may have adopted it already (its delete committed first).
        if (deleted == MigrationIds.Length)
            await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(baseline, ProductInfo.GetVersion())), ct);
        await transaction.CommitAsync(ct);
    }
}
