namespace CohortDashboard.Web.Features.Auth;

/// <summary>
/// Which ways of signing in this deployment offers, decided once at start-up. Demo sign-in is the embedded default
/// in Development; elsewhere it needs <c>Auth:AllowDemo=true</c>. With no method at all the app refuses to start.
/// </summary>
public sealed record SignInMethods(bool Demo, string? DemoApiKey)
{
    public static SignInMethods Resolve(IConfiguration configuration, IHostEnvironment environment)
    {
        var oidcAuthority = configuration["Authentication:Oidc:Authority"];
        if (!string.IsNullOrWhiteSpace(oidcAuthority))
            throw new InvalidOperationException(
                "Authentication:Oidc:Authority is set, but OpenID Connect sign-in is not part of this build yet. " +
                "Remove the setting to use demo sign-in.");

        var demo = environment.IsDevelopment() || configuration.GetValue("Auth:AllowDemo", false);
        if (!demo)
            throw new InvalidOperationException(
                "No sign-in method is configured. Outside Development, configure an identity provider or set " +
                "Auth:AllowDemo=true to allow demo sign-in (not for production data).");

        var apiKey = configuration["Demo:ApiKey"];
        return new SignInMethods(true, string.IsNullOrWhiteSpace(apiKey) ? null : apiKey);
    }
}
