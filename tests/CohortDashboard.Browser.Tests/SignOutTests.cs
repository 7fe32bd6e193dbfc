using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>Signing out ends the session on the server, so no page that was open keeps working after a refresh.</summary>
public sealed class SignOutTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task SignOut_PageRefreshedHereAndInABrowserHoldingTheSameCookie_LandsOnSignIn()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst, "/cohorts");
        // A second browser with a copy of the auth cookie: what a stolen or left-behind cookie would be.
        await using var copy = await browser.NewSessionAsync();
        var cookies = await session.Context.CookiesAsync();
        await copy.Context.AddCookiesAsync(cookies.Select(c => new Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, Expires = c.Expires,
            HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
        }));
        await copy.Page.GotoAsync("/cohorts", new() { WaitUntil = WaitUntilState.Commit });
        await copy.WaitForInteractiveAsync();
        Assert.Equal("/cohorts", new Uri(copy.Page.Url).AbsolutePath);

        await session.Page.Locator("form.cd-signout button[type='submit']").ClickAsync();
        await session.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin", new() { WaitUntil = WaitUntilState.Commit });
        await session.Page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });
        await session.Page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        await ReloadAsync(session.Page);
        await ReloadAsync(copy.Page);

        foreach (var page in new[] { session.Page, copy.Page })
        {
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin", new() { WaitUntil = WaitUntilState.Commit });
            Assert.Equal("?ReturnUrl=%2Fcohorts", new Uri(page.Url).Query);
            await Assertions.Expect(page.Locator($"[data-testid='demo-user-{DemoSession.Analyst}']")).ToBeVisibleAsync();
            Assert.Equal(0, await page.Locator("[data-testid='user-name']").CountAsync());
        }
    }

    /// <summary>
    /// Reloads <paramref name="page"/>. A reload sent while Chromium is still swapping the page in from the back
    /// navigation finds "no active page" (seen once in CI); that navigation settles within moments, so the reload is
    /// sent again, at most twice more.
    /// </summary>
    private static async Task ReloadAsync(IPage page)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.ReloadAsync(new() { WaitUntil = WaitUntilState.Commit });
                return;
            }
            catch (PlaywrightException error) when (attempt < 3 && error.Message.Contains("Not attached to an active page", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
