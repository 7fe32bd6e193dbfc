using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

public sealed class AffinityPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Recompute_Admin_DrawsHeatmapAndCellClickListsWhitespaceAccounts()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Admin, "/affinity");
        var page = session.Page;

        await page.Locator("[data-testid='recompute-affinity']").ClickAsync();
        await MudUi.ConfirmAsync(page);
        await Assertions.Expect(page.Locator("[data-testid='affinity-notice']")).ToContainTextAsync("Recomputed", new() { Timeout = 20_000 });
        var plot = page.Locator("[data-chart='affinity-heatmap'] .nsewdrag").First;
        await Assertions.Expect(plot).ToBeVisibleAsync(new() { Timeout = 15_000 });
        if (Environment.GetEnvironmentVariable("CD_SCREENSHOTS") is { } shots)
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "affinity0.png"), FullPage = true });
        // One row per product (each trace draws its own ticks, so count distinct labels).
        var rows = (await page.Locator("[data-chart='affinity-heatmap'] .ytick text").AllTextContentsAsync()).Distinct().Count();
        Assert.Equal(12, rows);

        // Row 0 (first source), column 1 (second target): off the empty diagonal.
        var box = (await plot.BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + box.Width * 1.5f / rows, box.Y + box.Height * 0.5f / rows);

        var table = page.Locator("[data-testid='whitespace-accounts']");
        if (Environment.GetEnvironmentVariable("CD_SCREENSHOTS") is { } dir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "affinity.png"), FullPage = true });
        await Assertions.Expect(table).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("[data-testid='whitespace'] h2")).ToContainTextAsync("Own ");
        var link = page.Locator("[data-testid='account-signals-link']").First;
        await Assertions.Expect(link).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex(@"^/signals\?account=\d+$"));

        // The segment selector redraws the matrix for one segment.
        await page.Locator("[data-testid='segment-select']").GetByText("Enterprise").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='whitespace'] h2")).ToHaveCountAsync(0);
        await Assertions.Expect(plot).ToBeVisibleAsync();
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task AffinityPage_Analyst_HasNoRecomputeButton()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst, "/affinity");
        await Assertions.Expect(session.Page.Locator("main h1")).ToHaveTextAsync("Affinity");
        await Assertions.Expect(session.Page.Locator("[data-testid='recompute-affinity']")).ToHaveCountAsync(0);
    }
}
