using System.Globalization;
using System.Security.Claims;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Auth.Oidc;

/// <summary>
/// Turns the claims of an id_token the OpenID Connect handler has validated into our principal: the same claims the
/// demo sign-in puts on a cookie (subject, name, role, org id and name, owner id). Anyone we cannot place in an org
/// with one of our roles is refused.
/// </summary>
public static class OidcUserMapper
{
    /// <summary>Most privileged first: a token listing several of our roles gets the strongest one.</summary>
    private static readonly (string Wire, UserRole Role)[] KnownRoles =
        [(Roles.Admin, UserRole.Admin), (Roles.Analyst, UserRole.Analyst), (Roles.AccountManager, UserRole.AccountManager)];

    /// <param name="validated">The handler's principal from the id_token, claim types as issued (inbound mapping off).</param>
    public static async Task<ClaimsIdentity> MapAsync(ClaimsPrincipal validated, OidcSettings settings, IServiceProvider services, CancellationToken cancellationToken)
    {
        var subject = Values(validated, "sub").FirstOrDefault();
        if (string.IsNullOrEmpty(subject))
            throw new OidcSignInException(OidcSignInException.TokenRejected, "The id_token has no subject.");

        var orgValue = Values(validated, settings.OrgClaim).FirstOrDefault();
        if (string.IsNullOrWhiteSpace(orgValue))
            throw new OidcNoAccessException(OidcNoAccessException.NoOrg, $"The token of '{subject}' has no '{settings.OrgClaim}' claim.");

        var roles = Values(validated, settings.RoleClaim).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var role = KnownRoles.FirstOrDefault(r => roles.Contains(r.Wire));
        if (role.Wire is null)
            throw new OidcNoAccessException(OidcNoAccessException.NoRole, $"The token of '{subject}' has no role of ours in '{settings.RoleClaim}'.");

        var org = await FindOrgAsync(orgValue.Trim(), services, cancellationToken)
            ?? throw new OidcNoAccessException(OidcNoAccessException.UnknownOrg, $"The token of '{subject}' names org '{orgValue}', which does not exist here.");

        var membership = new OrgMembership
        {
            OrgId = org.Id,
            Subject = subject,
            DisplayName = Values(validated, settings.NameClaim).FirstOrDefault() is { Length: > 0 } name ? name : subject,
            Role = role.Role,
            OwnerId = Values(validated, settings.OwnerClaim).FirstOrDefault() is { Length: > 0 } owner ? owner : null,
        };
        return CurrentUser.CreateIdentity(membership, org.Name, CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>A claim's values; a JSON array claim (several roles) arrives as one claim per element.</summary>
    private static IEnumerable<string> Values(ClaimsPrincipal principal, string type) =>
        principal.FindAll(type).Select(c => c.Value);

    private sealed record OrgRef(long Id, string Name);

    /// <summary>The org claim names an org by its numeric id or by its name (any case).</summary>
    private static async Task<OrgRef?> FindOrgAsync(string value, IServiceProvider services, CancellationToken cancellationToken)
    {
        // Sign-in happens before any org is known, so this one lookup spans orgs, explicitly.
        await using var db = DatabaseInitializer.CreateSystemContext(services);
        var orgs = db.Organizations.AsNoTracking();
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            var byId = await orgs.Where(o => o.Id == id).Select(o => new OrgRef(o.Id, o.Name)).FirstOrDefaultAsync(cancellationToken);
            if (byId is not null) return byId;
        }
        var lowered = value.ToLowerInvariant();
        return await orgs.Where(o => o.Name.ToLower() == lowered).OrderBy(o => o.Id)
            .Select(o => new OrgRef(o.Id, o.Name)).FirstOrDefaultAsync(cancellationToken);
    }
}
