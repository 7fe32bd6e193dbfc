using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>The app in OpenID Connect mode against the loopback oidc-provider, and one headless Chromium.</summary>
public sealed class OidcBrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public CohortAppFactory App { get; } = new();
    public OidcTestProvider Provider { get; } = new();
    public IBrowser Browser { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        await Provider.StartAsync(App); // starts the app too: its address is the redirect URI
        playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchChromiumAsync(playwright);
    }

    public Task<BrowserSession> NewSessionAsync() => BrowserFixture.NewSessionAsync(Browser, App.BaseAddress);

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        await Provider.DisposeAsync();
        await App.DisposeAsync();
    }
}

public sealed class OidcSignInTests(OidcBrowserFixture fixture) : IClassFixture<OidcBrowserFixture>
{
    [Fact]
    public async Task CodeFlow_SignInThenSignOut_ShowsNameAndRoleThenEndsProviderSession()
    {
        await using var session = await fixture.NewSessionAsync();
        var page = session.Page;

        await page.GotoAsync("/cohorts");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin");
        await SignInAtProviderAsync(page, "alice");

        await page.WaitForURLAsync(url => IsApp(url, "/cohorts"), ArrivedOnly);
        await session.WaitForInteractiveAsync();
        await Assertions.Expect(page.Locator("[data-testid='user-name']")).ToHaveTextAsync("Alice Admin");
        await Assertions.Expect(page.Locator("[data-testid='user-role']")).ToHaveTextAsync("Admin");
        await Assertions.Expect(page.Locator("[data-testid='org-name']")).ToHaveTextAsync("Northwind Learning");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        // The provider asks to confirm ending its session, then sends the browser back to our sign-in page.
        await page.WaitForURLAsync(url => url.StartsWith(fixture.Provider.Authority.ToString().TrimEnd('/'), StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync();
        await page.WaitForURLAsync(url => IsApp(url, "/signin"));
        await Assertions.Expect(page.Locator("[data-testid='signin-oidc']")).ToBeVisibleAsync();

        await page.GotoAsync("/cohorts");
        await page.WaitForURLAsync(url => IsApp(url, "/signin"));
        // The provider's session is over too: signing in asks for a login again.
        await page.Locator("[data-testid='signin-oidc']").ClickAsync();
        await Assertions.Expect(page.Locator("input[name='login']")).ToBeVisibleAsync();
    }

    // Arriving back in the app is what these steps check; the overview's charts can hold the page's load event back on
    // a busy machine, and the assertions that follow wait for what they need.
    private static readonly PageWaitForURLOptions ArrivedOnly = new() { WaitUntil = WaitUntilState.Commit };

    [Theory]
    [InlineData("carol", "Carol Manager", "Account manager")]
    [InlineData("bob", "Bob Analyst", "Analyst")]
    public async Task CodeFlow_OtherRoles_SignInWithTheirRole(string login, string name, string role)
    {
        await using var session = await fixture.NewSessionAsync();
        var page = session.Page;

        await page.GotoAsync("/signin");
        await SignInAtProviderAsync(page, login);

        await page.WaitForURLAsync(url => IsApp(url, "/"), ArrivedOnly);
        await session.WaitForInteractiveAsync();
        await Assertions.Expect(page.Locator("[data-testid='user-name']")).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("[data-testid='user-role']")).ToHaveTextAsync(role);
    }

    [Theory]
    [InlineData("nora", "does not say which organization")]
    [InlineData("uma", "organization that does not exist")]
    [InlineData("victor", "has no CohortDashboard role")]
    public async Task CodeFlow_UserWithoutOrgOrRole_LandsOnNoAccessNotSignedIn(string login, string explanation)
    {
        await using var session = await fixture.NewSessionAsync();
        var page = session.Page;

        await page.GotoAsync("/signin");
        await SignInAtProviderAsync(page, login);

        await page.WaitForURLAsync(url => IsApp(url, "/no-access"));
        await Assertions.Expect(page.Locator("[data-testid='no-access-reason']")).ToContainTextAsync(explanation);
        await Assertions.Expect(page.Locator("[data-testid='provider-signout']")).ToHaveAttributeAsync(
            "href", new System.Text.RegularExpressions.Regex("/session/end\\?client_id="));

        await page.GotoAsync("/");
        await page.WaitForURLAsync(url => IsApp(url, "/signin"));

        // "Sign in as someone else" makes the provider ask for a login although its session still knows this user.
        await page.GotoAsync("/no-access");
        await page.Locator("[data-testid='signin-other']").ClickAsync();
        await Assertions.Expect(page.Locator("input[name='login']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task CodeFlow_ProviderRotatedItsKey_SignInStillSucceeds()
    {
        // A first sign-in makes the app cache the provider's keys; the rotation then signs with a kid it has not seen.
        await using (var first = await fixture.NewSessionAsync())
        {
            await first.Page.GotoAsync("/signin");
            await SignInAtProviderAsync(first.Page, "bob");
            await first.Page.WaitForURLAsync(url => IsApp(url, "/"), ArrivedOnly);
        }
        await fixture.Provider.RotateKeysAsync();

        await using var session = await fixture.NewSessionAsync();
        await session.Page.GotoAsync("/signin");
        await SignInAtProviderAsync(session.Page, "alice");

        await session.Page.WaitForURLAsync(url => IsApp(url, "/"), ArrivedOnly);
        await Assertions.Expect(session.Page.Locator("[data-testid='user-name']")).ToHaveTextAsync("Alice Admin");
    }

    /// <summary>From our sign-in page: the provider button, its login form, then its consent screen.</summary>
    private async Task SignInAtProviderAsync(IPage page, string login)
    {
        await page.Locator("[data-testid='signin-oidc']").ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(fixture.Provider.Authority.ToString().TrimEnd('/'), StringComparison.Ordinal));
        await page.FillAsync("input[name='login']", login);
        await page.FillAsync("input[name='password']", "any-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
    }

    private bool IsApp(string url, string path)
    {
        var uri = new Uri(url);
        return uri.Port == fixture.App.BaseAddress.Port && uri.AbsolutePath == path;
    }
}
