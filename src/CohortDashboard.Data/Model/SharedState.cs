namespace CohortDashboard.Data.Model;

/// <summary>
/// One org's run of one long job (recompute, generate, import), shared by every app instance: the holder renews
/// <see cref="ExpiresAt"/> while it runs, so a run whose instance died is seen as failed once its lease runs out.
/// The row stays after the run (state done or failed) until the next run of the job takes it over.
/// </summary>
public sealed class JobLease : IOrgOwned
{
    public long OrgId { get; set; }
    public required string Job { get; set; }
    /// <summary>The instance and run holding it, e.g. "host-1234/5f0c…".</summary>
    public required string Holder { get; set; }
    /// <summary>"running", "done" or "failed".</summary>
    public required string State { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>The run's latest progress as JSON (the job decides its shape), for pages on other instances.</summary>
    public string? Progress { get; set; }
}

/// <summary>An API key's credits used within its rolling window (one row per key; serialises that key's takers).</summary>
public sealed class ApiKeyQuotaCounter
{
    public required string KeyId { get; set; }
    /// <summary>How many <see cref="ApiKeyCreditUse"/> rows the key has: the uses not yet pruned.</summary>
    public int Used { get; set; }
}

/// <summary>One credit spent by an API key at an instant (pruned once it leaves the key's window).</summary>
public sealed class ApiKeyCreditUse
{
    public long Id { get; set; }
    public required string KeyId { get; set; }
    public DateTime UsedAt { get; set; }
}
