using System.Diagnostics;
using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Web.Features.Audit;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Cohorts;
using CohortDashboard.Web.Features.Expansion;
using CohortDashboard.Web.Features.Platform;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Import;

/// <summary>
/// One derived computation that "Recompute all" runs after an import. Register an implementation as scoped
/// <see cref="IRecomputeStep"/> (see <see cref="ImportEndpoints.AddImport"/>); steps run by ascending
/// <see cref="Order"/>, so a later issue adds its step without touching this feature.
/// </summary>
public interface IRecomputeStep
{
    /// <summary>Position in the run: 100 columnar store, 200 account-cohort snapshots (free slot), 300 affinity, 400 signals.</summary>
    int Order { get; }

    /// <summary>What the step shows on the page, e.g. "Columnar store".</summary>
    string Name { get; }

    /// <summary>
    /// The <see cref="OrgJobs"/> names its standalone runs use (e.g. the Affinity page's recompute): "Recompute all"
    /// holds them for its whole run, so neither runs alongside the other (409).
    /// </summary>
    IReadOnlyList<string> Jobs => [];

    /// <summary>Runs the step for the current org; returns a one-line summary ("84,000 orders → 5 MiB columnar store").</summary>
    Task<string> RunAsync(Actor actor, CancellationToken ct);
}

/// <summary>Brings this instance's columnar store up to the org's orders (cohort queries wait for it or read orders).</summary>
public sealed class ColumnarStoreStep(CohortService cohorts) : IRecomputeStep
{
    public int Order => 100;
    public string Name => "Columnar store";

    public async Task<string> RunAsync(Actor actor, CancellationToken ct)
    {
        if (!cohorts.HasColumnarStore) return "disabled: cohort queries read orders";
        var result = await cohorts.RefreshColumnarStoreAsync(ct);
        return result is null
            ? "already current"
            : $"{result.Orders:N0} orders → {result.Bytes / (1024.0 * 1024.0):N1} MiB columnar store";
    }
}

/// <summary>Recomputes the product affinity matrix.</summary>
public sealed class AffinityStep(ExpansionService expansion) : IRecomputeStep
{
    public int Order => 300;
    public string Name => "Product affinity";
    public IReadOnlyList<string> Jobs => [ExpansionService.RecomputeJob];

    public async Task<string> RunAsync(Actor actor, CancellationToken ct)
    {
        var result = await expansion.RecomputeAffinityAsync(actor, ct);
        return $"{result.EntriesComputed:N0} entries over {result.Products:N0} products and {result.Accounts:N0} accounts";
    }
}

/// <summary>Regenerates expansion signals (after affinity, which they read).</summary>
public sealed class SignalsStep(ExpansionService expansion) : IRecomputeStep
{
    public int Order => 400;
    public string Name => "Expansion signals";
    public IReadOnlyList<string> Jobs => [ExpansionService.GenerateJob];

    public async Task<string> RunAsync(Actor actor, CancellationToken ct)
    {
        var result = await expansion.GenerateSignalsAsync(actor, ct);
        return $"{result.SignalsGenerated:N0} signals for {result.AccountsAnalyzed:N0} accounts";
    }
}

/// <summary>The state of one step of a run.</summary>
public enum RecomputeStepState { Waiting, Running, Done, Failed, NotRun }

/// <summary>One step's progress or result.</summary>
public sealed record RecomputeStepStatus(string Name, RecomputeStepState State, string? Summary, TimeSpan Elapsed);

/// <summary>The result of a "Recompute all" run: every step in order with its state.</summary>
public sealed record RecomputeAllResult(bool Succeeded, IReadOnlyList<RecomputeStepStatus> Steps);

/// <summary>
/// Runs every <see cref="IRecomputeStep"/> in order for the current org. One run per org at a time, and none while a
/// standalone run of one of its steps goes on, nor such a run during it (<see cref="JobBusyException"/>); never while
/// an import into the org is writing (it waits for the import to finish). A failed step stops the run (later steps read what earlier ones build); a fully successful run
/// clears the org's "results stale" mark if no import changed data while it ran, and writes one audit row.
/// </summary>
public sealed class RecomputeAllService(IEnumerable<IRecomputeStep> steps, IDbContextFactory<CohortDbContext> dbFactory,
    OrgJobs jobs, JobLeases leases, TimeProvider clock, Data.Columnar.ColumnarStore? columnar = null)
{
    public const string Job = "recompute all";

    private readonly IReadOnlyList<IRecomputeStep> _steps = steps.OrderBy(s => s.Order).ToList();

    /// <summary>The steps a run goes through, in order.</summary>
    public IReadOnlyList<string> StepNames => _steps.Select(s => s.Name).ToList();

    /// <summary>Runs the steps; <paramref name="progress"/> gets the whole step list after every change.</summary>
    public async Task<RecomputeAllResult> RunAsync(Actor actor, IProgress<IReadOnlyList<RecomputeStepStatus>>? progress,
        CancellationToken ct)
    {
        long orgId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            orgId = db.Scope.OrgId ?? throw new InvalidOperationException("No organization in scope.");
        using var run = jobs.TryStart(orgId, Job) ?? throw new JobBusyException(Job);
        using var stepRuns = jobs.StartAll(orgId, _steps.SelectMany(s => s.Jobs));
        var statuses = _steps.Select(s => new RecomputeStepStatus(s.Name, RecomputeStepState.Waiting, null, TimeSpan.Zero)).ToArray();
        void Report()
        {
            progress?.Report([.. statuses]);
            // Pages on every instance follow the run through its lease.
            run.ReportProgress(JsonSerializer.Serialize(statuses));
        }
        Report();
        using var noImport = await jobs.WaitAsync(orgId, ImportService.Job, ct);
        DateTime? staleAtStart;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            staleAtStart = await db.Organizations.Select(o => o.ResultsStaleSince).SingleAsync(ct);
        var succeeded = true;
        for (var i = 0; i < _steps.Count; i++)
        {
            if (!succeeded)
            {
                statuses[i] = statuses[i] with { State = RecomputeStepState.NotRun };
                continue;
            }
            statuses[i] = statuses[i] with { State = RecomputeStepState.Running };
            Report();
            var stopwatch = Stopwatch.StartNew();
            try
            {
                var summary = await _steps[i].RunAsync(actor, ct);
                statuses[i] = statuses[i] with { State = RecomputeStepState.Done, Summary = summary, Elapsed = stopwatch.Elapsed };
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                succeeded = false;
                statuses[i] = statuses[i] with { State = RecomputeStepState.Failed, Summary = error.Message, Elapsed = stopwatch.Elapsed };
            }
            Report();
        }
        if (!succeeded) run.MarkFailed();

        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            // Only the mark seen at the start: a change that set it again meanwhile (a settings edit) stays visible.
            if (succeeded && staleAtStart is not null)
                await db.Organizations.Where(o => o.ResultsStaleSince == staleAtStart)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.ResultsStaleSince, (DateTime?)null), CancellationToken.None);
            // Whatever the steps rebuilt (facts, snapshots), cached answers and the columnar store follow the new data.
            await OrgDataVersion.MarkChangedAsync(db, CancellationToken.None);
            db.AuditEvents.Add(AuditRecord.Create(actor.Subject, clock.GetUtcNow().UtcDateTime, "recompute.all", "derived_data", null, null,
                statuses.Select(s => new { step = s.Name, state = s.State.ToString().ToLowerInvariant(), summary = s.Summary }).ToList()));
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
        _ = columnar?.RefreshInBackground(orgId);
        return new RecomputeAllResult(succeeded, statuses);
    }

    /// <summary>
    /// The org's latest run as every instance sees it, or null when none ran: running (here or on another instance,
    /// with its steps so far), done, or failed, which includes a run whose instance died (its lease ran out).
    /// </summary>
    public async Task<RecomputeRunView?> LatestRunAsync(CancellationToken ct)
    {
        long orgId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            orgId = db.Scope.OrgId ?? throw new InvalidOperationException("No organization in scope.");
        if (await leases.ReadAsync(orgId, Job, ct) is not { } lease) return null;
        var steps = lease.Progress is null ? [] : JsonSerializer.Deserialize<List<RecomputeStepStatus>>(lease.Progress) ?? [];
        var abandoned = lease.IsAbandoned(leases.Now());
        var state = abandoned || lease.State == JobLeases.Failed ? RecomputeStepState.Failed
            : lease.IsRunning ? RecomputeStepState.Running : RecomputeStepState.Done;
        return new RecomputeRunView(state, abandoned, lease.HeldHere, lease.Holder.Split('/')[0], lease.ExpiresAt, steps);
    }
}

/// <summary>A "Recompute all" run as <see cref="RecomputeAllService.LatestRunAsync"/> reads it from its lease.</summary>
public sealed record RecomputeRunView(RecomputeStepState State, bool InstanceStopped, bool OnThisInstance, string Instance,
    DateTime LeaseExpiresAt, IReadOnlyList<RecomputeStepStatus> Steps);
