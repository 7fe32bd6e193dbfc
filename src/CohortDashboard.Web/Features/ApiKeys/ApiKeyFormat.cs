using System.Security.Cryptography;
using System.Text;

namespace CohortDashboard.Web.Features.ApiKeys;

/// <summary>The client family a key is minted for; it only changes the key's leading word.</summary>
public enum ApiKeyKind { Generic, CashRunway, Upstack }

/// <summary>A presented key split into its public part (stored, used to find the row) and its secret (only hashed).</summary>
public readonly record struct ParsedApiKey(string PublicPart, string Secret);

/// <summary>
/// Keys look like <c>cdk_&lt;prefix&gt;_&lt;secret&gt;</c>, <c>cr_live_&lt;prefix&gt;_&lt;secret&gt;</c> or
/// <c>upstack_&lt;prefix&gt;_&lt;secret&gt;</c>. Prefix and secret are lowercase hex, so the last two underscores split a key
/// unambiguously even though <c>cr_live</c> has one of its own.
/// </summary>
public static class ApiKeyFormat
{
    public const int PrefixLength = 12;
    public const int SecretLength = 40;

    public static string LeadingWord(ApiKeyKind kind) => kind switch
    {
        ApiKeyKind.CashRunway => "cr_live",
        ApiKeyKind.Upstack => "upstack",
        _ => "cdk",
    };

    /// <summary>A new key: the full text (shown once) and the parts we store.</summary>
    public static (string Key, string PublicPart, string SecretHash) Generate(ApiKeyKind kind)
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PrefixLength / 2));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretLength / 2));
        var publicPart = $"{LeadingWord(kind)}_{prefix}";
        return ($"{publicPart}_{secret}", publicPart, Hash(secret));
    }

    public static bool TryParse(string presented, out ParsedApiKey key)
    {
        key = default;
        var lastSeparator = presented.LastIndexOf('_');
        if (lastSeparator <= 0) return false;
        var secret = presented[(lastSeparator + 1)..];
        var publicPart = presented[..lastSeparator];
        var prefixSeparator = publicPart.LastIndexOf('_');
        if (prefixSeparator <= 0) return false;
        var word = publicPart[..prefixSeparator];
        var prefix = publicPart[(prefixSeparator + 1)..];
        if (word is not ("cdk" or "cr_live" or "upstack")) return false;
        if (prefix.Length != PrefixLength || secret.Length != SecretLength || !IsLowerHex(prefix) || !IsLowerHex(secret)) return false;
        key = new ParsedApiKey(publicPart, secret);
        return true;
    }

    /// <summary>
    /// SHA-256, hex. The secret is 160 random bits, so a fast hash is enough: there is nothing to guess that a slow
    /// password hash would protect.
    /// </summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares a presented secret with a stored hash in time that does not depend on where they differ.</summary>
    public static bool Matches(string secret, string storedHash)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        Span<byte> stored = stackalloc byte[32];
        return Convert.FromHexString(storedHash, stored, out _, out var written) == System.Buffers.OperationStatus.Done
               && written == 32
               && CryptographicOperations.FixedTimeEquals(presented, stored);
    }

    private static bool IsLowerHex(string value)
    {
        foreach (var c in value)
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f')) return false;
        return true;
    }
}
