using CohortDashboard.Testing;
using System.Text.Json;
using CohortDashboard.Data.Demo;
using CohortDashboard.Web.Features.AccountCohorts;
using CohortDashboard.Web.Features.Auth;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CohortDashboard.Components.Tests.AccountCohorts;

/// <summary>The custom-cohort builder over the real account-cohort service: empty new conditions, live count, save.</summary>
public sealed class CustomCohortBuilderTests : ComponentTest, IClassFixture<SeededApp>
{
    private readonly SeededApp app;

    public CustomCohortBuilderTests(SeededApp app)
    {
        this.app = app;
        SignInAs(Roles.Admin, DemoDataGenerator.NorthwindOrgId, "bunit-admin");
        UseApp(app.Factory.Services, DemoDataGenerator.NorthwindOrgId);
    }

    private async Task<int?> PreviewAsync(string criteria)
    {
        await using var scope = OrgScopeIn(app.Factory.Services, DemoDataGenerator.NorthwindOrgId);
        using var document = JsonDocument.Parse(criteria);
        return (await scope.ServiceProvider.GetRequiredService<AccountCohortService>().PreviewAsync(document.RootElement, CancellationToken.None)).Count;
    }

    [Fact]
    public async Task AddPickAndSave_SegmentSmb_CountsLiveAndSavesWithThatCount()
    {
        var popovers = Render<MudPopoverProvider>();
        CohortDefinitionRecord? saved = null;
        var builder = Render<CustomCohortBuilder>(p => p.Add(b => b.Definitions, []).Add(b => b.Saved, d => saved = d));
        var count = () => builder.Find("[data-testid='custom-member-count']").TextContent.Trim();
        Assert.Equal("Add a condition to see the members", count());
        Assert.True(builder.Find("[data-testid='custom-save']").HasAttribute("disabled"));

        builder.Find("[data-testid='custom-add']").Click();
        Assert.Equal("Complete the conditions to see the members", count());
        Assert.Equal("Condition 1: enter a value.", builder.Find("[data-testid='custom-error']").TextContent);

        builder.Find("[data-testid='custom-value']").ParentElement!.ParentElement!.ParentElement!.MouseDown();
        popovers.WaitForElements(".mud-list-item").Single(item => item.TextContent.Trim() == "SMB").Click();
        var smb = await PreviewAsync("""{"and":[{"field":"account.segment","op":"equals","value":"SMB"}]}""");
        builder.WaitForAssertion(() => Assert.Equal($"{smb:N0} matching accounts", count()));

        builder.Find("[data-testid='custom-name']").Change("bUnit SMB");
        builder.Find("[data-testid='custom-save']").Click();
        builder.WaitForAssertion(() => Assert.NotNull(saved));
        Assert.Equal("bUnit SMB", saved!.Name);
        Assert.Equal(smb, saved.MemberCount);
    }
}
