using System.Collections.Concurrent;

namespace CohortDashboard.Web.Features.Cohorts.Api;

/// <summary>A key's credit window after taking one credit: allowed or exhausted, what is left, and when it refills.</summary>
public readonly record struct QuotaState(bool Allowed, int Remaining, DateTimeOffset ResetsAt);

/// <summary>
/// CashRunway's credit window, for now in memory per key id: <see cref="Credits"/> requests per <see cref="Window"/>,
/// the window starting at a key's first request. Every authenticated request takes one credit. Kept apart so that
/// real, persisted quotas can replace it.
/// </summary>
public sealed class CashRunwayQuota(TimeProvider clock)
{
    public const int Credits = 250;
    public static readonly TimeSpan Window = TimeSpan.FromHours(5);

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public QuotaState Take(string keyId)
    {
        var now = clock.GetUtcNow();
        var counter = _counters.GetOrAdd(keyId, _ => new Counter());
        lock (counter)
        {
            if (counter.ResetsAt <= now)
            {
                counter.ResetsAt = now + Window;
                counter.Used = 0;
            }
            if (counter.Used >= Credits) return new QuotaState(false, 0, counter.ResetsAt);
            counter.Used++;
            return new QuotaState(true, Credits - counter.Used, counter.ResetsAt);
        }
    }

    private sealed class Counter
    {
        public DateTimeOffset ResetsAt;
        public int Used;
    }
}
