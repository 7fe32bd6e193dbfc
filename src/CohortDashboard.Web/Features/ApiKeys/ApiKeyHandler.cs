using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using CohortDashboard.Data;
using CohortDashboard.Web.Features.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CohortDashboard.Web.Features.ApiKeys;

/// <summary>
/// Authenticates <c>Authorization: Bearer</c> / <c>x-api-key</c> keys: found by their public part, secret compared with
/// the stored hash in constant time, refused when revoked or expired. The principal carries the key's org and scopes,
/// so routes authorize it like a session and the database context scopes it like one. In demo mode the configured
/// <c>Demo:ApiKey</c> also works, as the demo org with every scope.
/// </summary>
internal sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    SignInMethods methods, TimeProvider clock, IProblemDetailsService problems, ApiKeyLastUseWrites lastUseWrites)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string DemoOrgPixelId = "demo-pixel";
    public const string DemoKeyId = "demo";

    // Compiled once: every API request runs it, and EF's per-call translation (parameter extraction, cache lookup) cost
    // about as much as the query itself.
    private static readonly Func<CohortDbContext, string, CancellationToken, Task<StoredKey?>> FindKey =
        EF.CompileAsyncQuery((CohortDbContext db, string publicPart, CancellationToken _) => db.ApiKeys.AsNoTracking()
            .Where(k => k.Prefix == publicPart)
            .Select(k => new StoredKey(k.Id, k.OrgId, k.Name, k.SecretHash, k.Scopes, k.ExpiresAt, k.RevokedAt, k.LastUsedAt,
                k.QuotaLimit, k.QuotaWindowSeconds, db.Organizations.Where(o => o.Id == k.OrgId).Select(o => o.Name).First()))
            .FirstOrDefault());

    private sealed record StoredKey(long Id, long OrgId, string Name, string SecretHash, string Scopes, DateTime? ExpiresAt,
        DateTime? RevokedAt, DateTime? LastUsedAt, int QuotaLimit, int QuotaWindowSeconds, string OrgName);

    // Writing last-used on every call would turn each read into a write; a minute is precise enough for an admin.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = ApiKeyReader.Read(Request);
        if (presented is null) return AuthenticateResult.NoResult();

        if (methods.DemoApiKey is not null && FixedTimeEquals(presented, methods.DemoApiKey))
            return await DemoKeyAsync();
        if (!ApiKeyFormat.TryParse(presented, out var parsed))
            return AuthenticateResult.Fail("Invalid API key.");

        // The key's org is what we are about to learn, so this one lookup spans orgs, by the unique public part.
        await using var db = DatabaseInitializer.CreateSystemContext(Context.RequestServices);
        var key = await FindKey(db, parsed.PublicPart, Context.RequestAborted);
        if (key is null || !ApiKeyFormat.Matches(parsed.Secret, key.SecretHash)) return AuthenticateResult.Fail("Invalid API key.");
        var now = clock.GetUtcNow().UtcDateTime;
        if (key.RevokedAt is not null) return AuthenticateResult.Fail("The API key has been revoked.");
        if (key.ExpiresAt is { } expires && expires <= now) return AuthenticateResult.Fail("The API key has expired.");

        if ((key.LastUsedAt is not { } lastUsed || now - lastUsed >= LastUsedResolution) && lastUseWrites.TryClaim(key.Id, now, LastUsedResolution))
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);

        return Success(
            key.Id.ToString(CultureInfo.InvariantCulture), key.Name, key.OrgId, key.OrgName,
            key.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            new QuotaLimit(key.QuotaLimit, TimeSpan.FromSeconds(key.QuotaWindowSeconds)));
    }

    /// <summary>API callers get a ProblemDetails that says why the key was refused (revoked, expired, unknown).</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        if (result.Failure is { } failure)
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = Context,
                ProblemDetails = { Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized", Detail = failure.Message },
            });
    }

    private async Task<AuthenticateResult> DemoKeyAsync()
    {
        await using var db = DatabaseInitializer.CreateSystemContext(Context.RequestServices);
        var org = await db.Organizations.AsNoTracking()
            .Where(o => o.PixelId == DemoOrgPixelId)
            .Select(o => new { o.Id, o.Name })
            .FirstOrDefaultAsync(Context.RequestAborted);
        return org is null
            ? AuthenticateResult.Fail("The demo organization does not exist.")
            : Success(DemoKeyId, "Demo API key", org.Id, org.Name, ApiScopes.All, QuotaLimit.Default);
    }

    private AuthenticateResult Success(string keyId, string name, long orgId, string orgName, IEnumerable<string> scopes, QuotaLimit quota)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, "api-key:" + keyId),
            new Claim(ClaimTypes.Name, name),
            new Claim(CohortClaims.OrgId, orgId.ToString(CultureInfo.InvariantCulture)),
            new Claim(CohortClaims.OrgName, orgName),
            new Claim(CohortClaims.ApiKeyId, keyId),
            new Claim(CohortClaims.QuotaCredits, quota.Credits.ToString(CultureInfo.InvariantCulture)),
            new Claim(CohortClaims.QuotaWindowSeconds, ((long)quota.Window.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
            .. scopes.Select(scope => new Claim(CohortClaims.Scope, scope)),
        ], ApiKeyAuthentication.SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeyAuthentication.SchemeName));
    }

    private static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}

/// <summary>
/// Which request of this instance writes a key's last-used time: the first to find it stale, not every request in
/// flight at that moment (16 concurrent clients of one key made 16 writes each minute, queueing on SQLite's one writer).
/// </summary>
public sealed class ApiKeyLastUseWrites
{
    private readonly ConcurrentDictionary<long, DateTime> _claimed = new();

    /// <summary>True for one caller per key and <paramref name="resolution"/>: that caller writes.</summary>
    public bool TryClaim(long keyId, DateTime now, TimeSpan resolution)
    {
        while (true)
        {
            if (!_claimed.TryGetValue(keyId, out var last))
            {
                if (_claimed.TryAdd(keyId, now)) return true;
            }
            else if (now - last < resolution) return false;
            else if (_claimed.TryUpdate(keyId, now, last)) return true;
        }
    }
}
