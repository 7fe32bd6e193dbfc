using System.Text.RegularExpressions;
using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>The /account-cohorts page in Chromium over the real app (which starts with no account cohorts in tests).</summary>
public sealed partial class AccountCohortsPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    private static async Task<IPage> OpenAsync(BrowserSession session, string subject = DemoSession.Admin)
    {
        await session.SignInAsync(subject, "/account-cohorts");
        await Assertions.Expect(session.Page.Locator("[data-testid='cohort-type']")).ToBeVisibleAsync(Slow);
        return session.Page;
    }

    internal static async Task RegenerateAndRecomputeAsync(IPage page)
    {
        await page.Locator("[data-testid='regenerate-cohorts']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='definitions-vintage']")).ToBeVisibleAsync(Slow);
        await Assertions.Expect(page.Locator("[data-testid='regenerate-cohorts']")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-testid='recompute-snapshots']").ClickAsync();
        await MudUi.ConfirmAsync(page);
        await Assertions.Expect(page.Locator("[data-testid='nrr-heatmap']")).ToBeVisibleAsync(Slow);
    }

    [Fact]
    public async Task RegenerateCohorts_Clicked_DisabledWhileRunningThenToastWithCountsAndDefinitionsTable()
    {
        await using var session = await browser.NewSessionAsync();
        var page = await OpenAsync(session);
        var button = page.Locator("[data-testid='regenerate-cohorts']");

        await button.ClickAsync();

        // The toast reports the seed's figures: total, inserted, updated and the per-type breakdown.
        var toast = page.Locator("[data-testid='toast']").Filter(new() { HasText = "Cohorts regenerated" });
        await Assertions.Expect(toast).ToBeVisibleAsync(Slow);
        // Read at once: the toast closes by itself after a few seconds, which a loaded CI machine can outlast.
        Assert.Matches(ToastPattern(), await toast.First.TextContentAsync() ?? "");
        await Assertions.Expect(button).ToBeEnabledAsync();
        var groups = page.Locator("[data-testid='definitions'] > section");
        await Assertions.Expect(page.Locator("[data-testid='definitions-vintage'] tr.definition-row").First).ToContainTextAsync("Vintage ");
        await Assertions.Expect(page.Locator("[data-testid='definitions-segment'] tr.definition-row")).ToHaveCountAsync(3);
        Assert.True(await groups.CountAsync() >= 4);

        // A recompute asks first; while it runs the buttons are disabled and a progress bar shows; afterwards the heatmaps appear.
        await page.Locator("[data-testid='recompute-snapshots']").ClickAsync();
        await MudUi.ConfirmAsync(page);
        await Assertions.Expect(page.Locator("[data-testid='nrr-heatmap']")).ToBeVisibleAsync(Slow);
        await Assertions.Expect(page.Locator("[data-testid='grr-heatmap']")).ToBeVisibleAsync();
        // Each heatmap has the content's full width (one under the other), not half of it.
        var content = await page.Locator("[data-testid='nrr-heatmap']").Locator("xpath=ancestor::div[contains(@class,'cd-charts-full')]").BoundingBoxAsync();
        foreach (var id in new[] { "nrr-heatmap", "grr-heatmap" })
        {
            var box = await page.Locator($"[data-testid='{id}']").BoundingBoxAsync();
            Assert.True(box is not null && content is not null && box.Width >= content.Width * 0.9, $"{id} is {box?.Width} px wide of {content?.Width} px");
        }
        await Assertions.Expect(page.Locator("[data-testid='arr-curves']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='comparison-row']").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='comparison-label']").First).ToBeVisibleAsync();
        if (Environment.GetEnvironmentVariable("CD_SCREENSHOTS") is { } dir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "account-cohorts.png"), FullPage = true });
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task RegenerateCohorts_WhileAnotherRunHoldsTheJob_ButtonDisabled()
    {
        var jobs = browser.Services.GetService(typeof(Web.Features.Platform.OrgJobs)) as Web.Features.Platform.OrgJobs;
        using var running = jobs!.TryStart(Data.Demo.DemoDataGenerator.NorthwindOrgId, Web.Features.AccountCohorts.AccountCohortService.GenerateJob);
        await using var session = await browser.NewSessionAsync();
        var page = await OpenAsync(session);

        await Assertions.Expect(page.Locator("[data-testid='regenerate-cohorts']")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("[data-testid='job-progress']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task CustomCohortBuilder_ConditionsChanged_LiveCountThenSavedWithThatCount()
    {
        await using var session = await browser.NewSessionAsync();
        var page = await OpenAsync(session);
        var count = page.Locator("[data-testid='custom-member-count']");

        await page.Locator("[data-testid='custom-add']").ClickAsync();
        await Assertions.Expect(count).ToHaveTextAsync("Complete the conditions to see the members"); // a new condition guesses no value
        await MudUi.PickAsync(page, "custom-value", "Enterprise");
        var enterprise = await CountAsync(count, null);
        await MudUi.PickAsync(page, "custom-value", "SMB");
        var smb = await CountAsync(count, enterprise);
        await page.Locator("[data-testid='custom-add']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='custom-condition']")).ToHaveCountAsync(2);
        await MudUi.PickAsync(page, "custom-field", "Health score");
        await MudUi.PickAsync(page, "custom-op", "is at least");
        await page.Locator("[data-testid='custom-text']").FillAsync("70");
        await page.Locator("[data-testid='custom-text']").PressAsync("Tab");
        // Each pick above changes the count on its way, so the count to expect is the API's preview of the final
        // conditions, which the page must end up showing.
        var healthySmb = await PreviewCountAsync("""{"and":[{"field":"account.segment","op":"equals","value":"SMB"},{"field":"account.health_score","op":"greater_than_or_equals","value":70}]}""");
        await Assertions.Expect(count).ToHaveTextAsync(new Regex($@"(^|[^\d,]){healthySmb:N0} matching accounts"));
        await page.Locator("[data-testid='custom-name']").FillAsync("Healthy SMB (browser)");
        await page.Locator("[data-testid='custom-save']").ClickAsync();

        var row = page.Locator("[data-testid='definitions-custom'] tr.definition-row")
            .Filter(new() { Has = page.Locator("[data-testid='definition-name']", new() { HasTextString = "Healthy SMB (browser)" }) });
        await Assertions.Expect(row).ToBeVisibleAsync(Slow);
        await Assertions.Expect(row.Locator("[data-testid='definition-members']")).ToHaveTextAsync(healthySmb.ToString("N0"));
        Assert.True(healthySmb < smb, $"{healthySmb} healthy of {smb} SMB accounts");

        // Saving the same name again is refused with a message naming it.
        await page.Locator("[data-testid='custom-add']").ClickAsync();
        await MudUi.PickAsync(page, "custom-value", "SMB");
        await page.Locator("[data-testid='custom-name']").FillAsync("Healthy SMB (browser)");
        await page.Locator("[data-testid='custom-save']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='custom-error']")).ToContainTextAsync("already exists");
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task Anomaly_Clicked_JumpsToItsCohortAndPeriod()
    {
        await using var session = await browser.NewSessionAsync();
        var page = await OpenAsync(session);
        if (await page.Locator("[data-testid='nrr-heatmap']").CountAsync() == 0) await RegenerateAndRecomputeAsync(page);
        var anomaly = page.Locator("[data-testid='anomaly']").First;
        await Assertions.Expect(anomaly).ToBeVisibleAsync(Slow);
        var message = await anomaly.Locator("[data-testid='anomaly-jump']").TextContentAsync() ?? "";

        await anomaly.Locator("[data-testid='anomaly-jump']").ClickAsync();

        var focus = page.Locator("[data-testid='cohort-focus']");
        await Assertions.Expect(focus).ToBeVisibleAsync();
        var period = await focus.GetAttributeAsync("data-period") ?? "";
        Assert.Contains(period, message);
        Assert.StartsWith((await focus.Locator("strong").TextContentAsync() ?? "").Split(" · ")[0], message);
    }

    [Fact]
    public async Task AdminSettings_ThresholdSaved_PageSaysStaleUntilRecompute()
    {
        await using var session = await browser.NewSessionAsync();
        var page = await OpenAsync(session);
        if (await page.Locator("[data-testid='nrr-heatmap']").CountAsync() == 0) await RegenerateAndRecomputeAsync(page);
        await Assertions.Expect(page.Locator("[data-testid='account-cohorts-stale']")).ToHaveCountAsync(0);

        await page.GotoAsync("/admin");
        await session.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Settings" }).ClickAsync();
        var health = page.Locator("[data-testid='setting-health_decline_points']");
        await Assertions.Expect(health).ToBeVisibleAsync(Slow);
        var before = await health.InputValueAsync();
        await health.FillAsync(before.StartsWith("12") ? "13" : "12");
        await page.Locator("[data-testid='settings-save']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='settings-account-cohorts-stale']")).ToBeVisibleAsync(Slow);

        await page.GotoAsync("/account-cohorts");
        await session.WaitForInteractiveAsync();
        await Assertions.Expect(page.Locator("[data-testid='account-cohorts-stale']")).ToBeVisibleAsync(Slow);
        await page.Locator("[data-testid='recompute-snapshots']").ClickAsync();
        await MudUi.ConfirmAsync(page);
        await Assertions.Expect(page.Locator("[data-testid='account-cohorts-stale']")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        Assert.Empty(session.ConsoleErrors);
    }

    private async Task<int> PreviewCountAsync(string criteria)
    {
        using var api = new HttpClient { BaseAddress = browser.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", CohortAppFactory.TestApiKey);
        using var response = await api.PostAsync("/api/cohorts/definitions/custom/preview",
            new StringContent($$"""{"filter_criteria":{{criteria}}}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return body.RootElement.GetProperty("member_count").GetInt32();
    }

    /// <summary>Waits for the live count to show a number other than <paramref name="previous"/> and returns it.</summary>
    private static async Task<int> CountAsync(ILocator count, int? previous)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var match = MatchingPattern().Match(await count.TextContentAsync() ?? "");
            if (match.Success)
            {
                var value = int.Parse(match.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
                if (value != previous) return value;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The member count stayed at {previous}: '{await count.TextContentAsync()}'.");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"([\d,]+) matching accounts")]
    private static partial Regex MatchingPattern();

    [GeneratedRegex(@"\d+ cohorts: \d+ inserted, \d+ updated · vintage \d+, segment 3, territory \d+, rep \d+")]
    private static partial Regex ToastPattern();
}
