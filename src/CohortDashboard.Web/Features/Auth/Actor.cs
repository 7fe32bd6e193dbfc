using System.Security.Claims;

namespace CohortDashboard.Web.Features.Auth;

/// <summary>
/// Who performs a write (a signed-in user or an API key of an organization), and what they may change. Services take
/// it instead of a principal so pages, endpoints and recompute steps hand over the same facts.
/// </summary>
public sealed record Actor(string Subject, string Role, string? OwnerId, bool IsApiKey)
{
    /// <summary>
    /// Admins, analysts and API keys (with expansion:write, checked by the route policy) may move any signal; account
    /// managers only signals of accounts they own.
    /// </summary>
    public bool MayChangeAnyAccount => IsApiKey || Role is Roles.Admin or Roles.Analyst;

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
