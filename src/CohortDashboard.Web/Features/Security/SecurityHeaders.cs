namespace CohortDashboard.Web.Features.Security;

/// <summary>
/// The headers every response carries. The CSP allows scripts only from our own origin (no inline script, no eval).
/// Styles allow inline attributes because MudBlazor (its theme provider and components) and plotly set styles at run time; style sheets
/// still come only from our origin. Forms may post to us and, for sign-in, to the identity provider.
/// </summary>
public sealed class SecurityHeaders(string contentSecurityPolicy)
{
    public string ContentSecurityPolicy { get; } = contentSecurityPolicy;

    public static SecurityHeaders Create(IConfiguration configuration)
    {
        var formAction = "'self'";
        if (Uri.TryCreate(configuration["Authentication:Oidc:Authority"], UriKind.Absolute, out var authority))
            formAction += " " + authority.GetLeftPart(UriPartial.Authority);
        return new SecurityHeaders(string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action " + formAction,
            "frame-ancestors 'none'"));
    }

    public void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }
}
