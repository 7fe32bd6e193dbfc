using System.Text.Json;
using CohortDashboard.Analytics.Filters;

namespace CohortDashboard.Analytics.Tests.Filters;

public sealed class FilterParserTests
{
    private static readonly string[] Base = ["filters"];

    private static FilterParseResult Parse(string json, FilterContext? context = null)
    {
        using var document = JsonDocument.Parse(json);
        return FilterParser.Parse(document.RootElement, context ?? FilterContext.CohortAnalysis, Base);
    }

    private static FilterError SingleError(string json, FilterContext? context = null)
    {
        var result = Parse(json, context);
        Assert.Null(result.Node);
        return Assert.Single(result.Errors);
    }

    private static string Leaf(string field, string op, string value) => $$"""{"field":"{{field}}","op":"{{op}}","value":{{value}}}""";

    [Fact]
    public void Parse_SeedExample_BuildsTree()
    {
        var result = Parse("""
            {
              "and": [
                { "field": "orders.source_name", "op": "in", "value": ["web", "pos"] },
                { "field": "orders.customer_type", "op": "equals", "value": "new_customer" }
              ]
            }
            """);

        Assert.True(result.IsValid);
        Assert.Equal(
            FilterGroup.And(
                new FilterCondition("orders.source_name", FilterOperator.In, FilterValue.OfStrings(["web", "pos"])),
                new FilterCondition("orders.customer_type", FilterOperator.Equal, FilterValue.Of("new_customer"))),
            result.Node);
    }

    [Fact]
    public void Parse_EveryFieldWithAFittingOperator_IsValid()
    {
        var result = Parse($$"""
            {"or":[
              {{Leaf("orders.order_type", "not_equals", "\"subscription\"")}},
              {{Leaf("orders.value", "greater_than_or_equals", "100.50")}},
              {{Leaf("orders.payment_gateway", "contains", "\"stripe\"")}},
              {{Leaf("orders.tags", "array_includes", "\"vip\"")}},
              {{Leaf("orders.tags", "array_includes_all", "[\"vip\",\"promo\"]")}},
              {{Leaf("orders.tags", "array_includes_any", "[\"vip\"]")}},
              {{Leaf("orders.tags", "contains", "\"pro\"")}},
              {{Leaf("attribution.utm_source", "equals", "\"google\"")}},
              {{Leaf("attribution.utm_medium", "not_in", "[\"cpc\"]")}},
              {{Leaf("attribution.utm_campaign", "contains", "\"spring\"")}},
              {{Leaf("attribution.utm_content", "equals", "\"a\"")}},
              {{Leaf("attribution.utm_term", "equals", "\"b\"")}},
              {{Leaf("account.segment", "in", "[\"Enterprise\",\"Mid-Market\",\"SMB\"]")}},
              {{Leaf("account.territory", "equals", "\"EMEA\"")}},
              {{Leaf("account.owner_id", "equals", "\"rep-01\"")}},
              {{Leaf("account.user_type", "equals", "\"business\"")}},
              {{Leaf("account.arr", "less_than", "50000")}},
              {{Leaf("account.health_score", "greater_than", "70")}},
              {{Leaf("account.created_at", "less_than_or_equals", "\"2025-03-31\"")}},
              {{Leaf("account.created_at", "in", "[\"2025-01-01T00:00:00Z\",\"2025-01-01T07:30:00.25-05:00\"]")}},
              {{Leaf("account.status", "not_equals", "\"churned\"")}},
              {{Leaf("cohort.id", "in", "[3, 4]")}}
            ]}
            """);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Message)));
        Assert.Equal(22, ((FilterGroup)result.Node!).Children.Count);
    }

    [Fact]
    public void Parse_UnknownField_ErrorAtField()
    {
        var error = SingleError($$"""{"and":[{{Leaf("orders.colour", "equals", "\"red\"")}}]}""");

        Assert.Equal(["filters", "and", "0", "field"], error.Path);
        Assert.Equal("field", error.Key);
        Assert.Equal("Unknown field 'orders.colour'.", error.Message);
    }

    [Theory]
    [InlineData("channel.campaign_id")]
    [InlineData("emq.event_name")]
    [InlineData("attribution.utm_adset")]
    [InlineData("attribution.utm_ad")]
    public void Parse_SeedFieldWithoutData_ErrorSaysNotAvailable(string field)
    {
        var error = SingleError($$"""{"and":[{{Leaf(field, "equals", "\"x\"")}}]}""");

        Assert.Equal(["filters", "and", "0", "field"], error.Path);
        Assert.Contains("not available", error.Message);
    }

    [Fact]
    public void Parse_OperatorNotFittingType_ErrorAtOpListingFittingOnes()
    {
        var error = SingleError($$"""{"and":[{{Leaf("account.arr", "equals", "1")}},{{Leaf("orders.value", "contains", "\"1\"")}}]}""");

        Assert.Equal(["filters", "and", "1", "op"], error.Path);
        Assert.Equal("op", error.Key);
        Assert.Contains("'contains' does not apply to orders.value (number)", error.Message);
        Assert.Contains("greater_than", error.Message);
    }

    [Theory]
    [InlineData("account.segment", "contains", "\"Ent\"")]
    [InlineData("cohort.id", "greater_than", "3")]
    [InlineData("orders.tags", "equals", "\"vip\"")]
    [InlineData("orders.source_name", "array_includes", "\"web\"")]
    public void Parse_OperatorNotInFieldsList_ErrorAtOp(string field, string op, string value)
    {
        var error = SingleError($$"""{"and":[{{Leaf(field, op, value)}}]}""");

        Assert.Equal(["filters", "and", "0", "op"], error.Path);
    }

    [Fact]
    public void Parse_UnknownOperator_ErrorAtOp()
    {
        var error = SingleError($$"""{"and":[{{Leaf("account.arr", "between", "1")}}]}""");

        Assert.Equal(["filters", "and", "0", "op"], error.Path);
        Assert.Equal("Unknown operator 'between'.", error.Message);
    }

    [Theory]
    [InlineData("orders.source_name", "in", "\"web\"", new[] { "filters", "and", "0", "value" })]          // scalar for in
    [InlineData("orders.source_name", "in", "[]", new[] { "filters", "and", "0", "value" })]               // empty array
    [InlineData("orders.source_name", "equals", "[\"web\"]", new[] { "filters", "and", "0", "value" })]    // array for equals
    [InlineData("orders.source_name", "equals", "3", new[] { "filters", "and", "0", "value" })]            // number for text
    [InlineData("orders.source_name", "equals", "null", new[] { "filters", "and", "0", "value" })]         // null
    [InlineData("account.arr", "greater_than", "\"100\"", new[] { "filters", "and", "0", "value" })]       // string for number
    [InlineData("account.arr", "in", "[1, \"2\"]", new[] { "filters", "and", "0", "value", "1" })]         // mixed array
    [InlineData("orders.tags", "array_includes_any", "\"vip\"", new[] { "filters", "and", "0", "value" })] // scalar for any
    [InlineData("orders.tags", "array_includes", "true", new[] { "filters", "and", "0", "value" })]        // boolean
    [InlineData("cohort.id", "equals", "2.5", new[] { "filters", "and", "0", "value" })]                   // not an id
    [InlineData("orders.source_name", "contains", "\"\"", new[] { "filters", "and", "0", "value" })]       // empty contains
    public void Parse_WrongValueShapeOrType_ErrorAtValue(string field, string op, string value, string[] path)
    {
        var error = SingleError($$"""{"and":[{{Leaf(field, op, value)}}]}""");

        Assert.Equal(path, error.Path);
        Assert.Equal("value", error.Key);
    }

    [Fact]
    public void Parse_BadEnumValue_ErrorListsAllowedValues()
    {
        var error = SingleError($$"""{"and":[{{Leaf("account.segment", "in", "[\"SMB\",\"Midmarket\"]")}}]}""");

        Assert.Equal(["filters", "and", "0", "value", "1"], error.Path);
        Assert.Equal("value", error.Key);
        Assert.Equal("'Midmarket' is not a value of account.segment; expected one of: Enterprise, Mid-Market, SMB.", error.Message);
    }

    [Theory]
    [InlineData("\"2025-02-30\"")]
    [InlineData("\"03/01/2025\"")]
    [InlineData("\"2025-03-01T12:00:00\"")] // an instant without offset would depend on the server's timezone
    [InlineData("\"2025-03-01 12:00:00Z\"")]
    public void Parse_BadDate_ErrorAtValue(string value)
    {
        var error = SingleError($$"""{"and":[{{Leaf("account.created_at", "greater_than", value)}}]}""");

        Assert.Equal(["filters", "and", "0", "value"], error.Path);
        Assert.Contains("not a valid date", error.Message);
    }

    [Theory]
    [InlineData("""{"and":[]}""", "and")]
    [InlineData("""{"or":[]}""", "or")]
    [InlineData("""{"or":{"field":"account.arr","op":"equals","value":1}}""", "or")]
    [InlineData("""{"not":[{"field":"account.arr","op":"equals","value":1}]}""", "not")]
    public void Parse_EmptyOrMisshapenGroupBody_ErrorAtGroupKey(string json, string key)
    {
        var error = SingleError(json);

        Assert.Equal(["filters", key], error.Path);
        Assert.Equal(key, error.Key);
    }

    [Fact]
    public void Parse_GroupWithTwoOfAndOrNot_ErrorAtTheSecond()
    {
        var error = SingleError($$"""{"and":[{{Leaf("account.arr", "equals", "1")}}],"or":[{{Leaf("account.arr", "equals", "2")}}]}""");

        Assert.Equal(["filters", "or"], error.Path);
        Assert.Equal("or", error.Key);
        Assert.Equal("A group has exactly one of and, or, not; this one already has 'and'.", error.Message);
    }

    [Fact]
    public void Parse_DepthThree_IsValid()
    {
        var result = Parse($$"""{"and":[{"or":[{"not":{{Leaf("account.arr", "equals", "1")}}}]}]}""");

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Parse_DepthFour_ErrorAtTheTooDeepGroup()
    {
        var leaf = Leaf("account.arr", "equals", "1");
        var error = SingleError("{\"and\":[" + leaf + ",{\"or\":[{\"not\":{\"and\":[" + leaf + "]}}]}]}");

        Assert.Equal(["filters", "and", "1", "or", "0", "not"], error.Path);
        Assert.Equal("not", error.Key);
        Assert.Equal("Groups nest at most 3 deep; this group is at depth 4.", error.Message);
    }

    [Fact]
    public void Parse_UnknownPropertiesInConditionAndGroup_ErrorAtEach()
    {
        var result = Parse("""{"and":[{"field":"account.arr","op":"equals","value":1,"label":"x"}],"limit":3}""");

        Assert.Equal(
            [
                FilterError.At(["filters", "limit"], "Unknown property 'limit' in a group; a group has exactly one of and, or, not."),
                FilterError.At(["filters", "and", "0", "label"], "Unknown property 'label' in a condition; a condition has field, op and value."),
            ],
            result.Errors);
        Assert.Equal("label", result.Errors[1].Key);
    }

    [Fact]
    public void Parse_MissingValue_ErrorAtValue()
    {
        var error = SingleError("""{"and":[{"field":"account.arr","op":"equals"}]}""");

        Assert.Equal(["filters", "and", "0", "value"], error.Path);
        Assert.Equal("'value' is required.", error.Message);
    }

    [Fact]
    public void Parse_OrderFieldInCustomCohort_ErrorNamesTheScope()
    {
        var error = SingleError($$"""{"and":[{{Leaf("account.arr", "equals", "1")}},{{Leaf("orders.value", "greater_than", "1")}}]}""", FilterContext.CustomCohort);

        Assert.Equal(["filters", "and", "1", "field"], error.Path);
        Assert.Equal("The field 'orders.value' (order scope) cannot be used in a custom cohort; allowed scopes: account, cohort.", error.Message);
    }

    [Fact]
    public void Parse_ConditionAtTopLevel_ErrorAskingForAGroup()
    {
        var error = SingleError(Leaf("account.arr", "equals", "1"));

        Assert.Equal(["filters"], error.Path);
        Assert.Equal("filters", error.Key);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllInDocumentOrder()
    {
        var result = Parse($$"""
            {"or":[
              {{Leaf("orders.nope", "equals", "1")}},
              {"and":[{{Leaf("account.segment", "equals", "\"Huge\"")}}, 42]},
              {{Leaf("account.arr", "greater_than", "\"x\"")}}
            ]}
            """);

        Assert.Equal(
            [
                new[] { "filters", "or", "0", "field" },
                ["filters", "or", "1", "and", "0", "value"],
                ["filters", "or", "1", "and", "1"],
                ["filters", "or", "2", "value"],
            ],
            result.Errors.Select(e => e.Path.ToArray()));
        Assert.Equal("and", result.Errors[2].Key);
    }

    [Fact]
    public void Parse_MalformedJsonText_ErrorAtBasePath()
    {
        var result = FilterParser.Parse("{\"and\": [", FilterContext.CustomCohort, ["filter_criteria"]);

        Assert.Equal(["filter_criteria"], Assert.Single(result.Errors).Path);
    }
}
