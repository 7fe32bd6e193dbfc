using System.Globalization;
using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

public sealed class CohortsPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Table = "[data-testid='cohort-table']";
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 20_000 };

    private static async Task<IPage> OpenAsync(BrowserSession session, string path = "/cohorts")
    {
        await session.SignInAsync(DemoSession.Analyst, "/cohorts");
        if (path != "/cohorts")
        {
            await session.Page.GotoAsync(path);
            await session.WaitForInteractiveAsync();
        }
        await Assertions.Expect(session.Page.Locator(Table).First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        return session.Page;
    }

    private static async Task<string> BodyTextAsync(IPage page) => await page.Locator($"{Table} tbody").First.TextContentAsync() ?? "";

    /// <summary>Waits until the table shows something other than <paramref name="before"/> and the URL holds <paramref name="urlPart"/>.</summary>
    private static async Task<string> WaitForChangeAsync(IPage page, string before, string urlPart)
    {
        try
        {
            await page.WaitForURLAsync(url => Uri.UnescapeDataString(url).Contains(urlPart, StringComparison.Ordinal),
                new() { Timeout = 20_000, WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new() { Path = "/tmp/cohorts-fail.png", FullPage = true });
            throw;
        }
        await Assertions.Expect(page.Locator($"[data-testid='cohort-results'][data-loading='false'][data-key*='{urlPart}']")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator($"{Table} tbody").First).Not.ToHaveTextAsync(before, Slow);
        return await BodyTextAsync(page);
    }

    /// <summary>
    /// Clicks a control that puts <paramref name="urlPart"/> into the URL. A click that lands while the page re-renders
    /// the control (the first results arriving) can be lost, so it is repeated until the URL changes.
    /// </summary>
    internal static async Task ClickUntilUrlAsync(IPage page, ILocator control, string urlPart)
    {
        for (var attempt = 1; ; attempt++)
        {
            await control.ClickAsync();
            try
            {
                await page.WaitForURLAsync(url => Uri.UnescapeDataString(url).Contains(urlPart, StringComparison.Ordinal),
                    new() { Timeout = 10_000, WaitUntil = WaitUntilState.Commit });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    [Fact]
    public async Task Controls_ChangeGranularityMeasureAndFilter_HeatmapChangesAndUrlKeepsState()
    {
        await using var session = await browser.NewSessionAsync();
        var page = await OpenAsync(session);
        var monthly = await BodyTextAsync(page);
        Assert.Contains("%", monthly);
        if (Environment.GetEnvironmentVariable("CD_SCREENSHOTS") is { } dir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "cohorts.png"), FullPage = true });

        await ClickUntilUrlAsync(page, page.Locator("[data-testid='granularity-select']").GetByText("Quarter", new() { Exact = true }), "grain=quarter");
        var quarterly = await WaitForChangeAsync(page, monthly, "grain=quarter");
        Assert.Equal("Q0", (await page.Locator($"{Table} [data-testid='cohort-offset']").First.TextContentAsync())?.Trim());

        await MudUi.PickAsync(page, "measure-select", "Net revenue");
        var revenue = await WaitForChangeAsync(page, quarterly, "measure=net_revenue");
        Assert.DoesNotContain("%", revenue);

        await page.Locator("[data-testid='filter-add']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='filter-condition']")).ToHaveCountAsync(1);
        await MudUi.PickAsync(page, "filter-value", "Enterprise");
        await page.Locator("[data-testid='filter-apply']").ClickAsync();
        var filtered = await WaitForChangeAsync(page, revenue, "filter=");
        Assert.NotEqual(revenue, filtered);
        await Assertions.Expect(page.Locator("[data-testid='filter-summary']")).ToContainTextAsync("Segment is Enterprise");

        // The URL is the view: a reload shows the same controls and the same numbers.
        await page.ReloadAsync();
        await session.WaitForInteractiveAsync();
        await Assertions.Expect(page.Locator($"{Table} tbody").First).ToHaveTextAsync(filtered, Slow);
        await Assertions.Expect(page.Locator("[data-testid='measure-select']")).ToHaveValueAsync("Net revenue");
        Assert.Equal("Q0", (await page.Locator($"{Table} [data-testid='cohort-offset']").First.TextContentAsync())?.Trim());
        await Assertions.Expect(page.Locator("[data-testid='filter-summary']")).ToContainTextAsync("Enterprise");
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task Cell_Clicked_DrawerListsItsCustomers()
    {
        await using var session = await browser.NewSessionAsync();
        var page = await OpenAsync(session);
        var cell = page.Locator($"{Table} tbody [data-testid='cohort-cell'][data-offset='1'][data-started='true']:not([data-customers='0'])").First;
        var customers = int.Parse((await cell.GetAttributeAsync("data-customers"))!, CultureInfo.InvariantCulture);

        await cell.Locator("button").ClickAsync();

        var drawer = page.Locator("[data-testid='cell-drawer']");
        await Assertions.Expect(drawer.Locator("[data-testid='cell-customers-total']")).ToHaveTextAsync($"{customers:N0} customers", Slow);
        await Assertions.Expect(drawer.Locator("[data-testid='cell-customer']")).ToHaveCountAsync(Math.Min(customers, 25));
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task DownloadCsv_HoldsTheMatrixShown()
    {
        await using var session = await browser.NewSessionAsync();
        var page = await OpenAsync(session, "/cohorts?periods=6");
        var offsets = await page.Locator($"{Table} [data-testid='cohort-offset']").AllTextContentsAsync();
        var rows = page.Locator($"{Table} tbody [data-testid='cohort-row']");
        var rowCount = await rows.CountAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid='download-matrix']").ClickAsync());
        var lines = (await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["cohort", "cohort_start", "size", .. offsets.Select(o => o.Trim())], lines[0].Split(','));
        Assert.Equal(rowCount + 1, lines.Length - 1); // one line per cohort plus the mean row
        Assert.StartsWith("Mean,", lines[^1]);
        for (var i = 0; i < rowCount; i++)
        {
            var row = rows.Nth(i);
            var fields = lines[i + 1].Split(',');
            Assert.Equal((await row.Locator("th").TextContentAsync())?.Trim(), fields[0]);
            Assert.Equal((await row.Locator("[data-testid='cohort-size']").TextContentAsync())?.Trim().Replace(",", ""), fields[2]);
            var cells = row.Locator("[data-testid='cohort-cell']");
            for (var k = 0; k < offsets.Count; k++)
            {
                // The CSV holds the value at the measure's precision (retention: a fraction to 4 decimals).
                var shown = await cells.Nth(k).GetAttributeAsync("data-value");
                Assert.Equal(shown is null ? "" : Math.Round(decimal.Parse(shown, System.Globalization.CultureInfo.InvariantCulture), 4, MidpointRounding.AwayFromZero)
                    .ToString(System.Globalization.CultureInfo.InvariantCulture), fields[3 + k]);
            }
        }
    }

    [Fact]
    public async Task BadLinkAndUnknownCohortFilter_ShownInlineWithoutBreakingThePage()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst, "/cohorts");
        var page = session.Page;
        const string unknownCohort = """{"and":[{"field":"cohort.id","op":"equals","value":987654}]}""";

        await page.GotoAsync($"/cohorts?measure=bogus&filter={Uri.EscapeDataString(unknownCohort)}");
        await session.WaitForInteractiveAsync();

        await Assertions.Expect(page.Locator("[data-testid='cohort-link-problem']").First).ToContainTextAsync("bogus", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid='cohort-error']")).ToContainTextAsync("filter", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid='filter-clear']")).ToBeVisibleAsync();
        await page.Locator("[data-testid='filter-clear']").ClickAsync();
        await Assertions.Expect(page.Locator(Table).First).ToBeVisibleAsync(new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task CurvesView_DrawsOneLinePerCohortPlusMean()
    {
        await using var session = await browser.NewSessionAsync();
        var page = await OpenAsync(session);
        var cohorts = await page.Locator($"{Table} tbody [data-testid='cohort-row']").CountAsync();

        await ClickUntilUrlAsync(page, page.Locator("[data-testid='view-select']").GetByText("Curves", new() { Exact = true }), "view=curves");

        var chart = page.Locator("[data-chart^='cohort-curves'] svg.main-svg").First;
        await Assertions.Expect(chart).ToBeVisibleAsync(new() { Timeout = 15_000 });
        // One legend entry per cohort and the mean, plus the one saying what dotted running periods are; each line may be
        // drawn as two traces (solid through finished periods, dotted into the running one).
        Assert.InRange(await page.Locator("[data-chart^='cohort-curves'] g.legend g.traces").CountAsync(), 2, cohorts + 2);
        Assert.InRange(await page.Locator("[data-chart^='cohort-curves'] g.scatterlayer g.trace").CountAsync(), 2, 2 * (cohorts + 1) + 1);
        Assert.Empty(session.ConsoleErrors);
    }
}
