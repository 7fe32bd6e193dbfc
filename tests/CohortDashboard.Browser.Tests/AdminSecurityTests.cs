using System.Net.Http.Headers;
using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>Admin → API keys and Admin → Audit log in Chromium, under the app's real Content-Security-Policy.</summary>
public sealed class AdminSecurityTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ApiKeysPanel_CreateUseRevoke_ShowsTheSecretOnceAndTheKeyStopsWorking()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Admin, "/admin");
        var page = session.Page;
        await page.GetByRole(AriaRole.Tab, new() { Name = "API keys" }).ClickAsync();

        await page.Locator("[data-testid='key-name']").FillAsync("Browser-made key");
        await MudUi.PickAsync(page, "key-format", "cr_live_… (CashRunway clients)");
        await page.Locator("[data-testid='key-scope-READ_SUMMARY']").CheckAsync();
        await page.Locator("[data-testid='key-create']").ClickAsync();

        var secret = page.Locator("[data-testid='key-secret']");
        await Assertions.Expect(secret).ToBeVisibleAsync();
        var key = (await secret.TextContentAsync())!.Trim();
        Assert.Matches("^cr_live_[0-9a-f]{12}_[0-9a-f]{40}$", key);
        var row = page.Locator("[data-testid='keys'] tr.keys-row", new() { HasText = "Browser-made key" });
        await Assertions.Expect(row.Locator("[data-testid='key-state']")).ToHaveTextAsync("active", new() { IgnoreCase = true });
        Assert.DoesNotContain(key, await page.Locator("[data-testid='keys']").InnerTextAsync());

        using var client = new HttpClient { BaseAddress = browser.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using (var ok = await client.GetAsync("/api/agent/cohorts/summary", TestContext.Current.CancellationToken)) Assert.Equal(200, (int)ok.StatusCode);

        await row.Locator("[data-testid='key-revoke']").ClickAsync();
        await MudUi.ConfirmAsync(page);
        await Assertions.Expect(row.Locator("[data-testid='key-state']")).ToHaveTextAsync("revoked", new() { IgnoreCase = true });
        using (var refused = await client.GetAsync("/api/agent/cohorts/summary", TestContext.Current.CancellationToken)) Assert.Equal(401, (int)refused.StatusCode);

        // A reload shows the list again, never the secret.
        await page.ReloadAsync();
        await session.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "API keys" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='keys'] tr.keys-row", new() { HasText = "Browser-made key" })).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("[data-testid='key-secret']").CountAsync());
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task ApiKeysPanel_NoScopePicked_ShowsTheErrorAndCreatesNothing()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Admin, "/admin");
        var page = session.Page;
        await page.GetByRole(AriaRole.Tab, new() { Name = "API keys" }).ClickAsync();

        await page.Locator("[data-testid='key-name']").FillAsync("No scopes");
        await page.Locator("[data-testid='key-scope-analytics:read']").UncheckAsync();
        await page.Locator("[data-testid='key-create']").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid='key-errors']")).ToContainTextAsync("at least one scope");
        Assert.Equal(0, await page.Locator("[data-testid='keys'] tr.keys-row", new() { HasText = "No scopes" }).CountAsync());
    }

    [Fact]
    public async Task AuditPanel_AfterAKeyIsCreated_ListsItAndFiltersByAction()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Admin, "/admin");
        var page = session.Page;
        await page.GetByRole(AriaRole.Tab, new() { Name = "API keys" }).ClickAsync();
        await page.Locator("[data-testid='key-name']").FillAsync("Audit trail key");
        await page.Locator("[data-testid='key-create']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='key-secret']")).ToBeVisibleAsync();

        await page.ReloadAsync();
        await session.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Audit log" }).ClickAsync();
        await MudUi.PickAsync(page, "audit-action", "api_key.created");
        await page.Locator("[data-testid='audit-apply']").ClickAsync();

        // The unfiltered list already shows the key's row, so wait for the filter itself: no other action left.
        var events = page.Locator("[data-testid='audit-events'] tr.audit-row");
        var actions = events.Locator("[data-testid='audit-event-action']");
        await Assertions.Expect(actions.Filter(new() { HasNotTextString = "api_key.created" })).ToHaveCountAsync(0);
        // The target reads as the key's name, not a raw id, and the change as fields, not JSON.
        await Assertions.Expect(events.Locator("[data-testid='audit-event-target']").Filter(new() { HasText = "Audit trail key" })).Not.ToHaveCountAsync(0);
        Assert.DoesNotContain("{", await events.First.Locator("[data-testid='audit-event-change']").InnerTextAsync());
        foreach (var action in await actions.AllTextContentsAsync()) Assert.Equal("api_key.created", action);
        Assert.Empty(session.ConsoleErrors);
    }
}
