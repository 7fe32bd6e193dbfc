using System.Globalization;
using System.Text;
using CohortDashboard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>Admin → Import &amp; recompute, driven in Chromium against the real app.</summary>
public sealed class ImportPanelTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    private static async Task<int> CohortSizeAsync(IPage page, string month)
    {
        await page.GotoAsync("/cohorts");
        var row = page.Locator("[data-testid='cohort-row']").Filter(new() { Has = page.Locator("th", new() { HasTextString = month }) });
        await Assertions.Expect(row).ToBeVisibleAsync(Slow);
        var size = await row.Locator("[data-testid='cohort-size']").TextContentAsync();
        return int.Parse(size!.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    /// <summary>Uploads a CSV in Admin → Import and imports it (also used by the first-run setup test).</summary>
    internal static async Task UploadAndImportAsync(IPage page, string fileName, string csv, string entity)
    {
        await page.Locator("[data-testid='import-file'], input[type=file]").First.SetInputFilesAsync(new FilePayload
        {
            Name = fileName, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv),
        });
        await Assertions.Expect(page.Locator("[data-testid='import-file-name']")).ToHaveTextAsync(fileName, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid='import-preview-row']").First).ToBeVisibleAsync(Slow);
        await Assertions.Expect(page.Locator("[data-testid='import-start']")).ToContainTextAsync(entity);
        await page.Locator("[data-testid='import-start']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='import-result']")).ToBeVisibleAsync(Slow);
    }

    [Fact]
    public async Task UploadAccountsAndOrders_ThenCohortsPage_ShowsTheNewCustomersInTheirCohort()
    {
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(DemoSession.Admin, "/cohorts");
        // A month inside the default window, mid-month so no timezone can move it.
        var month = browser.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.AddMonths(-3);
        var label = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var sizeBefore = await CohortSizeAsync(page, label);

        const int newCustomers = 7;
        var accounts = new StringBuilder("external_id,name,segment,created_at,status\n");
        var orders = new StringBuilder("external_id,account_external_id,placed_at,status,gross_revenue\n");
        for (var i = 1; i <= newCustomers; i++)
        {
            accounts.Append(CultureInfo.InvariantCulture, $"BRW-A{i},Browser Café {i},SMB,{label}-10,active\n");
            orders.Append(CultureInfo.InvariantCulture, $"BRW-O{i},BRW-A{i},{label}-15T12:00:00,paid,{100 + i}.50\n");
        }

        await page.GotoAsync("/admin");
        await session.WaitForInteractiveAsync();
        await UploadAndImportAsync(page, "accounts.csv", accounts.ToString(), "accounts");
        Assert.Equal(newCustomers.ToString(CultureInfo.InvariantCulture), (await page.Locator("[data-testid='import-inserted']").TextContentAsync())?.Trim());
        await UploadAndImportAsync(page, "orders.csv", orders.ToString(), "orders");
        Assert.Equal(newCustomers.ToString(CultureInfo.InvariantCulture), (await page.Locator("[data-testid='import-inserted']").TextContentAsync())?.Trim());

        // Before any recompute, the stale facts are not used: the cohort already counts the new customers.
        Assert.Equal(sizeBefore + newCustomers, await CohortSizeAsync(page, label));

        await page.GotoAsync("/admin");
        await session.WaitForInteractiveAsync();
        await page.Locator("[data-testid='recompute-all']").ClickAsync();
        await MudUi.ConfirmAsync(page);
        var steps = page.Locator("[data-testid='recompute-step']");
        await Assertions.Expect(steps).ToHaveCountAsync(4, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid='recompute-step'][data-state='done']")).ToHaveCountAsync(4, new() { Timeout = 60_000 });
        var names = await steps.AllTextContentsAsync();
        Assert.Equal(["Columnar store", "Account cohorts", "Product affinity", "Expansion signals"],
            names.Select(n => new[] { "Columnar store", "Account cohorts", "Product affinity", "Expansion signals" }.First(n.Contains)).ToArray());
        if (Environment.GetEnvironmentVariable("CD_SCREENSHOTS") is { } dir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "admin-import.png"), FullPage = true });

        // ...and after it, from the rebuilt facts, the same number.
        Assert.Equal(sizeBefore + newCustomers, await CohortSizeAsync(page, label));
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task UploadFileWithErrors_ReportListsRowColumnProblem_AndSkipOptionImportsTheRest()
    {
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(DemoSession.Admin, "/admin");
        var csv = "external_id,name,segment,created_at,status\nBAD-1,Fine,SMB,2025-01-01,active\nBAD-2,Wrong,Huge,2025-01-01,active\nBAD-3,Also fine,SMB,2025-01-02,active\n";

        await page.Locator("input[type=file]").First.SetInputFilesAsync(new FilePayload { Name = "accounts-bad.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Assertions.Expect(page.Locator("[data-testid='import-preview-row']")).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        await page.Locator("[data-testid='import-start']").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid='import-rejected']")).ToBeVisibleAsync(Slow);
        var problem = page.Locator("[data-testid='import-problems'] tr.import-problem");
        await Assertions.Expect(problem).ToHaveCountAsync(1);
        await Assertions.Expect(problem).ToContainTextAsync("3");
        await Assertions.Expect(problem).ToContainTextAsync("segment");

        await page.Locator("[data-testid='import-skip-invalid']").ClickAsync();
        await page.Locator("[data-testid='import-start']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='import-result']")).ToBeVisibleAsync(Slow);
        await Assertions.Expect(page.Locator("[data-testid='import-inserted']")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("[data-testid='import-skipped']")).ToHaveTextAsync("1");
        if (Environment.GetEnvironmentVariable("CD_SCREENSHOTS") is { } dir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "admin-import-report.png"), FullPage = true });
        Assert.Empty(session.ConsoleErrors);
    }
}
