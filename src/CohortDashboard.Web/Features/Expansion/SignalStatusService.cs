using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Auth;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Expansion;

public enum StatusChangeOutcome { Changed, Unchanged, NotFound, Forbidden, Conflict }

/// <summary>
/// The result of a status change. <see cref="Signal"/> is the signal as stored after the attempt (for a conflict: its
/// true current state, so the caller can show the card where it really is); null only for NotFound.
/// </summary>
public sealed record StatusChangeResult(StatusChangeOutcome Outcome, SignalRecord? Signal, string? Message = null)
{
    public bool Succeeded => Outcome is StatusChangeOutcome.Changed or StatusChangeOutcome.Unchanged;
}

/// <summary>
/// The one place a signal's status changes, used by the kanban and by PATCH /api/expansion/signals alike: permission
/// check, optimistic concurrency (the <c>Version</c> token), the audit event in the same transaction, and the live
/// notification of the org's open kanbans.
/// </summary>
public sealed class SignalStatusService(IDbContextFactory<CohortDbContext> dbFactory, TimeProvider clock, SignalBoardNotifier notifier)
{
    public const string AuditAction = "signal.status_changed";
    public const string AuditTargetType = "expansion_signal";

    public static bool TryParseStatus(string? value, out SignalStatus status) =>
        Analytics.WireNames.TryParse(value, s => s.ToSnake(), out status, StringComparison.Ordinal);

    /// <param name="expectedVersion">
    /// The version the caller last saw (the kanban always sends it); when it is not the stored one the change is refused
    /// as a conflict. Null (API clients that do not send it) still detects two writers racing on one version.
    /// </param>
    public async Task<StatusChangeResult> ChangeStatusAsync(
        long signalId, SignalStatus to, int? expectedVersion, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var signal = await db.ExpansionSignals.FirstOrDefaultAsync(s => s.Id == signalId, ct);
        if (signal is null) return new(StatusChangeOutcome.NotFound, null, "No such signal.");

        var owner = await db.Accounts.AsNoTracking().Where(a => a.Id == signal.AccountId).Select(a => a.OwnerId).FirstOrDefaultAsync(ct);
        if (actor.WhyNotMoveSignalOf(owner) is { } refusal)
            return new(StatusChangeOutcome.Forbidden, await CurrentAsync(db, signalId, ct), refusal);

        if (expectedVersion is { } expected && expected != signal.Version)
            return await ConflictAsync(db, signalId, ct);
        if (signal.Status == to)
            return new(StatusChangeOutcome.Unchanged, await CurrentAsync(db, signalId, ct));

        var from = signal.Status;
        var now = clock.GetUtcNow().UtcDateTime;
        var version = signal.Version + 1;
        signal.Status = to;
        signal.UpdatedAt = now;
        signal.UpdatedBy = actor.Subject;
        signal.Version = version;
        db.AuditEvents.Add(ExpansionService.Audit(actor, now, AuditAction, AuditTargetType,
            signalId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new { status = from.ToSnake(), version = version - 1 }, new { status = to.ToSnake(), version }));
        try
        {
            await db.SaveChangesAsync(ct); // UPDATE … WHERE id = @id AND version = @seen; the audit row commits with it
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(ct);
            return await ConflictAsync(fresh, signalId, ct);
        }

        notifier.Publish(new SignalBoardEvent(signal.OrgId, signalId, from.ToSnake(), to.ToSnake(), version, actor.Subject));
        return new(StatusChangeOutcome.Changed, await CurrentAsync(db, signalId, ct));
    }

    private async Task<StatusChangeResult> ConflictAsync(CohortDbContext db, long signalId, CancellationToken ct)
    {
        var current = await CurrentAsync(db, signalId, ct);
        if (current is null) return new(StatusChangeOutcome.NotFound, null, "No such signal.");
        return new(StatusChangeOutcome.Conflict, current, ConflictMessage(current, clock.GetUtcNow().UtcDateTime));
    }

    /// <summary>"demo-admin moved this to Won a moment ago; your move was not saved." — the notice a refused move shows.</summary>
    public static string ConflictMessage(SignalRecord current, DateTime utcNow)
    {
        var when = utcNow - current.UpdatedAt < TimeSpan.FromMinutes(2)
            ? "a moment ago"
            : $"at {current.UpdatedAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC";
        return $"{current.UpdatedBy ?? "Someone"} moved this to {StatusTitle(current.Status)} {when}; your move was not saved.";
    }

    public static string StatusTitle(string status) => status switch
    {
        "pending" => "Pending",
        "pitched" => "Pitched",
        "won" => "Won",
        "dismissed" => "Dismissed",
        _ => status,
    };

    private static async Task<SignalRecord?> CurrentAsync(CohortDbContext db, long signalId, CancellationToken ct) =>
        (await ExpansionService.LoadRecordsAsync(db, [signalId], ct)).FirstOrDefault();
}
