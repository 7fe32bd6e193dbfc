using System.Globalization;
using System.Text;
using CohortDashboard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>
/// A fresh install without demo data (<c>Demo:Seed=false</c>), driven in Chromium: the setup page creates the first
/// organization and its local admin, who imports accounts and orders and sees them on the cohort heatmap.
/// </summary>
public sealed class SetupPageTests : IAsyncLifetime
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    private readonly CohortAppFactory factory = new() { Settings = { ["Demo:Seed"] = "false" } };
    private IPlaywright? playwright;
    private IBrowser? browser;

    public async ValueTask InitializeAsync()
    {
        _ = factory.BaseAddress;
        playwright = await Playwright.CreateAsync();
        browser = await BrowserFixture.LaunchChromiumAsync(playwright);
    }

    [Fact]
    public async Task EmptyDatabase_SetupImportAndCohorts_ShowsTheHeatmapOfTheOrgsOwnCustomers()
    {
        await using var session = await BrowserFixture.NewSessionAsync(browser!, factory.BaseAddress);
        var page = session.Page;

        // Any page sends a stranger to sign-in, which sends a new installation to set-up.
        await page.GotoAsync("/cohorts");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/setup");
        await page.Locator("[data-testid='setup-name']").FillAsync("Acme");
        await page.Locator("[data-testid='setup-currency']").FillAsync("eur");
        await page.Locator("[data-testid='setup-timezone']").FillAsync("Europe/Atlantis");
        await page.Locator("[data-testid='setup-create']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='setup-error'][data-field='timezone']")).ToBeVisibleAsync(Slow);
        await page.Locator("[data-testid='setup-timezone']").FillAsync("Europe/Paris");
        await page.Locator("[data-testid='setup-create']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='setup-created']")).ToContainTextAsync("Acme", new() { Timeout = 30_000 });

        await page.Locator("[data-testid='setup-signin']").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/admin", new() { WaitUntil = WaitUntilState.Commit });
        await session.WaitForInteractiveAsync();

        // Mid-month orders three months back: inside the default window whatever the zone.
        var month = factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.AddMonths(-3).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var accounts = new StringBuilder("external_id,name,segment,created_at,status\n");
        var orders = new StringBuilder("external_id,account_external_id,placed_at,status,gross_revenue\n");
        for (var i = 1; i <= 3; i++)
        {
            accounts.Append(CultureInfo.InvariantCulture, $"ACME-{i},Acme customer {i},SMB,{month}-02,active\n");
            orders.Append(CultureInfo.InvariantCulture, $"ACME-O{i},ACME-{i},{month}-15T12:00:00,paid,{40 * i}.00\n");
        }
        await ImportPanelTests.UploadAndImportAsync(page, "accounts.csv", accounts.ToString(), "accounts");
        await ImportPanelTests.UploadAndImportAsync(page, "orders.csv", orders.ToString(), "orders");

        await page.GotoAsync("/cohorts");
        var row = page.Locator("[data-testid='cohort-row']").Filter(new() { Has = page.Locator("th", new() { HasTextString = month }) });
        await Assertions.Expect(row).ToBeVisibleAsync(Slow);
        await Assertions.Expect(row.Locator("[data-testid='cohort-size']")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("[data-testid='cohort-table']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Acme");
        // Once an organization exists, set-up is over.
        await page.GotoAsync("/setup");
        await Assertions.Expect(page.Locator("[data-testid='setup-done']")).ToBeVisibleAsync(Slow);
        Assert.Empty(session.ConsoleErrors);
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
        await factory.DisposeAsync();
    }
}
