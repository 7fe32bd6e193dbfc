using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>
/// Per org, at most one run of each long job (recompute, generate, import) at a time, across every app instance
/// sharing the database. <see cref="TryStart"/> refuses a second run (the API answers 409, the page disables its
/// button); <see cref="WaitAsync"/> queues it behind the first. A run made of other jobs (Recompute all) holds their
/// gates for its whole length with <see cref="StartAll"/>, so a standalone run of one of them is refused meanwhile,
/// while the composite run's own calls go through. In-process gates order this instance's callers; a
/// <see cref="JobLeases">lease</see> in the database excludes the other instances'.
/// </summary>
public sealed class OrgJobs(JobLeases leases)
{
    private static readonly TimeSpan QueuePoll = TimeSpan.FromMilliseconds(250);

    // The gates this async flow holds through StartAll: a job it starts again from inside the run is already its own.
    private static readonly AsyncLocal<ImmutableHashSet<(long OrgId, string Job)>?> HeldByThisFlow = new();

    private readonly ConcurrentDictionary<(long OrgId, string Job), SemaphoreSlim> gates = new();

    /// <summary>True while a run of the job goes on here or on another instance.</summary>
    public bool IsRunning(long orgId, string job) =>
        (gates.TryGetValue((orgId, job), out var gate) && gate.CurrentCount == 0) || leases.IsHeld(orgId, job);

    /// <summary>Starts a run, or null when one is going on (here or elsewhere). Dispose the run when it ends.</summary>
    public JobRun? TryStart(long orgId, string job)
    {
        if (HeldByThisFlow.Value?.Contains((orgId, job)) == true) return JobRun.Nested;
        var gate = Gate(orgId, job);
        if (!gate.Wait(0)) return null;
        try
        {
            if (leases.TryAcquire(orgId, job) is { } lease) return new JobRun(gate, lease);
        }
        catch
        {
            gate.Release();
            throw;
        }
        gate.Release();
        return null;
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
            if (TryStart(orgId, job) is { } run) { taken.Add(run); continue; }
            taken.ForEach(r => r.Dispose());
            throw new JobBusyException(job);
        }
        // Set from this synchronous method, the value stays in the caller's flow and the awaits that follow it.
        var before = HeldByThisFlow.Value;
        HeldByThisFlow.Value = (before ?? []).Union(names.Select(job => (orgId, job)));
        return new JobRun(null, null, () =>
        {
            HeldByThisFlow.Value = before;
            taken.ForEach(r => r.Dispose());
        });
    }

    /// <summary>Waits for the running run of the job (on any instance) to end, then starts one.</summary>
    public async Task<JobRun> WaitAsync(long orgId, string job, CancellationToken ct)
    {
        var gate = Gate(orgId, job);
        await gate.WaitAsync(ct);
        try
        {
            while (true)
            {
                if (leases.TryAcquire(orgId, job) is { } lease) return new JobRun(gate, lease);
                await Task.Delay(QueuePoll, ct);
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private SemaphoreSlim Gate(long orgId, string job) => gates.GetOrAdd((orgId, job), _ => new SemaphoreSlim(1, 1));
}

/// <summary>One run of a job: its in-process gate and its lease. Dispose it when the run ends.</summary>
public sealed class JobRun : IDisposable
{
    /// <summary>A run started again from inside a composite run that already holds it: nothing to take or release.</summary>
    internal static readonly JobRun Nested = new(null, null);

    private readonly SemaphoreSlim? _gate;
    private readonly HeldJobLease? _lease;
    private readonly Action? _then;
    private int _released;

    internal JobRun(SemaphoreSlim? gate, HeldJobLease? lease, Action? then = null)
    {
        _gate = gate;
        _lease = lease;
        _then = then;
    }

    /// <summary>Publishes progress (JSON) that pages on every instance read while the run goes on.</summary>
    public void ReportProgress(string json) => _lease?.ReportProgress(json);

    /// <summary>The run ends as failed (other instances show it so).</summary>
    public void MarkFailed() => _lease?.MarkFailed();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _lease?.Dispose();
        _gate?.Release();
        _then?.Invoke();
    }
}

/// <summary>Thrown when a job is started while the same org's run of it is still going.</summary>
public sealed class JobBusyException(string job)
    : InvalidOperationException($"The {job} is already running for this organization; wait for it to finish.");
