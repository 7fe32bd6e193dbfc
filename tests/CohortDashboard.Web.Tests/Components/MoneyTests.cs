using CohortDashboard.Web.Components.Shared;

namespace CohortDashboard.Web.Tests.Components;

public sealed class MoneyTests
{
    [Theory]
    [InlineData(980, "USD", "$980")]
    [InlineData(9999.4, "USD", "$9,999")]
    [InlineData(45_600, "EUR", "€45.6K")]
    [InlineData(1_234_567, "USD", "$1.23M")]
    [InlineData(-2_500_000, "GBP", "-£2.5M")]
    [InlineData(123_456_789, "USD", "$123M")]
    [InlineData(1_000, "SEK", "SEK 1,000")]
    public void Compact_Amount_FormatsInvariantlyWithSymbol(double amount, string currency, string expected) =>
        Assert.Equal(expected, Money.Compact((decimal)amount, currency));

    [Fact]
    public void Full_NegativeAmount_KeepsCentsAndSign() => Assert.Equal("-$1,234.50", Money.Full(-1234.5m, "USD"));

    [Theory]
    [InlineData(1_234_567.5, "EUR", "€1,234,568")]
    [InlineData(-980.4, "USD", "-$980")]
    [InlineData(0, "SEK", "SEK 0")]
    public void Whole_Amount_RoundsToUnitsWithThousandsAndSymbol(double amount, string currency, string expected) =>
        Assert.Equal(expected, Money.Whole((decimal)amount, currency));
}
