using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.ApiKeys;

/// <summary>A key's credit window after asking for one credit: allowed or exhausted, what is left, and when a credit frees up.</summary>
public readonly record struct QuotaState(bool Allowed, int Remaining, DateTimeOffset ResetsAt);

/// <summary>A key's allowance: <see cref="Credits"/> requests in any rolling <see cref="Window"/>.</summary>
public readonly record struct QuotaLimit(int Credits, TimeSpan Window)
{
    public static readonly QuotaLimit Default = new(250, TimeSpan.FromHours(5));
}

/// <summary>
/// Per-key rolling credit windows, counted in the database so every app instance shares them and a restart keeps
/// them: a request is allowed when fewer than the key's credits were used in the window before it. A sliding log
/// (one <c>api_key_credit_uses</c> row per credit) rather than fixed buckets, so a client cannot spend twice the
/// allowance across a bucket edge. Each take is one transaction that first locks the key's counter row with an
/// upsert, so concurrent takers of one key, on any instance, queue there and never overspend. On SQLite the takers of
/// this instance also queue in memory first (see <see cref="_sqliteWriter"/>).
/// </summary>
public sealed class ApiKeyQuota(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    // The context options are registered scoped (with the context factory): this singleton keeps one scope for them.
    private readonly IServiceScope _scope = scopes.CreateScope();

    // SQLite has one writer per file, and Microsoft.Data.Sqlite meets a busy file by blocking its thread for 150 ms and
    // retrying: 16 concurrent takers turned 1 ms takes into a p99 of 1.2 s (docs/benchmarks.md, "CashRunway retention
    // under wrk"). Queued here they wait only for each other's takes. Other processes on the same file are still
    // serialised by SQLite's lock, so the count stays exact either way; PostgreSQL queues on the counter row's lock.
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);

    public void Dispose()
    {
        _scope.Dispose();
        _sqliteWriter.Dispose();
    }

    public async Task<QuotaState> TakeAsync(string keyId, QuotaLimit limit, CancellationToken ct)
    {
        await using var db = DatabaseInitializer.CreateSystemContext(_scope.ServiceProvider);
        if (!db.Database.IsSqlite()) return await TakeAsync(db, keyId, limit, ct);
        await _sqliteWriter.WaitAsync(ct);
        try
        {
            return await TakeAsync(db, keyId, limit, ct);
        }
        finally
        {
            _sqliteWriter.Release();
        }
    }

    private async Task<QuotaState> TakeAsync(CohortDbContext db, string keyId, QuotaLimit limit, CancellationToken ct)
    {
        // The clock is read once the turn has come, so the uses of one instance are logged in the order they were taken.
        var now = clock.GetUtcNow();
        var cutoff = (now - limit.Window).UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO api_key_quota_counters (key_id, used) VALUES ({keyId}, 0)
            ON CONFLICT (key_id) DO UPDATE SET used = api_key_quota_counters.used
            """, ct);
        var uses = db.ApiKeyCreditUses.Where(u => u.KeyId == keyId);
        var expired = await uses.Where(u => u.UsedAt <= cutoff).ExecuteDeleteAsync(ct);
        var used = await db.ApiKeyQuotaCounters.Where(c => c.KeyId == keyId).Select(c => c.Used).SingleAsync(ct) - expired;
        // A lowered allowance forgets the oldest uses beyond it, so the log never outgrows the key's credits.
        if (used > limit.Credits)
            used -= await uses.Where(u => uses.OrderBy(o => o.UsedAt).ThenBy(o => o.Id).Take(used - limit.Credits)
                .Select(o => o.Id).Contains(u.Id)).ExecuteDeleteAsync(ct);
        var allowed = used < limit.Credits;
        if (allowed)
        {
            db.ApiKeyCreditUses.Add(new ApiKeyCreditUse { KeyId = keyId, UsedAt = now.UtcDateTime });
            await db.SaveChangesAsync(ct);
            used++;
        }
        await db.ApiKeyQuotaCounters.Where(c => c.KeyId == keyId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Used, used), ct);
        var oldest = await uses.OrderBy(u => u.UsedAt).Select(u => u.UsedAt).FirstAsync(ct);
        await transaction.CommitAsync(ct);
        return new QuotaState(allowed, limit.Credits - used, new DateTimeOffset(oldest, TimeSpan.Zero) + limit.Window);
    }
}
