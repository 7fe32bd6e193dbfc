namespace CohortDashboard.Analytics.Tests;

public sealed class UntrustedTextTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\u0000b", "a\\u0000b")]
    [InlineData("evil\u202Etxt", "evil\\u202etxt")]
    [InlineData("smile \U0001F600", "smile \U0001F600")]
    public void Echo_ShortText_ShowsInvisibleCharactersAsEscapes(string text, string expected) =>
        Assert.Equal(expected, UntrustedText.Echo(text));

    [Fact]
    public void Echo_LoneSurrogate_ShownAsAnEscape() => Assert.Equal("lone \\ud800", UntrustedText.Echo("lone " + (char)0xD800));

    [Fact]
    public void Echo_LongText_KeepsAPrefixAndSaysHowLong() =>
        Assert.Equal(new string('x', 60) + "… (1,000,000 characters)", UntrustedText.Echo(new string('x', 1_000_000)));

    [Theory]
    [InlineData("Acme GmbH", null)]
    [InlineData("Zoë 株式会社", null)]
    [InlineData("a\u0000", '\u0000')]
    [InlineData("tab\there\r\nnext", null)]
    [InlineData("bell\u0007", '\u0007')]
    [InlineData("x\u202Ey", '\u202E')]
    [InlineData("x\u2066y", '\u2066')]
    public void FindDisallowed_Names_FindsControlAndDirectionOverrides(string text, char? expected) =>
        Assert.Equal(expected, UntrustedText.FindDisallowed(text));
}
