using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>
/// Per org, at most one run of each long job (recompute, generate, import) at a time. <see cref="TryStart"/> refuses a
/// second run (the API answers 409, the page disables its button); <see cref="WaitAsync"/> queues it behind the first.
/// A run made of other jobs (Recompute all) holds their gates for its whole length with <see cref="StartAll"/>, so a
/// standalone run of one of them is refused meanwhile, while the composite run's own calls go through.
/// </summary>
public sealed class OrgJobs
{
    private static readonly IDisposable Nothing = new Release(null);

    // The gates this async flow holds through StartAll: a job it starts again from inside the run is already its own.
    private static readonly AsyncLocal<ImmutableHashSet<(long OrgId, string Job)>?> HeldByThisFlow = new();

    private readonly ConcurrentDictionary<(long OrgId, string Job), SemaphoreSlim> gates = new();

    public bool IsRunning(long orgId, string job) => gates.TryGetValue((orgId, job), out var gate) && gate.CurrentCount == 0;

    public IDisposable? TryStart(long orgId, string job)
    {
        if (HeldByThisFlow.Value?.Contains((orgId, job)) == true) return Nothing;
        var gate = Gate(orgId, job);
        return gate.Wait(0) ? new Release(gate) : null;
    }

    /// <summary>
    /// Takes every gate of <paramref name="jobs"/> or none (<see cref="JobBusyException"/> naming the busy one); until
    /// the handle is disposed, <see cref="TryStart"/> of those jobs succeeds only from this async flow.
    /// </summary>
    public IDisposable StartAll(long orgId, IEnumerable<string> jobs)
    {
        var names = jobs.Distinct(StringComparer.Ordinal).ToList();
        var taken = new List<IDisposable>();
        foreach (var job in names)
        {
            if (TryStart(orgId, job) is { } release) { taken.Add(release); continue; }
            taken.ForEach(r => r.Dispose());
            throw new JobBusyException(job);
        }
        // Set from this synchronous method, the value stays in the caller's flow and the awaits that follow it.
        var before = HeldByThisFlow.Value;
        HeldByThisFlow.Value = (before ?? []).Union(names.Select(job => (orgId, job)));
        return new Release(null, () =>
        {
            HeldByThisFlow.Value = before;
            taken.ForEach(r => r.Dispose());
        });
    }

    public async Task<IDisposable> WaitAsync(long orgId, string job, CancellationToken ct)
    {
        var gate = Gate(orgId, job);
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    private SemaphoreSlim Gate(long orgId, string job) => gates.GetOrAdd((orgId, job), _ => new SemaphoreSlim(1, 1));

    private sealed class Release(SemaphoreSlim? gate, Action? then = null) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) != 0) return;
            gate?.Release();
            then?.Invoke();
        }
    }
}

/// <summary>Thrown when a job is started while the same org's run of it is still going.</summary>
public sealed class JobBusyException(string job)
    : InvalidOperationException($"The {job} is already running for this organization; wait for it to finish.");
