using System.Text.Json.Serialization;

namespace CohortDashboard.Web.Features.ApiKeys;

/// <summary>A key as admins see it: never its secret or hash.</summary>
public sealed record ApiKeyRecord(
    [property: JsonPropertyName("id"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("created_by")] string CreatedBy,
    [property: JsonPropertyName("expires_at")] DateTime? ExpiresAt,
    [property: JsonPropertyName("revoked_at")] DateTime? RevokedAt,
    [property: JsonPropertyName("last_used_at")] DateTime? LastUsedAt,
    [property: JsonPropertyName("quota_limit")] int QuotaLimit,
    [property: JsonPropertyName("quota_window_hours")] double QuotaWindowHours,
    [property: JsonPropertyName("state")] string State);

/// <summary>What an admin asks for when creating a key (the page's form and <c>POST /api/keys</c>).</summary>
public sealed record NewApiKeyRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("format")] string? Format,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string>? Scopes,
    [property: JsonPropertyName("expires_at")] DateTime? ExpiresAt,
    [property: JsonPropertyName("quota_limit")] int? QuotaLimit,
    [property: JsonPropertyName("quota_window_hours")] double? QuotaWindowHours);

/// <summary>A new key's one and only showing of its secret.</summary>
public sealed record CreatedApiKey(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("api_key")] ApiKeyRecord ApiKey);

/// <summary>A change of a key's allowance (<c>PATCH /api/keys/{id}</c>).</summary>
public sealed record ApiKeyQuotaRequest(
    [property: JsonPropertyName("quota_limit")] int? QuotaLimit,
    [property: JsonPropertyName("quota_window_hours")] double? QuotaWindowHours);

/// <summary>Request fields that cannot be used, by field name; nothing was written.</summary>
public sealed class ApiKeyValidationException(IDictionary<string, string[]> errors)
    : ArgumentException("The API key request is invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}
