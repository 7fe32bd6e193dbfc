using System.Data.Common;
using System.Globalization;
using CohortDashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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

    // Plain commands, not LINQ and the change tracker: this runs on every CashRunway request, and EF's query
    // pipeline cost more than the statements themselves (docs/benchmarks.md, "CashRunway retention under wrk").
    private async Task<QuotaState> TakeAsync(CohortDbContext db, string keyId, QuotaLimit limit, CancellationToken ct)
    {
        // The clock is read once the turn has come, so the uses of one instance are logged in the order they were taken.
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var commands = new QuotaCommands(db.Database.GetDbConnection(), transaction.GetDbTransaction(), keyId);
        var used = Convert.ToInt32(await commands.ScalarAsync("""
            INSERT INTO api_key_quota_counters (key_id, used) VALUES (@key, 0)
            ON CONFLICT (key_id) DO UPDATE SET used = api_key_quota_counters.used
            RETURNING used
            """, ct), CultureInfo.InvariantCulture);
        var changed = await commands.ExecuteAsync("DELETE FROM api_key_credit_uses WHERE key_id = @key AND used_at <= @at",
            ct, (now - limit.Window).UtcDateTime);
        used -= changed;
        // A lowered allowance forgets the oldest uses beyond it, so the log never outgrows the key's credits.
        if (used > limit.Credits)
        {
            var uses = db.ApiKeyCreditUses.Where(u => u.KeyId == keyId);
            var trimmed = await uses.Where(u => uses.OrderBy(o => o.UsedAt).ThenBy(o => o.Id).Take(used - limit.Credits)
                .Select(o => o.Id).Contains(u.Id)).ExecuteDeleteAsync(ct);
            used -= trimmed;
            changed += trimmed;
        }
        var allowed = used < limit.Credits;
        if (allowed)
        {
            await commands.ExecuteAsync("INSERT INTO api_key_credit_uses (key_id, used_at) VALUES (@key, @at)", ct, now.UtcDateTime);
            used++;
            changed++;
        }
        if (changed > 0)
            await commands.ExecuteAsync("UPDATE api_key_quota_counters SET used = @used WHERE key_id = @key", ct, used: used);
        var oldest = (DateTime)(await commands.ScalarAsync(
            "SELECT used_at FROM api_key_credit_uses WHERE key_id = @key ORDER BY used_at LIMIT 1", ct, asDateTime: true))!;
        await transaction.CommitAsync(ct);
        return new QuotaState(allowed, limit.Credits - used, new DateTimeOffset(DateTime.SpecifyKind(oldest, DateTimeKind.Utc)) + limit.Window);
    }

    /// <summary>Statements about one key on the take's connection and transaction (SQLite and PostgreSQL alike).</summary>
    private sealed class QuotaCommands(DbConnection connection, DbTransaction transaction, string keyId)
    {
        public async Task<int> ExecuteAsync(string sql, CancellationToken ct, DateTime? at = null, int? used = null)
        {
            await using var command = Create(sql, at, used);
            return await command.ExecuteNonQueryAsync(ct);
        }

        public async Task<object?> ScalarAsync(string sql, CancellationToken ct, bool asDateTime = false)
        {
            await using var command = Create(sql, null, null);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            // SQLite keeps instants as text; the reader parses them back as EF wrote them.
            return asDateTime ? reader.GetDateTime(0) : reader.GetValue(0);
        }

        private DbCommand Create(string sql, DateTime? at, int? used)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            Add(command, "key", keyId);
            if (at is { } instant) Add(command, "at", instant);
            if (used is { } count) Add(command, "used", count);
            return command;
        }

        private static void Add(DbCommand command, string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }
}
