using CohortDashboard.Testing;
using Bunit;
using CohortDashboard.Data.Demo;
using CohortDashboard.Web.Features.ApiKeys;
using CohortDashboard.Web.Features.Auth;
using MudBlazor;

namespace CohortDashboard.Components.Tests.ApiKeys;

/// <summary>Admin → API keys against the real key service and database: the secret is shown once; revoking asks first.</summary>
public sealed class ApiKeysPanelTests : ComponentTest, IClassFixture<SeededApp>
{
    public ApiKeysPanelTests(SeededApp app)
    {
        SignInAs(Roles.Admin, DemoDataGenerator.ContosoOrgId, "bunit-admin");
        UseApp(app.Factory.Services, DemoDataGenerator.ContosoOrgId);
    }

    private IRenderedComponent<ApiKeysPanel> CreateKey(string name)
    {
        var panel = Render<ApiKeysPanel>();
        panel.Find("[data-testid='key-name']").Change(name);
        panel.Find("[data-testid='key-form']").Submit();
        panel.WaitForElement("[data-testid='key-secret']");
        return panel;
    }

    [Fact]
    public void Create_NamedKey_ShowsTheSecretOnceAndListsTheKeyWithoutIt()
    {
        var panel = CreateKey("bUnit shown-once key");

        var secret = panel.Find("[data-testid='key-secret']").TextContent.Trim();
        Assert.Matches("^cdk_[0-9a-f]{12}_[0-9a-f]{40}$", secret);
        var row = panel.WaitForElement("tr.keys-row:contains('bUnit shown-once key')");
        Assert.Contains("active", row.TextContent);
        Assert.DoesNotContain(secret, panel.Find("[data-testid='keys'] table").TextContent);

        var again = Render<ApiKeysPanel>();
        again.WaitForElement("tr.keys-row:contains('bUnit shown-once key')");
        Assert.Empty(again.FindAll("[data-testid='key-secret']"));
    }

    [Fact]
    public void Revoke_AsksFirst_CancelKeepsTheKeyAndConfirmRevokesIt()
    {
        var dialogs = Render<MudDialogProvider>();
        var panel = CreateKey("bUnit revoke key");
        const string row = "tr.keys-row:contains('bUnit revoke key')";

        panel.WaitForElement(row).QuerySelector("[data-testid='key-revoke']")!.Click();
        dialogs.WaitForElement("[data-testid='confirm-dialog']");
        Assert.Contains("bUnit revoke key", dialogs.Find("[data-testid='confirm-message']").TextContent);
        dialogs.Find("[data-testid='confirm-no']").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid='confirm-dialog']")));
        Assert.Contains("active", panel.Find(row).TextContent);

        panel.Find(row).QuerySelector("[data-testid='key-revoke']")!.Click();
        dialogs.WaitForElement("[data-testid='confirm-yes']").Click();
        panel.WaitForAssertion(() => Assert.Contains("revoked", panel.Find(row).TextContent));
        Assert.Empty(panel.Find(row).QuerySelectorAll("[data-testid='key-revoke']"));
    }

    [Fact]
    public void Create_NoScope_ShowsTheErrorAndCreatesNothing()
    {
        var panel = Render<ApiKeysPanel>();
        panel.Find("[data-testid='key-name']").Change("bUnit no scope");
        panel.Find("[data-testid='key-scope-analytics:read']").Change(false);
        panel.Find("[data-testid='key-form']").Submit();

        panel.WaitForAssertion(() => Assert.Contains("at least one scope", panel.Find("[data-testid='key-errors']").TextContent));
        Assert.Empty(panel.FindAll("[data-testid='key-secret']"));
        Assert.Empty(panel.FindAll("tr.keys-row:contains('bUnit no scope')"));
    }
}
