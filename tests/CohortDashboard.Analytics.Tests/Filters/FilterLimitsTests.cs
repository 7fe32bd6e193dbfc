using System.Text.Json;
using CohortDashboard.Analytics.Filters;

namespace CohortDashboard.Analytics.Tests.Filters;

/// <summary>The size limits <see cref="FilterParser"/> applies before anything else, and the messages they give.</summary>
public sealed class FilterLimitsTests
{
    private static readonly string[] Base = ["filters"];

    private static FilterParseResult Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FilterParser.Parse(document.RootElement, FilterContext.CohortAnalysis, Base);
    }

    private static string Leaf(string value = "\"web\"") => $$"""{"field":"orders.source_name","op":"equals","value":{{value}}}""";

    private static string Or(int leaves) => $$"""{"or":[{{string.Join(",", Enumerable.Repeat(Leaf(), leaves))}}]}""";

    [Fact]
    public void Parse_ExactlyMaxConditions_IsValid() => Assert.True(Parse(Or(FilterLimits.MaxConditions)).IsValid);

    [Theory]
    [InlineData(FilterLimits.MaxConditions + 1)]
    [InlineData(20_000)]
    public void Parse_MoreThanMaxConditions_OneErrorAtTheFilterNamingTheLimit(int leaves)
    {
        var error = Assert.Single(Parse(Or(leaves)).Errors);

        Assert.Equal(Base, error.Path);
        Assert.Equal("The filter has more than 200 conditions; at most 200 are allowed.", error.Message);
    }

    [Fact]
    public void Parse_InWithTooManyValues_ErrorAtTheValueNamingCountAndLimit()
    {
        var values = string.Join(",", Enumerable.Range(0, FilterLimits.MaxValuesPerCondition + 1).Select(i => $"\"v{i}\""));

        var error = Assert.Single(Parse($$"""{"and":[{"field":"orders.source_name","op":"in","value":[{{values}}]}]}""").Errors);

        Assert.Equal(["filters", "and", "0", "value"], error.Path);
        Assert.Equal("This value has 1,001 items; at most 1,000 are allowed.", error.Message);
    }

    [Fact]
    public void Parse_TooManyValuesInAll_ErrorAtTheFilter()
    {
        var values = string.Join(",", Enumerable.Range(0, 900).Select(i => $"\"v{i}\""));
        var leaf = $$"""{"field":"orders.source_name","op":"in","value":[{{values}}]}""";

        var error = Assert.Single(Parse($$"""{"or":[{{string.Join(",", Enumerable.Repeat(leaf, 6))}}]}""").Errors);

        Assert.Equal(Base, error.Path);
        Assert.Contains("more than 5,000 values", error.Message);
    }

    [Fact]
    public void Parse_LongText_ErrorAtTheValueWithoutTheText()
    {
        var error = Assert.Single(Parse($$"""{"and":[{{Leaf("\"" + new string('x', 100_000) + "\"")}}]}""").Errors);

        Assert.Equal(["filters", "and", "0", "value"], error.Path);
        Assert.Equal("This text is 100,000 characters long; at most 256 are allowed.", error.Message);
    }

    [Fact]
    public void Parse_LongPropertyName_ErrorWithoutTheName()
    {
        var error = Assert.Single(Parse($$"""{"and":[{"{{new string('k', 5_000)}}":1}]}""").Errors);

        Assert.Equal(["filters", "and", "0"], error.Path);
        Assert.DoesNotContain("kkkk", error.Message);
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"a\\udc00b\"")]
    public void Parse_LoneSurrogate_ErrorAtTheValue(string value)
    {
        var error = Assert.Single(Parse($$"""{"and":[{{Leaf(value)}}]}""").Errors);

        Assert.Equal(["filters", "and", "0", "value"], error.Path);
        Assert.Contains("not valid Unicode", error.Message);
    }

    [Fact]
    public void Parse_InvalidUtf8InAString_ErrorAtTheValue()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes($$"""{"and":[{{Leaf("\"@\"")}}]}""");
        bytes[Array.IndexOf(bytes, (byte)'@')] = 0xFF;
        using var document = JsonDocument.Parse(bytes);

        var error = Assert.Single(FilterParser.Parse(document.RootElement, FilterContext.CohortAnalysis, Base).Errors);

        Assert.Equal(["filters", "and", "0", "value"], error.Path);
    }

    [Fact]
    public void Parse_TextOverTheByteLimit_ErrorAtTheFilter()
    {
        var error = Assert.Single(FilterParser.Parse(new string(' ', FilterLimits.MaxJsonBytes) + Or(1), FilterContext.CohortAnalysis, Base).Errors);

        Assert.Contains("262,144", error.Message);
    }

    [Theory]
    [InlineData("account.created_at", "\"9999-12-31\"", "outside the dates a filter can use (1900-01-01 to 2999-12-31)")]
    [InlineData("account.created_at", "\"0001-01-01T00:00:00Z\"", "outside the dates")]
    [InlineData("cohort.id", "99999999999999999999", "positive whole number up to 9223372036854775807")]
    public void Parse_ValueOutOfRange_ErrorAtTheValue(string field, string value, string message)
    {
        var error = Assert.Single(Parse($$"""{"and":[{"field":"{{field}}","op":"equals","value":{{value}}}]}""").Errors);

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Parse_UnknownFieldOfAMegabyte_EchoesAShortPrefix()
    {
        var error = Assert.Single(Parse($$"""{"and":[{"field":"{{new string('f', 200)}}","op":"equals","value":"x"}]}""").Errors);

        Assert.Equal($"Unknown field '{new string('f', 60)}… (200 characters)'.", error.Message);
    }
}
