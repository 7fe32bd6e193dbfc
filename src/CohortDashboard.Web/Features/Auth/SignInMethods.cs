using CohortDashboard.Web.Features.Auth.Oidc;

namespace CohortDashboard.Web.Features.Auth;

/// <summary>
/// Which way of signing in this deployment offers, decided once at start-up. With an identity provider configured
/// (<c>Authentication:Oidc:Authority</c>) it is OpenID Connect and nothing else. Without one, demo sign-in is the
/// embedded default in Development; elsewhere it needs <c>Auth:AllowDemo=true</c>. With no method at all, or a
/// half-configured provider, the app refuses to start.
/// </summary>
public sealed record SignInMethods(bool Demo, string? DemoApiKey, OidcSettings? Oidc = null)
{
    public static SignInMethods Resolve(IConfiguration configuration, IHostEnvironment environment)
    {
        // An authority means "use this identity provider"; never fall back to demo sign-in beside it.
        if (OidcSettings.FromConfiguration(configuration.GetSection("Authentication:Oidc"), environment) is { } oidc)
            return new SignInMethods(false, null, oidc);

        var demo = environment.IsDevelopment() || configuration.GetValue("Auth:AllowDemo", false);
        if (!demo)
            throw new InvalidOperationException(
                "No sign-in method is configured. Outside Development, configure an identity provider or set " +
                "Auth:AllowDemo=true to allow demo sign-in (not for production data).");

        var apiKey = configuration["Demo:ApiKey"];
        return new SignInMethods(true, string.IsNullOrWhiteSpace(apiKey) ? null : apiKey);
    }
}
