using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Instances;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>How long a job lease lasts without renewal (the holder renews it every third of that).</summary>
public sealed record JobLeaseOptions(TimeSpan Duration);

/// <summary>What every instance sees of an org's run of a job.</summary>
public sealed record JobLeaseView(string State, string Holder, DateTime StartedAt, DateTime ExpiresAt, DateTime? FinishedAt,
    string? Progress, bool HeldHere)
{
    public bool IsRunning => State == JobLeases.Running;

    /// <summary>Marked running, but its holder stopped renewing it: the instance died. Shown as failed.</summary>
    public bool IsAbandoned(DateTime now) => IsRunning && ExpiresAt < now;
}

/// <summary>
/// Job exclusion across app instances: one <c>job_leases</c> row per org and job. Taking it is one conditional upsert
/// (identical SQL on SQLite and PostgreSQL) that succeeds only when the row is absent, finished, or its lease ran out;
/// the holder renews the lease while it runs and marks it done or failed at the end.
/// </summary>
public sealed class JobLeases(IServiceScopeFactory scopes, TimeProvider clock, InstanceIdentity instance, JobLeaseOptions options,
    ILogger<JobLeases> logger) : IDisposable
{
    public const int DefaultLeaseSeconds = 30;
    public const string Running = "running";
    public const string Done = "done";
    public const string Failed = "failed";

    // The context options are registered scoped (with the context factory): this singleton keeps one scope for them.
    private readonly IServiceScope _scope = scopes.CreateScope();

    /// <summary>Takes the lease for a new run, or null when a live run of the job holds it (on any instance).</summary>
    public HeldJobLease? TryAcquire(long orgId, string job)
    {
        var holder = $"{instance.Name}/{Guid.NewGuid():N}";
        var now = Now();
        using var db = System();
        var taken = db.Database.ExecuteSql($"""
            INSERT INTO job_leases (org_id, job, holder, state, started_at, expires_at, finished_at, progress)
            VALUES ({orgId}, {job}, {holder}, 'running', {now}, {now + options.Duration}, NULL, NULL)
            ON CONFLICT (org_id, job) DO UPDATE SET holder = excluded.holder, state = excluded.state,
                started_at = excluded.started_at, expires_at = excluded.expires_at, finished_at = NULL, progress = NULL
            WHERE job_leases.state <> 'running' OR job_leases.expires_at < excluded.started_at
            """);
        return taken == 1 ? new HeldJobLease(this, orgId, job, holder) : null;
    }

    /// <summary>The org's latest run of the job, or null when it never ran.</summary>
    public JobLeaseView? Read(long orgId, string job)
    {
        using var db = System();
        var row = db.JobLeases.AsNoTracking().SingleOrDefault(l => l.OrgId == orgId && l.Job == job);
        return row is null ? null : ToView(row);
    }

    public async Task<JobLeaseView?> ReadAsync(long orgId, string job, CancellationToken ct)
    {
        await using var db = System();
        var row = await db.JobLeases.AsNoTracking().SingleOrDefaultAsync(l => l.OrgId == orgId && l.Job == job, ct);
        return row is null ? null : ToView(row);
    }

    /// <summary>True while a live run holds the lease (an abandoned one no longer counts).</summary>
    public bool IsHeld(long orgId, string job) => Read(orgId, job) is { } lease && lease.IsRunning && !lease.IsAbandoned(Now());

    public DateTime Now() => clock.GetUtcNow().UtcDateTime;

    internal TimeSpan Duration => options.Duration;
    internal TimeProvider Clock => clock;

    /// <summary>Renews the lease (and publishes progress, when given) or ends it (state done or failed).</summary>
    internal void Write(HeldJobLease lease, string? endState, string? progress)
    {
        var now = Now();
        using var db = System();
        if (endState is not null)
            db.Database.ExecuteSql($"""
                UPDATE job_leases SET state = {endState}, finished_at = {now}, expires_at = {now}
                WHERE org_id = {lease.OrgId} AND job = {lease.Job} AND holder = {lease.Holder} AND state = 'running'
                """);
        else if (progress is not null)
            db.Database.ExecuteSql($"""
                UPDATE job_leases SET expires_at = {now + options.Duration}, progress = {progress}
                WHERE org_id = {lease.OrgId} AND job = {lease.Job} AND holder = {lease.Holder} AND state = 'running'
                """);
        else
            db.Database.ExecuteSql($"""
                UPDATE job_leases SET expires_at = {now + options.Duration}
                WHERE org_id = {lease.OrgId} AND job = {lease.Job} AND holder = {lease.Holder} AND state = 'running'
                """);
    }

    internal void Log(Exception error, HeldJobLease lease) =>
        logger.LogWarning(error, "Could not renew or end the lease of {Job} for org {OrgId}", lease.Job, lease.OrgId);

    private JobLeaseView ToView(Data.Model.JobLease row) =>
        new(row.State, row.Holder, row.StartedAt, row.ExpiresAt, row.FinishedAt, row.Progress,
            row.Holder.StartsWith(instance.Name + "/", StringComparison.Ordinal));

    private CohortDbContext System() => DatabaseInitializer.CreateSystemContext(_scope.ServiceProvider);

    public void Dispose() => _scope.Dispose();
}

/// <summary>A held lease: renewed in the background until disposed, which ends it (done, unless marked failed).</summary>
public sealed class HeldJobLease : IDisposable
{
    private readonly JobLeases _leases;
    private readonly ITimer _renewal;
    private readonly Lock _gate = new();
    private bool _failed;
    private bool _ended;

    internal HeldJobLease(JobLeases leases, long orgId, string job, string holder)
    {
        _leases = leases;
        OrgId = orgId;
        Job = job;
        Holder = holder;
        var every = leases.Duration / 3;
        _renewal = leases.Clock.CreateTimer(_ => Write(null, null), null, every, every);
    }

    public long OrgId { get; }
    public string Job { get; }
    public string Holder { get; }

    /// <summary>Publishes the run's progress (JSON) to every instance's pages.</summary>
    public void ReportProgress(string json) => Write(null, json);

    /// <summary>Ends the run as failed when disposed.</summary>
    public void MarkFailed() => _failed = true;

    public void Dispose()
    {
        _renewal.Dispose();
        Write(_failed ? JobLeases.Failed : JobLeases.Done, null);
        lock (_gate) _ended = true;
    }

    private void Write(string? state, string? progress)
    {
        lock (_gate)
        {
            if (_ended) return;
            try { _leases.Write(this, state, progress); }
            catch (Exception error) { _leases.Log(error, this); }
        }
    }
}
