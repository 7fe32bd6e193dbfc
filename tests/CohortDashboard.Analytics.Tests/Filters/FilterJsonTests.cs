using System.Text.Json;
using CohortDashboard.Analytics.Filters;

namespace CohortDashboard.Analytics.Tests.Filters;

public sealed class FilterJsonTests
{
    [Fact]
    public void Serialize_ParsedFilter_GivesCanonicalJsonThatParsesToAnEqualTree()
    {
        const string Canonical =
            """{"or":[{"and":[{"field":"orders.tags","op":"array_includes_all","value":["vip","promo"]},""" +
            """{"field":"orders.value","op":"greater_than","value":100.50}]},""" +
            """{"not":{"field":"account.segment","op":"in","value":["SMB"]}},""" +
            """{"field":"account.created_at","op":"less_than","value":"2025-07-01"},""" +
            """{"field":"cohort.id","op":"equals","value":7}]}""";
        using var document = JsonDocument.Parse(Canonical);
        var parsed = FilterParser.Parse(document.RootElement, FilterContext.CohortAnalysis, []).Node!;

        var json = FilterJson.Serialize(parsed);

        Assert.Equal(Canonical, json);
        Assert.Equal(parsed, FilterParser.Parse(json, FilterContext.CohortAnalysis, []).Node);
    }

    [Fact]
    public void Serialize_NonCanonicalInput_NormalisesWhitespaceAndKeyOrder()
    {
        const string Input = """{ "and": [ { "value": "web", "op": "equals", "field": "orders.source_name" } ] }""";

        var node = FilterParser.Parse(Input, FilterContext.CohortAnalysis, []).Node!;

        Assert.Equal("""{"and":[{"field":"orders.source_name","op":"equals","value":"web"}]}""", FilterJson.Serialize(node));
    }

    [Fact]
    public void Serialize_HandBuiltTree_EscapesStrings()
    {
        var node = FilterGroup.And(new FilterCondition("orders.source_name", FilterOperator.Equal, FilterValue.Of("a\"b")));

        var json = FilterJson.Serialize(node);

        Assert.Equal(node, FilterParser.Parse(json, FilterContext.CohortAnalysis, []).Node);
    }
}
