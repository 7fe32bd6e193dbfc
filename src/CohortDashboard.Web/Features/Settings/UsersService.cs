using CohortDashboard.Web.Features.Auth.Sessions;
using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Audit;
using CohortDashboard.Web.Features.Auth;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Settings;

/// <summary>
/// One person who can get in: a membership of the org (demo/local users) or someone the identity provider signed in.
/// <see cref="Local"/> users' roles are ours to change; a provider's users get theirs from each token.
/// </summary>
public sealed record UserRow(string Subject, string Name, string Role, string OrgName, bool Local, DateTime? FirstSignIn, DateTime? LastSignIn);

/// <summary>The outcome of a role change: the error to show, or null when it was stored (or nothing changed).</summary>
public sealed record RoleChangeResult(string? Error)
{
    public static RoleChangeResult Done { get; } = new((string?)null);
}

/// <summary>
/// Admin → Users: who can sign in to the current org, from its memberships and its sign-in audit rows (written by the
/// session store at every sign-in, so first and last sign-in need no table of their own).
/// </summary>
public sealed class UsersService(IDbContextFactory<CohortDbContext> dbFactory, TimeProvider clock, AuthSessionStore sessions)
{
    public const string SignedInAction = "user.signed_in";
    public const string RoleChangedAction = "user.role_changed";

    /// <summary>The audit row of one sign-in (the caller adds it beside the session it creates).</summary>
    public static AuditEvent SignInRecord(CurrentUser user, DateTime at)
    {
        var record = AuditRecord.Create(user.Subject, at, SignedInAction, "user", user.Subject, null, new SignIn(user.Name, user.Role));
        record.OrgId = user.OrgId;
        return record;
    }

    private sealed record SignIn(string Name, string Role);

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orgName = await db.Organizations.Select(o => o.Name).SingleAsync(ct);
        var memberships = await db.OrgMemberships.AsNoTracking().ToListAsync(ct);
        var signIns = await db.AuditEvents.AsNoTracking().Where(e => e.Action == SignedInAction)
            .GroupBy(e => e.Actor)
            .Select(g => new { Subject = g.Key, First = g.Min(e => e.At), Last = g.Max(e => e.At), LastId = g.Max(e => e.Id) })
            .ToListAsync(ct);
        var lastIds = signIns.Select(s => s.LastId).ToList();
        var latest = await db.AuditEvents.AsNoTracking().Where(e => lastIds.Contains(e.Id)).ToDictionaryAsync(e => e.Actor, e => e.After, ct);

        var rows = new List<UserRow>();
        foreach (var m in memberships)
        {
            var seen = signIns.FirstOrDefault(s => s.Subject == m.Subject);
            rows.Add(new UserRow(m.Subject, m.DisplayName, m.Role.ToWire(), orgName, IsLocal(m.Subject), seen?.First, seen?.Last));
        }
        foreach (var seen in signIns.Where(s => memberships.All(m => m.Subject != s.Subject)))
        {
            var last = Parse(latest.GetValueOrDefault(seen.Subject));
            rows.Add(new UserRow(seen.Subject, last?.Name ?? seen.Subject, last?.Role ?? "", orgName, false, seen.First, seen.Last));
        }
        return rows.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Subject, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Gives a local user another role (audited). Refused for provider users (the token sets their role) and when it
    /// would leave the org without a local admin. Ends the user's open sessions, so the new role applies at once.
    /// </summary>
    public async Task<RoleChangeResult> ChangeRoleAsync(Actor actor, string subject, string role, CancellationToken ct)
    {
        if (!actor.IsAdmin) return new("Only an admin can change roles.");
        if (role is not (Roles.Admin or Roles.Analyst or Roles.AccountManager)) return new("Unknown role.");
        var newRole = EnumNames.FromSnake<UserRole>(role);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var membership = await db.OrgMemberships.FirstOrDefaultAsync(m => m.Subject == subject, ct);
        if (membership is null || !IsLocal(subject)) return new("Only local users' roles can be changed here; the identity provider sets the others'.");
        if (membership.Role == newRole) return RoleChangeResult.Done;
        if (membership.Role == UserRole.Admin && await db.OrgMemberships.CountAsync(m => m.Role == UserRole.Admin, ct) <= 1)
            return new("This is the last admin: make someone else admin first.");

        var before = membership.Role.ToWire();
        membership.Role = newRole;
        db.AuditEvents.Add(AuditRecord.Create(actor.Subject, clock.GetUtcNow().UtcDateTime, RoleChangedAction, "user", subject,
            new { role = before }, new { role, sessions_ended = true }));
        await db.SaveChangesAsync(ct);
        // The role lives in the session's ticket: ending the user's sessions makes the change take effect now (a
        // demoted admin must not keep admin rights until the session expires); they sign in again with the new role.
        await sessions.RemoveAllAsync(membership.OrgId, subject, ct);
        return RoleChangeResult.Done;
    }

    /// <summary>Local users sign in through demo sign-in, whose subjects all start with "demo-".</summary>
    public static bool IsLocal(string subject) => subject.StartsWith("demo-", StringComparison.Ordinal);

    private static SignIn? Parse(string? json)
    {
        if (json is null) return null;
        try { return JsonSerializer.Deserialize<SignIn>(json); }
        catch (JsonException) { return null; }
    }
}
