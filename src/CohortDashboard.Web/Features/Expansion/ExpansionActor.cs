using System.Security.Claims;

namespace CohortDashboard.Web.Features.Expansion;

/// <summary>Who performs an expansion action, and what they may change.</summary>
public sealed record ExpansionActor(string Subject, string Role, string? OwnerId, bool IsApiKey)
{
    /// <summary>
    /// Admins, analysts and API keys (with expansion:write, checked by the route policy) may move any signal; account
    /// managers only signals of accounts they own.
    /// </summary>
    public bool MayChangeAnyAccount => IsApiKey || Role is Auth.Roles.Admin or Auth.Roles.Analyst;

    public bool IsAdmin => Role == Auth.Roles.Admin;

    /// <summary>Recompute affinity / generate signals: admins, or API keys (whose expansion:write scope the route checks).</summary>
    public bool MayRun => IsApiKey || IsAdmin;

    public static ExpansionActor From(ClaimsPrincipal principal)
    {
        var user = Auth.CurrentUser.From(principal)
                   ?? throw new InvalidOperationException("Expansion actions need a signed-in user or API key of an organization.");
        var isApiKey = Auth.CurrentUser.IsApiKey(principal);
        return new ExpansionActor(user.Subject, user.Role, user.OwnerId, isApiKey);
    }
}
