using System.Collections.Concurrent;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Import;
using CohortDashboard.Web.Features.Platform;

namespace CohortDashboard.Web.Features.Settings;

/// <summary>
/// After a timezone change, runs "Recompute all" for the org in the background: it rebuilds the cohort facts in the
/// new zone (until then cohort queries read orders, so numbers are right, only slower) and the derived tables, then
/// clears the org's stale mark. A run already going (an admin's, an import's) is waited for, then this one follows.
/// </summary>
public sealed class SettingsRecompute(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<SettingsRecompute> logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<long, Task> running = new();

    public bool IsRunning(long orgId) => running.TryGetValue(orgId, out var task) && !task.IsCompleted;

    /// <summary>The org's current background run, or a completed task (tests and pages wait on it).</summary>
    public Task WhenIdle(long orgId) => running.TryGetValue(orgId, out var task) ? task : Task.CompletedTask;

    /// <summary>Starts a run for <paramref name="orgId"/> after the one in progress, if any.</summary>
    public void Start(long orgId, string subject)
    {
        running.AddOrUpdate(orgId, _ => Task.Run(() => RunAsync(orgId, subject)),
            (_, previous) => previous.ContinueWith(_ => RunAsync(orgId, subject), TaskScheduler.Default).Unwrap());
    }

    private async Task RunAsync(long orgId, string subject)
    {
        var ct = lifetime.ApplicationStopping;
        var actor = new Actor(subject, Roles.Admin, null, false);
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (true)
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
                try
                {
                    var result = await scope.ServiceProvider.GetRequiredService<RecomputeAllService>().RunAsync(actor, null, ct);
                    if (!result.Succeeded) logger.LogWarning("Recompute after a timezone change failed for org {OrgId}; results stay marked stale.", orgId);
                    return;
                }
                catch (JobBusyException) when (waiting.Elapsed < GiveUpAfter)
                {
                    await Task.Delay(RetryDelay, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            // Never take the app down: results stay marked stale and "Recompute all" can be run by hand.
            logger.LogError(error, "Recompute after a timezone change failed for org {OrgId}.", orgId);
        }
    }
}
