using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>The "Show projection" switches of the Cohorts and Account cohorts pages, in Chromium over the real app.</summary>
public sealed class ProjectionPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Table = "[data-testid='cohort-table']";
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    private static async Task WaitForResultsAsync(IPage page, string keyPart) =>
        await Assertions.Expect(page.Locator($"[data-testid='cohort-results'][data-loading='false'][data-key*='{keyPart}']")).ToBeVisibleAsync(Slow);

    [Fact]
    public async Task CohortsPage_ProjectionSwitchedOn_ShowsProjectedCellsCurvesAndLtvTable()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst, "/cohorts");
        var page = session.Page;
        await page.GotoAsync("/cohorts?mode=unbounded");
        await session.WaitForInteractiveAsync();
        await Assertions.Expect(page.Locator(Table).First).ToBeVisibleAsync(Slow);
        Assert.Equal(0, await page.Locator("[data-projected='true']").CountAsync());

        await CohortsPageTests.ClickUntilUrlAsync(page, page.Locator("[data-testid='projection-switch']"), "projection=on");
        await WaitForResultsAsync(page, "projection=on");

        // Projected cells sit only where the period has not started, say "≈", and name the model and its interval.
        var projected = page.Locator($"{Table} [data-projected='true']");
        await Assertions.Expect(projected.First).ToBeVisibleAsync(Slow);
        Assert.All(await projected.AllTextContentsAsync(), text => Assert.StartsWith("≈", text.Trim()));
        var title = await projected.First.GetAttributeAsync("title") ?? "";
        Assert.Contains("Projected Retention", title);
        Assert.Contains("sBG α=", title);
        Assert.Contains("95% interval", title);
        Assert.Equal(0, await page.Locator($"{Table} [data-projected='true'][data-started='true']").CountAsync());
        await Assertions.Expect(page.Locator("[data-testid='projected-legend']")).ToBeVisibleAsync();

        // The Projected LTV table: one row per cohort with customers, 12/24/36 columns, observed or projected or missing.
        var sizes = await page.Locator($"{Table} tbody [data-testid='cohort-size']").AllTextContentsAsync();
        var ltvRows = page.Locator("[data-testid='projected-ltv-row']");
        Assert.Equal(sizes.Count(s => s.Trim() != "0"), await ltvRows.CountAsync());
        Assert.Equal(3 * await ltvRows.CountAsync(), await page.Locator("[data-testid='projected-ltv-cell']").CountAsync());
        Assert.True(await page.Locator("[data-testid='projected-ltv-cell'][data-status='projected']").CountAsync() > 0);

        if (Environment.GetEnvironmentVariable("CD_SCREENSHOTS") is { } tableDir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(tableDir, "cohorts-projection-table.png"), FullPage = true });
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid='download-projected-ltv']").ClickAsync());
        var lines = (await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken)).TrimStart('\uFEFF')
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("cohort,cohort_start,size,ltv_12,ltv_12_lower,ltv_12_upper,ltv_12_status,ltv_24", lines[0]);
        Assert.Equal(await ltvRows.CountAsync(), lines.Length - 1);

        // Curves: each projected cohort continues dashed inside its band; the legend names the projection.
        await CohortsPageTests.ClickUntilUrlAsync(page, page.Locator("[data-testid='view-select']").GetByText("Curves", new() { Exact = true }), "view=curves");
        var chart = page.Locator("[data-chart^='cohort-curves']");
        await Assertions.Expect(chart.Locator("svg.main-svg").First).ToBeVisibleAsync(Slow);
        Assert.True(await chart.Locator("g.scatterlayer path.js-line[style*='dasharray']").CountAsync() > 0);
        Assert.True(await chart.Locator("g.scatterlayer path.js-fill").CountAsync() > 0);
        await Assertions.Expect(chart.Locator("g.legend")).ToContainTextAsync("Projected");
        if (Environment.GetEnvironmentVariable("CD_SCREENSHOTS") is { } curvesDir)
            await chart.ScreenshotAsync(new() { Path = Path.Combine(curvesDir, "cohorts-projection-curves.png") });
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task AccountCohortsPage_ProjectionSwitchedOn_AccountsRemainingContinueDashed()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Admin, "/account-cohorts");
        var page = session.Page;
        await Assertions.Expect(page.Locator("[data-testid='cohort-type']")).ToBeVisibleAsync(Slow);
        await AccountCohortsPageTests.RegenerateAndRecomputeAsync(page);
        var curves = page.Locator("[data-testid='account-curves']");
        await Assertions.Expect(curves.Locator("svg.main-svg").First).ToBeVisibleAsync(Slow);
        // Before the switch the only broken lines are the dotted running months (RunningPeriod), one per cohort at most.
        var brokenBefore = await curves.Locator("path.js-line[style*='dasharray']").CountAsync();
        await Assertions.Expect(curves.Locator("g.legend")).Not.ToContainTextAsync("Projected");

        await page.Locator("[data-testid='vintage-projection-switch']").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid='vintage-projection-legend']")).ToBeVisibleAsync(Slow);
        await Assertions.Expect(curves.Locator("g.legend")).ToContainTextAsync("Projected");
        Assert.True(await curves.Locator("g.scatterlayer path.js-line[style*='dasharray']").CountAsync() > brokenBefore,
            "no dashed projection lines were added");
        // ARR retention is not projected.
        await Assertions.Expect(page.Locator("[data-testid='arr-curves'] g.legend")).Not.ToContainTextAsync("Projected");
        if (Environment.GetEnvironmentVariable("CD_SCREENSHOTS") is { } dir)
            await curves.ScreenshotAsync(new() { Path = Path.Combine(dir, "account-cohorts-projection.png") });
        Assert.Empty(session.ConsoleErrors);
    }
}
