using CohortDashboard.Web.Components.Shared;

namespace CohortDashboard.Web.Tests.Components.Shared;

public class FormatsTests
{
    [Theory]
    [InlineData("262.09", "USD", "$262.09")]
    [InlineData("999.994", "USD", "$999.99")]
    [InlineData("3453.4", "USD", "$3,453")]
    [InlineData("12550", "EUR", "€12,550")]
    [InlineData("7304628.11", "USD", "$7,304,628")]
    [InlineData("-1500.5", "GBP", "-£1,501")]
    [InlineData("42", "SEK", "SEK 42.00")]
    public void Money_Amount_CentsBelowAThousandWholeUnitsAbove(string amount, string currency, string expected) =>
        Assert.Equal(expected, Formats.Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency));

    [Fact]
    public void Money_Missing_IsADashNeverNull()
    {
        Assert.Equal("–", Formats.Money(null, "USD"));
        Assert.Equal("–", Formats.MoneyCents(null, "USD"));
        Assert.Equal("–", Formats.Percent(null));
        Assert.Equal("–", Formats.PercentPoints(null));
        Assert.Equal("–", Formats.Count(null));
    }

    [Theory]
    [InlineData("0.94", "94.0%")]
    [InlineData("0.12345", "12.3%")]
    [InlineData("0.00049", "0.0%")]
    [InlineData("1.0315", "103.2%")]
    public void Percent_Ratio_OneDecimalNoSpace(string ratio, string expected) =>
        Assert.Equal(expected, Formats.Percent(decimal.Parse(ratio, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("103.15", "103.2%")]
    [InlineData("94", "94.0%")]
    [InlineData("-0.04", "0.0%")]
    public void PercentPoints_Points_SameShapeAsPercent(string points, string expected) =>
        Assert.Equal(expected, Formats.PercentPoints(decimal.Parse(points, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("1234567", "1,234,567")]
    [InlineData("17", "17")]
    [InlineData("2.456", "2.46")]
    public void Count_Value_ThousandsSeparated(string count, string expected) =>
        Assert.Equal(expected, Formats.Count(decimal.Parse(count, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("1500", "$1,500")]
    [InlineData("12550", "$12.55K")]
    [InlineData("1234567", "$1.23M")]
    public void MoneyCompact_Headline_ShortForm(string amount, string expected) =>
        Assert.Equal(expected, Formats.MoneyCompact(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), "USD"));

    [Fact]
    public void RoundMoneyAndRate_CsvPrecision_CentsAndFourDecimals()
    {
        Assert.Equal(13022.91m, Formats.RoundMoney(13022.905714285714285714285714m));
        Assert.Equal(0.1235m, Formats.RoundRate(0.123456m));
        Assert.Null(Formats.RoundMoney(null));
    }

    [Fact]
    public void MoneyHelpers_Delegate_ToTheSameService()
    {
        Assert.Equal(Formats.MoneyCents(262.09m, "USD"), Money.Full(262.09m, "USD"));
        Assert.Equal(Formats.MoneyWhole(659914.4m, "USD"), Money.Whole(659914.4m, "USD"));
        Assert.Equal(Formats.PercentPoints(103.15m), CohortDashboard.Web.Features.AccountCohorts.AccountCohortFormat.Percent(103.15m));
    }
}
