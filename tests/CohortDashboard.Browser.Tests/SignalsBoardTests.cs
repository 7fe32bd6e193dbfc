using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>The signals kanban in a real browser: drag and drop, the keyboard menu, persistence and live updates.</summary>
public sealed class SignalsBoardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private HttpClient ApiClient()
    {
        var client = new HttpClient { BaseAddress = browser.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        return client;
    }

    /// <summary>Computes affinity and signals once for this app (the demo data starts without them).</summary>
    private async Task EnsureSignalsAsync()
    {
        using var api = ApiClient();
        var existing = await api.GetFromJsonAsync<JsonElement>("/api/expansion/signals?page_size=1", TestContext.Current.CancellationToken);
        if (existing.GetProperty("total_count").GetInt32() > 0) return;
        (await api.PostAsync("/api/expansion/affinity", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await api.PostAsync("/api/expansion/signals", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
    }

    private async Task<string> StatusViaApiAsync(string signalId)
    {
        using var api = ApiClient();
        for (var page = 1; ; page++)
        {
            var body = await api.GetFromJsonAsync<JsonElement>($"/api/expansion/signals?page_size=500&page={page}", TestContext.Current.CancellationToken);
            foreach (var signal in body.GetProperty("signals").EnumerateArray())
                if (signal.GetProperty("id").GetString() == signalId) return signal.GetProperty("status").GetString()!;
            if (!body.GetProperty("has_more").GetBoolean()) throw new InvalidOperationException($"Signal {signalId} not found.");
        }
    }

    private static ILocator CardIn(IPage page, string column, string id) =>
        page.Locator($"[data-testid='column-{column}'] [data-testid='signal-card'][data-signal-id='{id}']");

    private static async Task<string> PendingCardIdAsync(IPage page, int index)
    {
        var card = page.Locator("[data-testid='column-pending'] [data-testid='signal-card']").Nth(index);
        await Assertions.Expect(card).ToBeVisibleAsync(new() { Timeout = 15_000 });
        return (await card.GetAttributeAsync("data-signal-id"))!;
    }

    [Fact]
    public async Task DragCard_PendingToPitched_StaysAfterReload()
    {
        await EnsureSignalsAsync();
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Admin, "/signals");
        var page = session.Page;
        var id = await PendingCardIdAsync(page, 0);

        await page.Locator($"[data-testid='signal-item'][data-signal-id='{id}']")
            .DragToAsync(page.Locator("[data-testid='column-pitched']"));

        await Assertions.Expect(CardIn(page, "pitched", id)).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("[data-testid='board-notice']")).ToHaveCountAsync(0);
        if (Environment.GetEnvironmentVariable("CD_SCREENSHOTS") is { } dir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "signals.png"), FullPage = true });
        await page.ReloadAsync();
        await session.WaitForInteractiveAsync();
        await Assertions.Expect(CardIn(page, "pitched", id)).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(CardIn(page, "pending", id)).ToHaveCountAsync(0);
        Assert.Equal("pitched", await StatusViaApiAsync(id));

        // The card's history shows the audited move.
        await CardIn(page, "pitched", id).Locator("[data-testid='history-button']").ClickAsync();
        await Assertions.Expect(CardIn(page, "pitched", id).Locator("[data-testid='history']"))
            .ToContainTextAsync("demo-admin · pending → pitched");
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task MoveCard_SecondBrowserContext_SeesTheMoveWithin2Seconds()
    {
        await EnsureSignalsAsync();
        await using var mover = await browser.NewSessionAsync();
        await using var watcher = await browser.NewSessionAsync();
        await mover.SignInAsync(DemoSession.Admin, "/signals");
        await watcher.SignInAsync(DemoSession.Analyst, "/signals");
        var id = await PendingCardIdAsync(mover.Page, 1);
        await Assertions.Expect(CardIn(watcher.Page, "pending", id)).ToBeVisibleAsync(new() { Timeout = 15_000 });

        var card = CardIn(mover.Page, "pending", id);
        await card.Locator("[data-testid='move-menu-button']").ClickAsync();
        await card.Locator("[data-testid='move-to-won']").ClickAsync();
        await Assertions.Expect(CardIn(mover.Page, "won", id)).ToBeVisibleAsync(new() { Timeout = 10_000 });

        // No reload on the watcher's side: the move arrives live.
        await Assertions.Expect(CardIn(watcher.Page, "won", id)).ToBeVisibleAsync(new() { Timeout = 2_000 });
        await Assertions.Expect(CardIn(watcher.Page, "pending", id)).ToHaveCountAsync(0);
        Assert.Empty(mover.ConsoleErrors);
        Assert.Empty(watcher.ConsoleErrors);
    }

    [Fact]
    public async Task KeyboardMenu_EnterAndArrowKeys_MovesCard()
    {
        await EnsureSignalsAsync();
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Admin, "/signals");
        var page = session.Page;
        var id = await PendingCardIdAsync(page, 2);
        var card = CardIn(page, "pending", id);

        await card.Locator("[data-testid='move-menu-button']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        // The menu opens with focus on its first item (Pitched); one step down is Won, one more is Dismissed.
        await Assertions.Expect(card.Locator("[data-testid='move-to-pitched']")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(card.Locator("[data-testid='move-to-dismissed']")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(CardIn(page, "dismissed", id)).ToBeVisibleAsync(new() { Timeout = 10_000 });
        Assert.Equal("dismissed", await StatusViaApiAsync(id));
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task Board_OtherOrgsMove_IsNeverShown()
    {
        await EnsureSignalsAsync();
        await using var northwind = await browser.NewSessionAsync();
        await northwind.SignInAsync(DemoSession.Analyst, "/signals");
        var before = await northwind.Page.Locator("[data-testid='count-won']").TextContentAsync();

        // Contoso generates and moves its own signal; Northwind's board must not change.
        await using var contoso = await browser.NewSessionAsync();
        await contoso.SignInAsync(DemoSession.ContosoAdmin, "/signals");
        await contoso.Page.Locator("[data-testid='generate-signals']").ClickAsync();
        await Assertions.Expect(contoso.Page.Locator("[data-testid='board-notice']")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"signals? from \d+ accounts"), new() { Timeout = 20_000 });
        var theirs = await PendingCardIdAsync(contoso.Page, 0);
        var card = CardIn(contoso.Page, "pending", theirs);
        await card.Locator("[data-testid='move-menu-button']").ClickAsync();
        await card.Locator("[data-testid='move-to-won']").ClickAsync();
        await Assertions.Expect(CardIn(contoso.Page, "won", theirs)).ToBeVisibleAsync(new() { Timeout = 10_000 });

        await Task.Delay(2_000, TestContext.Current.CancellationToken);
        Assert.Equal(before, await northwind.Page.Locator("[data-testid='count-won']").TextContentAsync());
        await Assertions.Expect(northwind.Page.Locator($"[data-signal-id='{theirs}']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Board_Analyst_ReadsEveryCardButMovesNone()
    {
        await EnsureSignalsAsync();
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst, "/signals");
        var page = session.Page;
        var id = await PendingCardIdAsync(page, 0);
        var card = CardIn(page, "pending", id);

        await Assertions.Expect(page.Locator("[data-testid='board-read-only']")).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator("[data-testid='card-locked']")).ToContainTextAsync("'s account");
        await Assertions.Expect(page.Locator("[data-testid='move-menu-button']")).ToHaveCountAsync(0);
        Assert.Equal(0, await page.Locator("[data-testid='signal-card'][data-locked='false']").CountAsync());

        // A drag is refused on the board: the card stays where it is and nothing is saved.
        await page.Locator($"[data-testid='signal-item'][data-signal-id='{id}']").DragToAsync(page.Locator("[data-testid='column-won']"));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        await Assertions.Expect(CardIn(page, "pending", id)).ToBeVisibleAsync();
        Assert.Equal("pending", await StatusViaApiAsync(id));
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task Board_AccountManager_OwnCardsMovableOthersLockedWithOwnerNamed()
    {
        await EnsureSignalsAsync();
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.AccountManager, "/signals");
        var page = session.Page;

        // "My accounts" starts on: only rep-01's cards, all movable.
        await PendingCardIdAsync(page, 0);
        Assert.Equal(0, await page.Locator("[data-testid='signal-card'][data-locked='true']").CountAsync());
        Assert.All(await page.Locator("[data-testid='card-owner']").AllTextContentsAsync(), owner => Assert.Equal("rep-01", owner));

        // Everyone's: other reps' cards are locked and name their owner; the URL records the choice.
        await page.Locator("[data-testid='filter-mine']").ClickAsync();
        var locked = page.Locator("[data-testid='column-pending'] [data-testid='signal-card'][data-locked='true']").First;
        await Assertions.Expect(locked).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"mine=0"));
        var owner = await locked.Locator("[data-testid='card-owner']").TextContentAsync();
        Assert.NotEqual("rep-01", owner);
        await Assertions.Expect(locked.Locator("[data-testid='card-locked']")).ToContainTextAsync($"{owner}'s account");
        await Assertions.Expect(locked.Locator("[data-testid='move-menu-button']")).ToHaveCountAsync(0);
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task Drop_CardMovedByAnotherContextWhileDragging_RefusedNamedAndSnapsToTheTruth()
    {
        await EnsureSignalsAsync();
        await using var mover = await browser.NewSessionAsync();
        await using var dragger = await browser.NewSessionAsync();
        await mover.SignInAsync(DemoSession.Admin, "/signals");
        await dragger.SignInAsync(DemoSession.Admin, "/signals");
        var id = await PendingCardIdAsync(mover.Page, 3);
        var page = dragger.Page;
        await Assertions.Expect(CardIn(page, "pending", id)).ToBeVisibleAsync(new() { Timeout = 15_000 });

        // The dragger picks the card up in Pending (the board notes version 1)… The HTML5 drag events are dispatched
        // one by one so the other context's move lands between pick-up and drop, every time.
        var dataTransfer = await page.EvaluateHandleAsync("() => new DataTransfer()");
        var item = page.Locator($"[data-testid='signal-item'][data-signal-id='{id}']");
        await item.DispatchEventAsync("dragstart", new Dictionary<string, object> { ["dataTransfer"] = dataTransfer });
        await Task.Delay(300, TestContext.Current.CancellationToken);

        // …while the other context moves it to Won with its Move menu; the dragger's board follows live.
        var card = CardIn(mover.Page, "pending", id);
        await card.Locator("[data-testid='move-menu-button']").ClickAsync();
        await card.Locator("[data-testid='move-to-won']").ClickAsync();
        await Assertions.Expect(CardIn(mover.Page, "won", id)).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(CardIn(page, "won", id)).ToBeVisibleAsync(new() { Timeout = 5_000 });

        var dismissed = page.Locator("[data-testid='column-dismissed']");
        foreach (var type in new[] { "dragenter", "dragover", "drop" })
            await dismissed.DispatchEventAsync(type, new Dictionary<string, object> { ["dataTransfer"] = dataTransfer });
        await item.DispatchEventAsync("dragend", new Dictionary<string, object> { ["dataTransfer"] = dataTransfer });

        // The drop on Dismissed carries version 1: refused, the notice names who moved it where, the card shows in Won.
        await Assertions.Expect(page.Locator("[data-testid='board-notice']"))
            .ToContainTextAsync($"{DemoSession.Admin} moved this to Won a moment ago", new() { Timeout = 10_000 });
        await Assertions.Expect(CardIn(page, "won", id)).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(CardIn(page, "dismissed", id)).ToHaveCountAsync(0);
        Assert.Equal("won", await StatusViaApiAsync(id));
        Assert.Empty(mover.ConsoleErrors);
        Assert.Empty(dragger.ConsoleErrors);
    }

    [Fact]
    public async Task Board_SearchAndColumnTotals_InUrlAndSurviveReload()
    {
        await EnsureSignalsAsync();
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst, "/signals");
        var page = session.Page;
        var firstCard = page.Locator("[data-testid='column-pending'] [data-testid='signal-card']").First;
        await Assertions.Expect(firstCard).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var name = (await firstCard.Locator(".cd-card-account").TextContentAsync())!;
        await Assertions.Expect(page.Locator("[data-testid='amount-pending']")).ToContainTextAsync("$");

        var search = page.Locator("[data-testid='filter-search']");
        await search.FillAsync(name.ToUpperInvariant());
        await search.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"[?&]q="), new() { Timeout = 10_000 });
        await page.ReloadAsync();
        await session.WaitForInteractiveAsync();

        await Assertions.Expect(page.Locator("[data-testid='filter-search']")).ToHaveValueAsync(name.ToUpperInvariant(), new() { Timeout = 15_000 });
        var names = await page.Locator("[data-testid='signal-card'] .cd-card-account").AllTextContentsAsync();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains(name, n, StringComparison.OrdinalIgnoreCase));
        Assert.Empty(session.ConsoleErrors);
    }
}
