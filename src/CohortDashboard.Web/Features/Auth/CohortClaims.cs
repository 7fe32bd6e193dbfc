using System.Security.Claims;
using CohortDashboard.Data.Model;

namespace CohortDashboard.Web.Features.Auth;

/// <summary>The claim names we put on every principal, cookie or API key alike.</summary>
public static class CohortClaims
{
    public const string OrgId = "org_id";
    public const string OrgName = "org_name";
    public const string OwnerId = "owner_id";
    public const string Scope = "scope";
    public const string ApiKeyId = "api_key_id";
    public const string QuotaCredits = "quota_credits";
    public const string QuotaWindowSeconds = "quota_window_seconds";
    /// <summary>The server-side session a cookie principal belongs to (see <c>AuthSessionStore</c>).</summary>
    public const string SessionId = "session_id";
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Analyst = "analyst";
    public const string AccountManager = "account_manager";

    public static string Display(string? role) => role switch
    {
        Admin => "Admin",
        Analyst => "Analyst",
        AccountManager => "Account manager",
        _ => "No role",
    };
}

public static class Policies
{
    public const string Admin = "admin";

    /// <summary>A signed-in admin or any API key (diagnostics: the OpenAPI document, <c>/version</c>).</summary>
    public const string AdminOrApiKey = "admin-or-api-key";

    /// <summary>
    /// The policy an API route names for a key scope. Signed-in people pass on their session (their role rules what
    /// pages show); API keys must carry the scope.
    /// </summary>
    public static string Scope(string scope) => "scope:" + scope;

    /// <summary>
    /// The policy of an admin-only write (import, recompute, regenerate): a signed-in admin, or an API key carrying the
    /// scope.
    /// </summary>
    public static string AdminOrScope(string scope) => "admin-or-scope:" + scope;
}

/// <summary>The scopes an API key can carry (SPEC §6).</summary>
public static class ApiScopes
{
    public const string ReadSummary = "READ_SUMMARY";
    public const string AnalyticsRead = "analytics:read";
    public const string CohortsRead = "cohorts:read";
    public const string CohortsWrite = "cohorts:write";
    public const string ExpansionRead = "expansion:read";
    public const string ExpansionWrite = "expansion:write";
    public const string ImportWrite = "import:write";
    public const string SettingsWrite = "settings:write";

    public static readonly string[] All = [ReadSummary, AnalyticsRead, CohortsRead, CohortsWrite, ExpansionRead, ExpansionWrite, ImportWrite, SettingsWrite];
}

/// <summary>Reads our claims off a principal.</summary>
public sealed record CurrentUser(string Subject, string Name, string Role, long OrgId, string OrgName, string? OwnerId)
{
    public static CurrentUser? From(ClaimsPrincipal? principal)
    {
        if (principal is null || OrgIdOf(principal) is not { } orgId) return null;
        return new CurrentUser(
            principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
            principal.FindFirstValue(ClaimTypes.Name) ?? "",
            principal.FindFirstValue(ClaimTypes.Role) ?? "",
            orgId,
            principal.FindFirstValue(CohortClaims.OrgName) ?? "",
            principal.FindFirstValue(CohortClaims.OwnerId));
    }

    /// <summary>True when the principal is an API key rather than a signed-in person.</summary>
    public static bool IsApiKey(ClaimsPrincipal? principal) =>
        principal?.Identity is { IsAuthenticated: true, AuthenticationType: ApiKeyAuthentication.SchemeName };

    public static long? OrgIdOf(ClaimsPrincipal? principal) =>
        principal?.Identity?.IsAuthenticated == true
        && long.TryParse(principal.FindFirstValue(CohortClaims.OrgId), out var orgId) ? orgId : null;

    public static ClaimsIdentity CreateIdentity(OrgMembership membership, string orgName, string authenticationType) =>
        new(
        [
            new Claim(ClaimTypes.NameIdentifier, membership.Subject),
            new Claim(ClaimTypes.Name, membership.DisplayName),
            new Claim(ClaimTypes.Role, membership.Role.ToWire()),
            new Claim(CohortClaims.OrgId, membership.OrgId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(CohortClaims.OrgName, orgName),
            .. membership.OwnerId is null ? Array.Empty<Claim>() : [new Claim(CohortClaims.OwnerId, membership.OwnerId)],
        ], authenticationType, ClaimTypes.Name, ClaimTypes.Role);
}
