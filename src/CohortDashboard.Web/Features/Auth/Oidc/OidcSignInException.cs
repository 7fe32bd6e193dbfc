namespace CohortDashboard.Web.Features.Auth.Oidc;

/// <summary>
/// A sign-in through the provider that failed; <see cref="Code"/> is the <c>error</c> the sign-in page explains.
/// Thrown inside the handler so the framework routes it to the remote-failure event (a redirect, never a 500).
/// </summary>
public class OidcSignInException(string code, string message) : Exception(message)
{
    public const string Failed = "oidc-failed";
    public const string TokenRejected = "oidc-token-rejected";
    public const string ProviderUnavailable = "oidc-unavailable";

    public string Code { get; } = code;
}

/// <summary>
/// The provider vouched for the person, but they have no access here (no org, an unknown org, no role of ours).
/// They are not signed in; the no-access page says which.
/// </summary>
public sealed class OidcNoAccessException(string reason, string message) : OidcSignInException(reason, message)
{
    public const string NoOrg = "no-org";
    public const string UnknownOrg = "unknown-org";
    public const string NoRole = "no-role";
}
