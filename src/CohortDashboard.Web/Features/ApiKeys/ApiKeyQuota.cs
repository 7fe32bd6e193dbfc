using System.Collections.Concurrent;

namespace CohortDashboard.Web.Features.ApiKeys;

/// <summary>A key's credit window after asking for one credit: allowed or exhausted, what is left, and when a credit frees up.</summary>
public readonly record struct QuotaState(bool Allowed, int Remaining, DateTimeOffset ResetsAt);

/// <summary>A key's allowance: <see cref="Credits"/> requests in any rolling <see cref="Window"/>.</summary>
public readonly record struct QuotaLimit(int Credits, TimeSpan Window)
{
    public static readonly QuotaLimit Default = new(250, TimeSpan.FromHours(5));
}

/// <summary>
/// Per-key rolling credit windows, in memory: a request is allowed when fewer than the key's credits were used in the
/// window before it. A sliding log rather than fixed buckets, so a client cannot spend twice the allowance across a
/// bucket edge. Memory is bounded by the credits of the keys in use (each keeps at most that many timestamps).
/// </summary>
public sealed class ApiKeyQuota(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _logs = new(StringComparer.Ordinal);

    public QuotaState Take(string keyId, QuotaLimit limit)
    {
        var now = clock.GetUtcNow();
        var log = _logs.GetOrAdd(keyId, _ => new Queue<DateTimeOffset>());
        lock (log)
        {
            while (log.Count > 0 && log.Peek() <= now - limit.Window) log.Dequeue();
            // A lowered allowance drops the oldest entries beyond it, so the log never outgrows the key's credits.
            while (log.Count > limit.Credits) log.Dequeue();
            if (log.Count >= limit.Credits)
                return new QuotaState(false, 0, log.Peek() + limit.Window);
            log.Enqueue(now);
            return new QuotaState(true, limit.Credits - log.Count, log.Peek() + limit.Window);
        }
    }
}
