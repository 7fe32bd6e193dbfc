using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>The seeded app on a loopback port plus one headless Debian Chromium driven by Playwright.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly SeededApp app = new();
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = default!;

    public Uri BaseAddress => app.BaseAddress;

    /// <summary>The app's services (e.g. to hold a job's gate as a concurrent run would).</summary>
    public IServiceProvider Services => app.Factory.Services;

    public async ValueTask InitializeAsync()
    {
        await app.InitializeAsync();
        playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(playwright);
    }

    /// <summary>Debian's headless Chromium (Playwright cannot download browsers here).</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
            ],
        });

    /// <summary>A fresh browser context (its own cookies) with a page that records console errors.</summary>
    public Task<BrowserSession> NewSessionAsync() => NewSessionAsync(Browser, BaseAddress);

    public static async Task<BrowserSession> NewSessionAsync(IBrowser browser, Uri baseAddress)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            AcceptDownloads = true,
        });
        // A navigation waits for the page's load event (scripts, charts); a cold app on a busy two-core machine has
        // been seen to need longer than Playwright's 30 s default.
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error") session.ConsoleErrors.Add($"{page.Url}: {message.Text}");
        };
        page.PageError += (_, error) => session.ConsoleErrors.Add($"{page.Url}: {error}");
        page.RequestFailed += (_, request) => session.FailedRequests.Add($"{request.Method} {request.Url}: {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400) session.FailedRequests.Add($"{response.Request.Method} {response.Url}: {response.Status}");
        };
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        await app.DisposeAsync();
    }
}

public sealed class BrowserSession(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;
    public IPage Page { get; } = page;
    public List<string> ConsoleErrors { get; } = [];
    /// <summary>Requests the page made that failed or were answered 4xx/5xx.</summary>
    public List<string> FailedRequests { get; } = [];

    /// <summary>Signs in through the demo sign-in page by clicking the user's button, then waits for the circuit.</summary>
    public async Task SignInAsync(string subject, string path = "/")
    {
        await Page.GotoAsync($"/signin?returnUrl={Uri.EscapeDataString(path)}");
        await Page.ClickAsync($"[data-testid='demo-user-{subject}']");
        // Arrival is enough: the circuit check below is what the test needs, and a cold app on a busy machine has been
        // seen to hold the page's full load event (every script and chart) past 30 s.
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path, new() { WaitUntil = WaitUntilState.Commit });
        await WaitForInteractiveAsync();
    }

    /// <summary>Waits until Blazor's circuit has connected, so clicks reach the server.</summary>
    public Task WaitForInteractiveAsync() =>
        Page.WaitForSelectorAsync("html[data-interactive='true']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 45_000 });

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
