using System.Collections.Concurrent;

namespace CohortDashboard.Web.Features.Expansion;

/// <summary>What changed on an org's signal board: one signal moved, or the whole board was regenerated.</summary>
public sealed record SignalBoardEvent(long OrgId, long? SignalId, string? From, string? To, int? Version, string Actor)
{
    public bool IsRegeneration => SignalId is null;
}

/// <summary>
/// Org-keyed publish/subscribe for open kanbans: a subscriber only ever receives events of the org it subscribed for.
/// Delivery to this process's circuits is direct; on PostgreSQL the <see cref="Instances.SignalBoardBackplane"/> also
/// carries every published event to the other instances (through <see cref="Published"/>) and hands theirs to
/// <see cref="DeliverFromOtherInstance"/>. On SQLite (one process) nothing listens and this is all there is.
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

    /// <summary>Raised for every event published on this instance (the backplane sends it to the others).</summary>
    public event Action<SignalBoardEvent>? Published;

    /// <summary>Delivers to the event's org's subscribers without waiting for them (a slow circuit never blocks a move).</summary>
    public void Publish(SignalBoardEvent change)
    {
        Deliver(change);
        Published?.Invoke(change);
    }

    /// <summary>An event another instance published: delivered here only (it is not sent on again).</summary>
    public void DeliverFromOtherInstance(SignalBoardEvent change) => Deliver(change);

    private void Deliver(SignalBoardEvent change)
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
