using System.Security.Claims;

namespace CohortDashboard.Web.Features.Auth;

/// <summary>
/// Who performs a write (a signed-in user or an API key of an organization), and what they may change. Services take
/// it instead of a principal so pages, endpoints and recompute steps hand over the same facts.
/// </summary>
public sealed record Actor(string Subject, string Role, string? OwnerId, bool IsApiKey)
{
    /// <summary>
    /// Who may move an expansion signal (the board and PATCH alike): admins and API keys (with expansion:write, checked
    /// by the route policy) any; account managers only signals of accounts they own; analysts none (they read the board).
    /// </summary>
    public bool MayMoveSignalOf(string? accountOwnerId) =>
        IsApiKey || IsAdmin || (Role == Roles.AccountManager && OwnerId is not null && accountOwnerId == OwnerId);

    /// <summary>Why <see cref="MayMoveSignalOf"/> said no, naming the account's owner; null when it said yes.</summary>
    public string? WhyNotMoveSignalOf(string? accountOwnerId) => MayMoveSignalOf(accountOwnerId) ? null
        : Role == Roles.AccountManager
            ? $"This account belongs to {accountOwnerId ?? "another rep"}; account managers can only move signals of their own accounts."
            : $"Analysts can read the signals board but not move signals; the account's owner ({accountOwnerId ?? "unknown"}) or an admin can.";

    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>Recomputes (affinity, signals, recompute all): admins, or API keys whose scope the route checks.</summary>
    public bool MayRun => IsApiKey || IsAdmin;

    public static Actor From(ClaimsPrincipal principal)
    {
        var user = CurrentUser.From(principal)
                   ?? throw new InvalidOperationException("Writes need a signed-in user or API key of an organization.");
        return new Actor(user.Subject, user.Role, user.OwnerId, CurrentUser.IsApiKey(principal));
    }
}
