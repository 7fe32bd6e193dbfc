namespace CohortDashboard.Web.Features.Auth;

public static class ApiKeyAuthentication
{
    /// <summary>The scheme, and the authentication type of every principal that comes from an API key.</summary>
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
