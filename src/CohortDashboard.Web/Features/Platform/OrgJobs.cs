using System.Collections.Concurrent;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>
/// Per org, at most one run of each long job (recompute, generate, import) at a time. <see cref="TryStart"/> refuses a
/// second run (the API answers 409, the page disables its button); <see cref="WaitAsync"/> queues it behind the first.
/// </summary>
public sealed class OrgJobs
{
    private readonly ConcurrentDictionary<(long OrgId, string Job), SemaphoreSlim> gates = new();

    public bool IsRunning(long orgId, string job) => gates.TryGetValue((orgId, job), out var gate) && gate.CurrentCount == 0;

    public IDisposable? TryStart(long orgId, string job)
    {
        var gate = Gate(orgId, job);
        return gate.Wait(0) ? new Release(gate) : null;
    }

    public async Task<IDisposable> WaitAsync(long orgId, string job, CancellationToken ct)
    {
        var gate = Gate(orgId, job);
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    private SemaphoreSlim Gate(long orgId, string job) => gates.GetOrAdd((orgId, job), _ => new SemaphoreSlim(1, 1));

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) gate.Release();
        }
    }
}

/// <summary>Thrown when a job is started while the same org's run of it is still going.</summary>
public sealed class JobBusyException(string job)
    : InvalidOperationException($"The {job} is already running for this organization; wait for it to finish.");
