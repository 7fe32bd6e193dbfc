using CohortDashboard.Testing;
using Bunit;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Data.Demo;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Cohorts;

namespace CohortDashboard.Components.Tests.Cohorts;

/// <summary>The Cohorts page's filter builder: conditions, validation, readable chips and the §8 JSON it emits.</summary>
public sealed class CohortFilterBuilderTests : ComponentTest, IClassFixture<SeededApp>
{
    private const string SegmentIsSmb = """{"and":[{"field":"account.segment","op":"equals","value":"SMB"}]}""";
    private readonly List<FilterNode?> emitted = [];

    public CohortFilterBuilderTests(SeededApp app)
    {
        SignInAs(Roles.Analyst);
        UseApp(app.Factory.Services, DemoDataGenerator.NorthwindOrgId);
    }

    private static FilterNode Parse(string json)
    {
        var (node, errors) = CohortFilterDraft.ParseJson(json);
        Assert.Empty(errors);
        return node!;
    }

    private IRenderedComponent<CohortFilterBuilder> RenderBuilder(FilterNode? filter) =>
        Render<CohortFilterBuilder>(p => p
            .Add(b => b.Filter, filter)
            .Add(b => b.Definitions, [new CohortDefinitionOption(7, "Healthy SMB", "Custom")])
            .Add(b => b.FilterChanged, node => emitted.Add(node)));

    [Fact]
    public void AddCondition_StartsEmpty_ApplyAsksForTheValueAndEmitsNothing()
    {
        var builder = RenderBuilder(null);

        builder.Find("[data-testid='filter-add']").Click();
        Assert.Single(builder.FindAll("[data-testid='filter-condition']"));
        builder.Find("[data-testid='filter-apply']").Click();

        Assert.Equal("Condition 1: enter a value.", builder.Find("[data-testid='filter-error']").TextContent);
        Assert.Empty(emitted);
    }

    [Fact]
    public void Summary_AppliedFlatFilter_ReadsAsChips()
    {
        var builder = RenderBuilder(Parse("""{"or":[{"field":"account.segment","op":"equals","value":"SMB"},{"field":"cohort.id","op":"equals","value":7}]}"""));

        var chips = builder.FindAll("[data-testid='filter-chip']").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(["Segment is SMB", "Cohort definition is Healthy SMB (custom)"], chips);
        Assert.Contains("or", builder.Find("[data-testid='filter-summary']").TextContent);
        Assert.DoesNotContain("{", builder.Find("[data-testid='filter-summary']").TextContent);
    }

    [Fact]
    public void Apply_UnchangedConditions_EmitsTheSameSection8Json()
    {
        var builder = RenderBuilder(Parse(SegmentIsSmb));

        builder.Find("[data-testid='filter-apply']").Click();

        Assert.Equal(SegmentIsSmb, FilterJson.Serialize(Assert.Single(emitted)!));
    }

    [Fact]
    public void EditAsJson_ValidEdit_EmitsItAndInvalidEditIsRefused()
    {
        var builder = RenderBuilder(Parse(SegmentIsSmb));
        builder.Find("[data-testid='filter-json-toggle']").Click();
        Assert.Equal(SegmentIsSmb, builder.Find("[data-testid='filter-json']").GetAttribute("value"));

        builder.Find("[data-testid='filter-json']").Change("""{"or":[{"field":"account.territory","op":"in","value":["EMEA","APAC"]}]}""");
        builder.Find("[data-testid='filter-apply']").Click();
        Assert.Empty(builder.FindAll("[data-testid='filter-error']").Select(e => e.TextContent));
        Assert.Equal("""{"or":[{"field":"account.territory","op":"in","value":["EMEA","APAC"]}]}""", FilterJson.Serialize(Assert.Single(emitted)!));

        builder.Find("[data-testid='filter-json']").Change("""{"and":[{"field":"account.nope","op":"equals","value":1}]}""");
        builder.Find("[data-testid='filter-apply']").Click();
        Assert.NotEmpty(builder.FindAll("[data-testid='filter-error']"));
        Assert.Single(emitted);
    }

    [Fact]
    public void Clear_AppliedFilter_EmitsNull()
    {
        var builder = RenderBuilder(Parse(SegmentIsSmb));

        builder.Find("[data-testid='filter-clear']").Click();

        Assert.Null(Assert.Single(emitted));
    }
}
