using Bunit;
using CohortDashboard.Data.Demo;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Settings;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CohortDashboard.Components.Tests.Settings;

/// <summary>Admin → Settings against the real settings service and seeded database, signed in as an admin of Northwind.</summary>
public sealed class SettingsPanelTests : ComponentTest, IClassFixture<SeededApp>
{
    private readonly SeededApp app;

    public SettingsPanelTests(SeededApp app)
    {
        this.app = app;
        SignInAs(Roles.Admin, DemoDataGenerator.NorthwindOrgId, "demo-admin");
        UseApp(app.Factory.Services, DemoDataGenerator.NorthwindOrgId);
        Render<MudPopoverProvider>();
    }

    private async Task<OrgSettingsValues> StoredAsync()
    {
        await using var scope = OrgScopeIn(app.Factory.Services, DemoDataGenerator.NorthwindOrgId);
        return (await scope.ServiceProvider.GetRequiredService<SettingsService>().GetPageAsync(Xunit.TestContext.Current.CancellationToken)).Values;
    }

    private IRenderedComponent<SettingsPanel> Open()
    {
        var panel = Render<SettingsPanel>();
        panel.WaitForElement("[data-testid='settings-panel']");
        return panel;
    }

    private static void Save(IRenderedComponent<SettingsPanel> panel) => panel.Find("[data-testid='settings-form']").Submit();

    [Fact]
    public async Task Render_AsAdmin_ShowsTheStoredValuesInTheirFields()
    {
        var stored = await StoredAsync();
        var panel = Open();

        Assert.Equal(stored.Name, panel.Find("input[data-testid='setting-name']").GetAttribute("value"));
        Assert.Equal(stored.Timezone, panel.Find("input[data-testid='setting-timezone']").GetAttribute("value"));
        Assert.Equal(stored.MaxSignalsPerAccount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            panel.Find("input[data-testid='setting-max_signals_per_account']").GetAttribute("value"));
        Assert.Equal(System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(stored.FiscalYearStartMonth),
            panel.Find("input[data-testid='setting-fiscal_year_start_month']").GetAttribute("value"));
        Assert.Equal(stored.CountPendingOrders, panel.Find("input[type='checkbox'][data-testid='setting-count_pending_orders']").HasAttribute("checked"));
        Assert.Equal(SettingsFields.Groups, panel.FindAll("[data-testid='settings-group']").Select(g => g.GetAttribute("data-group")));
    }

    [Fact]
    public async Task Save_EmptyName_ShowsTheServersMessageOnTheFieldAndSavesNothing()
    {
        var before = await StoredAsync();
        var panel = Open();

        panel.Find("input[data-testid='setting-name']").Input("");
        panel.Find("input[data-testid='setting-max_signals_per_account']").Change("7");
        Save(panel);

        var error = panel.WaitForElement("[data-testid='settings-error'][data-field='name']");
        Assert.False(string.IsNullOrWhiteSpace(error.TextContent));
        Assert.Contains("Not saved", panel.Find("[data-testid='settings-status']").TextContent);
        Assert.Equal(before, await StoredAsync(), new OrgSettingsComparer());
    }

    [Fact]
    public async Task Save_WeightsNotSummingToOne_RefusedOnTheWeightsField()
    {
        var before = await StoredAsync();
        var panel = Open();

        panel.Find("input[data-testid='setting-signal_weights-affinity']").Change("0.9");
        Save(panel);

        panel.WaitForAssertion(() => Assert.Contains("sum to 1", panel.Find("[data-testid='settings-error'][data-field='signal_weights']").TextContent));
        Assert.Equal(before.SignalWeights, (await StoredAsync()).SignalWeights);
    }

    [Fact]
    public async Task Save_LiveSettingThenDerivedOne_SavesEachAndShowsTheStaleNoticeOnlyAfterTheDerivedOne()
    {
        var panel = Open();

        panel.Find("input[data-testid='setting-upstack_pixel_id']").Input("bunit-pixel");
        Save(panel);
        panel.WaitForAssertion(() => Assert.Contains("Upstack pixel id", panel.Find("[data-testid='settings-status']").TextContent));
        Assert.Equal("bunit-pixel", (await StoredAsync()).UpstackPixelId);
        Assert.Empty(panel.FindAll("[data-testid='settings-stale']"));

        var high = (await StoredAsync()).ConfidenceHighMinSample + 5;
        panel.Find("input[data-testid='setting-confidence_high_min_sample']").Change(high.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Save(panel);
        panel.WaitForAssertion(() => Assert.Contains("High confidence from", panel.Find("[data-testid='settings-status']").TextContent));
        Assert.Equal(high, (await StoredAsync()).ConfidenceHighMinSample);
        panel.WaitForElement("[data-testid='settings-stale']");
    }

    /// <summary>Record equality with the two list-valued settings compared by content.</summary>
    private sealed class OrgSettingsComparer : IEqualityComparer<OrgSettingsValues>
    {
        public bool Equals(OrgSettingsValues? x, OrgSettingsValues? y) =>
            x is not null && y is not null && x.PriorityCutoffs.SequenceEqual(y.PriorityCutoffs)
            && x with { PriorityCutoffs = y.PriorityCutoffs } == y;

        public int GetHashCode(OrgSettingsValues obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveAsync_AsAnalyst_RefusedAndNothingStored()
    {
        var before = await StoredAsync();
        await using var scope = OrgScopeIn(app.Factory.Services, DemoDataGenerator.NorthwindOrgId);

        var result = await scope.ServiceProvider.GetRequiredService<SettingsService>().SaveAsync(
            new Actor("demo-analyst", Roles.Analyst, null, false), before with { CrossSellMaxProducts = before.CrossSellMaxProducts + 1 },
            Xunit.TestContext.Current.CancellationToken);

        Assert.False(result.Saved);
        Assert.Contains("role", result.Errors!.Keys);
        Assert.Equal(before, await StoredAsync());
    }
}
