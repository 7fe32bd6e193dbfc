using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Audit;
using CohortDashboard.Web.Features.Auth;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.ApiKeys;

/// <summary>
/// The current org's API keys: create (the secret is returned once and only its hash stored), list, revoke and change
/// a key's allowance. Every change is audited in the same transaction.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<CohortDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxNameLength = 100;
    public const int MaxQuotaLimit = 1_000_000;
    public const double MaxQuotaWindowHours = 24 * 31;

    public static readonly IReadOnlyList<string> Formats = ["cdk", "cr_live", "upstack"];

    /// <summary>The org's keys, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return keys.Select(k => ToRecord(k, now)).ToList();
    }

    /// <summary>Creates a key; throws <see cref="ApiKeyValidationException"/> when the request cannot be used.</summary>
    public async Task<CreatedApiKey> CreateAsync(string actor, NewApiKeyRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim() ?? "";
        if (name.Length == 0) errors["name"] = ["A key needs a name."];
        else if (name.Length > MaxNameLength) errors["name"] = [$"A key's name has at most {MaxNameLength} characters."];
        else if (Analytics.UntrustedText.FindDisallowed(name) is { } disallowed) errors["name"] = [Analytics.UntrustedText.DisallowedMessage(disallowed)];
        var kind = (request.Format ?? "cdk") switch
        {
            "cdk" => ApiKeyKind.Generic,
            "cr_live" => ApiKeyKind.CashRunway,
            "upstack" => ApiKeyKind.Upstack,
            _ => (ApiKeyKind?)null,
        };
        if (kind is null) errors["format"] = [$"Unknown format '{Analytics.UntrustedText.Echo(request.Format ?? "")}'; use one of: {string.Join(", ", Formats)}."];
        var scopes = (request.Scopes ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0) errors["scopes"] = ["A key needs at least one scope."];
        else if (scopes.Where(s => !ApiScopes.All.Contains(s)).ToList() is { Count: > 0 } unknown)
            errors["scopes"] = [$"Unknown scope(s): {Analytics.UntrustedText.Echo(string.Join(", ", unknown))}; use: {string.Join(", ", ApiScopes.All)}."];
        if (request.ExpiresAt is { } expires && expires.ToUniversalTime() <= now) errors["expires_at"] = ["The expiry must be in the future."];
        var quota = ValidateQuota(request.QuotaLimit, request.QuotaWindowHours, errors);
        if (errors.Count > 0) throw new ApiKeyValidationException(errors);

        var (secret, publicPart, hash) = ApiKeyFormat.Generate(kind!.Value);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = new ApiKey
        {
            OrgId = db.Scope.OrgId ?? throw new InvalidOperationException("No organization in scope."),
            Name = name,
            Prefix = publicPart,
            SecretHash = hash,
            Scopes = string.Join(' ', ApiScopes.All.Where(scopes.Contains)),
            CreatedAt = now,
            CreatedBy = actor,
            ExpiresAt = request.ExpiresAt?.ToUniversalTime(),
            QuotaLimit = quota.Credits,
            QuotaWindowSeconds = (int)quota.Window.TotalSeconds,
        };
        // Two saves (the audit row names the key's new id), one transaction: a key never exists unaudited.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        var record = ToRecord(key, now);
        db.AuditEvents.Add(AuditRecord.Create(actor, now, "api_key.created", "api_key", key.Id.ToString(), null, record));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new CreatedApiKey(secret, record);
    }

    /// <summary>Revokes a key at once; null when the org has no such key. Revoking twice keeps the first time.</summary>
    public async Task<ApiKeyRecord?> RevokeAsync(string actor, long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        if (key.RevokedAt is not null) return ToRecord(key, now);
        var before = ToRecord(key, now);
        key.RevokedAt = now;
        var after = ToRecord(key, now);
        db.AuditEvents.Add(AuditRecord.Create(actor, now, "api_key.revoked", "api_key", key.Id.ToString(), before, after));
        await db.SaveChangesAsync(ct);
        return after;
    }

    /// <summary>Changes a key's allowance; null when the org has no such key.</summary>
    public async Task<ApiKeyRecord?> SetQuotaAsync(string actor, long id, ApiKeyQuotaRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var quota = ValidateQuota(request.QuotaLimit, request.QuotaWindowHours, errors);
        if (errors.Count > 0) throw new ApiKeyValidationException(errors);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var before = ToRecord(key, now);
        key.QuotaLimit = quota.Credits;
        key.QuotaWindowSeconds = (int)quota.Window.TotalSeconds;
        var after = ToRecord(key, now);
        db.AuditEvents.Add(AuditRecord.Create(actor, now, "api_key.quota_changed", "api_key", key.Id.ToString(), before, after));
        await db.SaveChangesAsync(ct);
        return after;
    }

    private static QuotaLimit ValidateQuota(int? limit, double? windowHours, Dictionary<string, string[]> errors)
    {
        var credits = limit ?? QuotaLimit.Default.Credits;
        var hours = windowHours ?? QuotaLimit.Default.Window.TotalHours;
        if (credits is < 1 or > MaxQuotaLimit) errors["quota_limit"] = [$"The allowance is between 1 and {MaxQuotaLimit:N0} requests."];
        if (!double.IsFinite(hours) || hours * 3600 < 60 || hours > MaxQuotaWindowHours)
            errors["quota_window_hours"] = [$"The window is between one minute and {MaxQuotaWindowHours:0} hours."];
        // Only a window in range becomes a TimeSpan (a huge one, e.g. 1e308 hours, overflows it).
        return new QuotaLimit(credits, errors.ContainsKey("quota_window_hours") ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Round(hours * 3600)));
    }

    private static ApiKeyRecord ToRecord(ApiKey key, DateTime now) => new(
        key.Id, key.Name, key.Prefix, key.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), key.CreatedAt, key.CreatedBy,
        key.ExpiresAt, key.RevokedAt, key.LastUsedAt, key.QuotaLimit, key.QuotaWindowSeconds / 3600d,
        key.RevokedAt is not null ? "revoked" : key.ExpiresAt is { } expires && expires <= now ? "expired" : "active");
}
