using CohortDashboard.Testing;
using CohortDashboard.Data.Demo;
using CohortDashboard.Web.Features.AccountCohorts;
using CohortDashboard.Web.Features.Auth;
using MudBlazor;

namespace CohortDashboard.Components.Tests.AccountCohorts;

/// <summary>Admin → Account cohorts settings over the real service: current values, server validation, stale notice.</summary>
public sealed class AccountCohortSettingsPanelTests : ComponentTest, IClassFixture<SeededApp>
{
    public AccountCohortSettingsPanelTests(SeededApp app)
    {
        SignInAs(Roles.Admin, DemoDataGenerator.ContosoOrgId, "bunit-admin");
        UseApp(app.Factory.Services, DemoDataGenerator.ContosoOrgId);
        Render<MudSnackbarProvider>();
    }

    private IRenderedComponent<AccountCohortSettingsPanel> RenderPanel()
    {
        var panel = Render<AccountCohortSettingsPanel>();
        panel.WaitForElement("[data-testid='setting-nrr-warning']");
        return panel;
    }

    [Fact]
    public void Save_CriticalAboveWarning_ShowsTheServersMessageOnThatField()
    {
        var panel = RenderPanel();
        var warning = decimal.Parse(panel.Find("[data-testid='setting-nrr-warning']").GetAttribute("value")!, System.Globalization.CultureInfo.InvariantCulture);

        panel.Find("[data-testid='setting-nrr-critical']").Change((warning + 5).ToString(System.Globalization.CultureInfo.InvariantCulture));
        panel.Find("[data-testid='account-cohort-settings']").Submit();

        var error = panel.WaitForElement("[data-testid='settings-error'][data-field='nrr_critical_below']");
        Assert.Contains("not above nrr_warning_below", error.TextContent);
        Assert.Empty(panel.FindAll("[data-testid='settings-stale']"));
    }

    [Fact]
    public void Save_NewHealthThreshold_SavesAndSaysTheNumbersAreStale()
    {
        var panel = RenderPanel();
        var before = panel.Find("[data-testid='setting-health']").GetAttribute("value");

        panel.Find("[data-testid='setting-health']").Change(before == "12" ? "13" : "12");
        panel.Find("[data-testid='account-cohort-settings']").Submit();

        panel.WaitForElement("[data-testid='settings-stale']");
        Assert.Empty(panel.FindAll("[data-testid='settings-error']"));
        Assert.NotEqual(before, RenderPanel().Find("[data-testid='setting-health']").GetAttribute("value"));
    }
}
