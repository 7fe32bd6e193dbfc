using CohortDashboard.Web.Features.ApiKeys;

namespace CohortDashboard.Web.Tests.ApiKeys;

public sealed class ApiKeyFormatTests
{
    [Theory]
    [InlineData(ApiKeyKind.Generic, "cdk_")]
    [InlineData(ApiKeyKind.CashRunway, "cr_live_")]
    [InlineData(ApiKeyKind.Upstack, "upstack_")]
    public void Generate_EachKind_ParsesBackToItsPublicPartAndMatchesOnlyItsHash(ApiKeyKind kind, string leading)
    {
        var (key, publicPart, hash) = ApiKeyFormat.Generate(kind);

        Assert.StartsWith(leading, key);
        Assert.True(ApiKeyFormat.TryParse(key, out var parsed));
        Assert.Equal(publicPart, parsed.PublicPart);
        Assert.Equal(key, $"{parsed.PublicPart}_{parsed.Secret}");
        Assert.True(ApiKeyFormat.Matches(parsed.Secret, hash));
        Assert.DoesNotContain(parsed.Secret, hash);
        var tampered = (parsed.Secret[0] == 'a' ? 'b' : 'a') + parsed.Secret[1..];
        Assert.False(ApiKeyFormat.Matches(tampered, hash));
    }

    [Fact]
    public void Generate_TwoKeys_DifferInPrefixAndSecret()
    {
        var first = ApiKeyFormat.Generate(ApiKeyKind.Generic);
        var second = ApiKeyFormat.Generate(ApiKeyKind.Generic);

        Assert.NotEqual(first.PublicPart, second.PublicPart);
        Assert.NotEqual(first.SecretHash, second.SecretHash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("cdk")]
    [InlineData("cdk_0123456789ab")]
    [InlineData("xyz_0123456789ab_0123456789abcdef0123456789abcdef01234567")]
    [InlineData("cdk_0123456789AB_0123456789abcdef0123456789abcdef01234567")]
    [InlineData("cdk_0123456789ab_0123456789abcdef0123456789abcdef0123456")]
    [InlineData("cdk_0123456789ab_0123456789abcdef0123456789abcdef0123456g")]
    [InlineData("cr_0123456789ab_0123456789abcdef0123456789abcdef01234567")]
    [InlineData("cdk__0123456789abcdef0123456789abcdef01234567")]
    public void TryParse_Malformed_Refuses(string presented) => Assert.False(ApiKeyFormat.TryParse(presented, out _));

    [Fact]
    public void Matches_MalformedStoredHash_IsFalseNotAnError() => Assert.False(ApiKeyFormat.Matches("abc", "not-hex"));
}
