using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

public sealed class ShellTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly string[] NavPages = ["/", "/cohorts", "/account-cohorts", "/affinity", "/signals"];

    [Theory]
    [InlineData(DemoSession.Admin, "Admin")]
    [InlineData(DemoSession.Analyst, "Analyst")]
    [InlineData(DemoSession.AccountManager, "Account manager")]
    public async Task SignIn_EachDemoUser_VisitsEveryNavPageWithoutConsoleErrors(string subject, string roleName)
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(subject);
        var page = session.Page;

        Assert.Equal(roleName, (await page.Locator("[data-testid='user-role']").TextContentAsync())?.Trim());
        Assert.Equal("Northwind Learning", (await page.Locator("[data-testid='org-name']").TextContentAsync())?.Trim());

        var pages = subject == DemoSession.Admin ? NavPages.Append("/admin") : NavPages;
        foreach (var path in pages)
        {
            // Navigate the way a person does: through the side nav (interactive routing inside the circuit).
            var link = page.Locator($"nav a[href='{path}']").First;
            await link.ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path);
            await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();
        }

        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task Overview_AnyUser_DrawsPlotlyCharts()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst);

        var chart = session.Page.Locator("[data-chart='net-revenue'] svg.main-svg").First;
        await Assertions.Expect(chart).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(session.Page.Locator("[data-chart='arr-by-segment'] svg.main-svg").First).ToBeVisibleAsync();
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task Overview_WindowToggle_RedrawsChartWithMoreMonthsAndKeepsItInTheUrl()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst);
        var page = session.Page;
        var bars = page.Locator("[data-chart='net-revenue'] g.point");
        await Assertions.Expect(bars).ToHaveCountAsync(12, new() { Timeout = 15_000 });

        await page.Locator("[data-testid='window-select']").GetByText("24 months").ClickAsync();

        await Assertions.Expect(bars).ToHaveCountAsync(24, new() { Timeout = 15_000 });
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("months=24"));
        await page.ReloadAsync();
        await session.WaitForInteractiveAsync();
        await Assertions.Expect(bars).ToHaveCountAsync(24, new() { Timeout = 15_000 });
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task ThemeToggle_Clicked_SurvivesReload()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.AccountManager);
        var page = session.Page;
        var shell = page.Locator("[data-testid='app-shell']");
        await Assertions.Expect(shell).ToHaveAttributeAsync("data-theme", "light");
        const string background = "() => getComputedStyle(document.body).backgroundColor";
        var light = await page.EvaluateAsync<string>(background);

        await page.Locator("[data-testid='theme-toggle']").ClickAsync();
        await Assertions.Expect(shell).ToHaveAttributeAsync("data-theme", "dark");
        await page.WaitForFunctionAsync("() => document.cookie.includes('cd-theme.')");
        Assert.NotEqual(light, await page.EvaluateAsync<string>(background));

        // The server renders the dark palette in the first response: no light flash before the circuit connects.
        var html = await (await page.Context.APIRequest.GetAsync(page.Url)).TextAsync();
        Assert.Contains("data-theme=\"dark\"", html);
        await page.ReloadAsync();
        await session.WaitForInteractiveAsync();
        await Assertions.Expect(shell).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task AdminPage_Analyst_SeesNotAuthorized()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst);
        var page = session.Page;

        Assert.Equal(0, await page.Locator("nav a[href='/admin']").CountAsync());
        await page.GotoAsync("/admin");

        await Assertions.Expect(page.Locator("[data-testid='not-authorized']")).ToContainTextAsync("Not authorized");
    }

    [Fact]
    public async Task UnknownPage_SignedIn_ShowsNotFoundPage()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst);
        await session.Page.GotoAsync("/definitely-not-here");
        await Assertions.Expect(session.Page.Locator("[data-testid='not-found']")).ToContainTextAsync("Page not found");
    }
}
