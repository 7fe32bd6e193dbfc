using System.Collections.Concurrent;

namespace CohortDashboard.Web.Features.Expansion;

/// <summary>What changed on an org's signal board: one signal moved, or the whole board was regenerated.</summary>
public sealed record SignalBoardEvent(long OrgId, long? SignalId, string? From, string? To, int? Version, string Actor)
{
    public bool IsRegeneration => SignalId is null;
}

/// <summary>
/// In-process, org-keyed publish/subscribe for open kanbans: a subscriber only ever receives events of the org it
/// subscribed for. Blazor Server circuits all live in this process, so this is enough for one instance; a deployment
/// with several app instances would need a backplane (e.g. PostgreSQL LISTEN/NOTIFY or Redis pub/sub) feeding
/// <see cref="Publish"/> on every instance.
/// </summary>
public sealed class SignalBoardNotifier(ILogger<SignalBoardNotifier> logger)
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<Guid, Func<SignalBoardEvent, Task>>> subscribers = new();

    public IDisposable Subscribe(long orgId, Func<SignalBoardEvent, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var id = Guid.NewGuid();
        subscribers.GetOrAdd(orgId, _ => new()).TryAdd(id, handler);
        return new Subscription(() =>
        {
            if (subscribers.TryGetValue(orgId, out var handlers)) handlers.TryRemove(id, out _);
        });
    }

    /// <summary>Delivers to the event's org's subscribers without waiting for them (a slow circuit never blocks a move).</summary>
    public void Publish(SignalBoardEvent change)
    {
        if (!subscribers.TryGetValue(change.OrgId, out var handlers)) return;
        foreach (var handler in handlers.Values)
        {
            _ = Task.Run(async () =>
            {
                try { await handler(change); }
                catch (Exception error) { logger.LogDebug(error, "A signal board subscriber failed"); }
            });
        }
    }

    public int SubscriberCount(long orgId) => subscribers.TryGetValue(orgId, out var handlers) ? handlers.Count : 0;

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) dispose();
        }
    }
}
