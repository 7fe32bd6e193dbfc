using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using CohortDashboard.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CohortDashboard.Web.Features.Auth;

/// <summary>
/// Until real API keys land, the configured <c>Demo:ApiKey</c> (as <c>Authorization: Bearer</c> or
/// <c>x-api-key</c>) authenticates as the demo org with every scope. Only registered in demo mode.
/// </summary>
internal sealed class DemoApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    SignInMethods methods)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = ApiKeyAuthentication.SchemeName;
    public const string DemoOrgPixelId = "demo-pixel";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = ApiKeyReader.Read(Request);
        if (presented is null) return AuthenticateResult.NoResult();
        if (methods.DemoApiKey is null || !FixedTimeEquals(presented, methods.DemoApiKey))
            return AuthenticateResult.Fail("Invalid API key.");

        await using var db = DatabaseInitializer.CreateSystemContext(Context.RequestServices);
        var org = await db.Organizations.AsNoTracking()
            .Where(o => o.PixelId == DemoOrgPixelId)
            .Select(o => new { o.Id, o.Name })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (org is null) return AuthenticateResult.Fail("The demo organization does not exist.");

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, "demo-api-key"),
            new Claim(ClaimTypes.Name, "Demo API key"),
            new Claim(CohortClaims.OrgId, org.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(CohortClaims.OrgName, org.Name),
            .. ApiScopes.All.Select(scope => new Claim(CohortClaims.Scope, scope)),
        ], SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}

public static class ApiKeyAuthentication
{
    /// <summary>The authentication type of every principal that comes from an API key.</summary>
    public const string SchemeName = "ApiKey";
}

/// <summary>Reads a presented key from <c>Authorization: Bearer</c> or <c>x-api-key</c>.</summary>
public static class ApiKeyReader
{
    public static bool HasKey(HttpRequest request) => Read(request) is not null;

    public static string? Read(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header["Bearer ".Length..].Trim();
            return token.Length == 0 ? null : token;
        }
        var apiKey = request.Headers["x-api-key"].ToString().Trim();
        return apiKey.Length == 0 ? null : apiKey;
    }
}
