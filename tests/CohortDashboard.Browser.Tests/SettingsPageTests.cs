using System.Text.Json;
using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>Admin → Settings in Chromium: every setting changed on the page is what the API then reads, and stays after a reload.</summary>
public sealed class SettingsPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    /// <summary>Text inputs and their new values (test id after "setting-").</summary>
    private static readonly (string Field, string Value)[] Inputs =
    [
        ("name", "Northwind Learning EU"), ("termina_group_id", "77"), ("termina_deal_id", "2"),
        ("upstack_pixel_id", "nw-px-2"), ("anomaly_min_cohort_size", "12"), ("confidence_high_min_sample", "40"), ("confidence_medium_min_sample", "8"),
        ("signal_weights-affinity", "0.3"), ("signal_weights-readiness", "0.3"), ("signal_weights-health", "0.2"), ("signal_weights-propensity", "0.2"),
        ("priority_cutoffs-1", "0.9"), ("priority_cutoffs-2", "0.7"), ("priority_cutoffs-3", "0.5"), ("priority_cutoffs-4", "0.3"),
        ("cross_sell_max_products", "4"), ("max_signals_per_account", "5"), ("nrr_warning_below", "95"), ("nrr_critical_below", "85"),
        ("health_decline_points", "12"), ("churn_acceleration_periods", "3"),
    ];

    /// <summary>Searchable lists: typed, then the matching option picked.</summary>
    private static readonly (string Field, string Value)[] Autocompletes = [("timezone", "Europe/Paris"), ("currency", "GBP")];

    /// <summary>Selects and the option text picked (the API reads 4, order_date and logo).</summary>
    private static readonly (string Field, string Text)[] Selects =
        [("fiscal_year_start_month", "April"), ("refund_date_attribution", "the order's date"), ("churn_definition", "logo (only lost accounts)")];

    private static ILocator Setting(IPage page, string field) => page.Locator($"[data-testid='setting-{field}']");

    private async Task OpenSettingsAsync(BrowserSession session)
    {
        await session.Page.GotoAsync("/admin");
        await session.WaitForInteractiveAsync();
        await session.Page.GetByRole(AriaRole.Tab, new() { Name = "Settings" }).ClickAsync();
        await Assertions.Expect(Setting(session.Page, "name")).ToBeVisibleAsync(Slow);
    }

    [Fact]
    public async Task SaveEverySetting_ApiReadsThemAndReloadShowsThem()
    {
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(DemoSession.Admin, "/admin");
        await OpenSettingsAsync(session);

        // A mistake first: weights that do not sum to 1 are refused, naming the field, and nothing is saved.
        await Setting(page, "signal_weights-affinity").FillAsync("0.9");
        await page.Locator("[data-testid='settings-save']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='settings-error'][data-field='signal_weights']")).ToContainTextAsync("sum to 1", new() { Timeout = 30_000 });

        foreach (var (field, value) in Inputs) await Setting(page, field).FillAsync(value);
        foreach (var (field, value) in Autocompletes) await MudUi.ChooseAsync(page, $"setting-{field}", value);
        foreach (var (field, text) in Selects) await MudUi.PickAsync(page, $"setting-{field}", text);
        await Setting(page, "count_pending_orders").CheckAsync();
        await Setting(page, "count_voided_orders").CheckAsync();
        await page.Locator("[data-testid='settings-save']").ClickAsync();
        // A new timezone rebuilds every result in the background, so the page asks first.
        await Assertions.Expect(page.Locator("[data-testid='confirm-message']")).ToContainTextAsync("Europe/Paris");
        await MudUi.ConfirmAsync(page);
        await Assertions.Expect(page.Locator("[data-testid='settings-status']")).ToContainTextAsync("Saved", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid='settings-error']")).ToHaveCountAsync(0);

        // The admin's own session reads the API (the demo API key finds its org by the pixel id this test changes).
        var response = await session.Context.APIRequest.GetAsync("/api/settings");
        Assert.Equal(200, response.Status);
        var stored = (await response.JsonAsync())!.Value;
        var expected = JsonDocument.Parse("""
            {"name":"Northwind Learning EU","timezone":"Europe/Paris","currency":"GBP","fiscal_year_start_month":4,"termina_group_id":77,
             "termina_deal_id":2,"upstack_pixel_id":"nw-px-2","count_pending_orders":true,"count_voided_orders":true,
             "refund_date_attribution":"order_date","churn_definition":"logo","confidence_high_min_sample":40,"confidence_medium_min_sample":8,
             "signal_weights":{"affinity":0.3,"readiness":0.3,"health":0.2,"propensity":0.2},"priority_cutoffs":[0.9,0.7,0.5,0.3],
             "cross_sell_max_products":4,"max_signals_per_account":5,"nrr_warning_below":95,"nrr_critical_below":85,"health_decline_points":12,
             "churn_acceleration_periods":3,"anomaly_min_cohort_size":12}
            """).RootElement;
        foreach (var property in expected.EnumerateObject())
            Assert.True(SameJson(property.Value, stored.GetProperty(property.Name)), $"{property.Name}: {stored.GetProperty(property.Name)}");

        await OpenSettingsAsync(session);
        foreach (var (field, value) in Inputs.Concat(Autocompletes).Concat(Selects))
            Assert.Equal(Normalize(value), Normalize(await Setting(page, field).InputValueAsync()));
        Assert.True(await Setting(page, "count_pending_orders").IsCheckedAsync());
        Assert.True(await Setting(page, "count_voided_orders").IsCheckedAsync());
        Assert.Empty(session.ConsoleErrors);
    }

    /// <summary>Numbers compare by value (the database may add trailing zeros), everything else exactly.</summary>
    private static bool SameJson(JsonElement expected, JsonElement actual) => expected.ValueKind switch
    {
        JsonValueKind.Number => actual.ValueKind == JsonValueKind.Number && expected.GetDecimal() == actual.GetDecimal(),
        JsonValueKind.Array => actual.ValueKind == JsonValueKind.Array && expected.GetArrayLength() == actual.GetArrayLength()
            && expected.EnumerateArray().Zip(actual.EnumerateArray()).All(p => SameJson(p.First, p.Second)),
        JsonValueKind.Object => actual.ValueKind == JsonValueKind.Object
            && expected.EnumerateObject().All(p => actual.TryGetProperty(p.Name, out var a) && SameJson(p.Value, a)),
        _ => JsonElement.DeepEquals(expected, actual),
    };

    private static string Normalize(string value) =>
        decimal.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number.ToString("G29", System.Globalization.CultureInfo.InvariantCulture)
            : value;
}
