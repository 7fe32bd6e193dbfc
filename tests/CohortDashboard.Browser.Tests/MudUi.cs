using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>Driving MudBlazor controls the way a user does: open a select and click an option, answer a confirmation.</summary>
internal static class MudUi
{
    /// <summary>
    /// Opens the MudSelect whose input carries <paramref name="testId"/> (the last one when several rows have it) and
    /// clicks <paramref name="item"/> in its open popover. A re-render between opening and picking closes the popover,
    /// so the open is retried.
    /// </summary>
    public static async Task PickAsync(IPage page, string testId, string item)
    {
        var select = page.Locator($"[data-testid='{testId}']").Last;
        var option = page.Locator(".mud-popover-open .mud-list-item").GetByText(item, new() { Exact = true });
        for (var attempt = 1; ; attempt++)
        {
            await select.ClickAsync();
            try
            {
                await option.First.ClickAsync(new() { Timeout = 5_000 });
                await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                await page.Keyboard.PressAsync("Escape");
            }
        }
    }

    /// <summary>Types <paramref name="text"/> into the MudAutocomplete carrying <paramref name="testId"/> and picks the option that reads exactly so.</summary>
    public static async Task ChooseAsync(IPage page, string testId, string text)
    {
        await page.Locator($"[data-testid='{testId}']").FillAsync(text);
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(text, new() { Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    /// <summary>Answers the open confirmation dialog with its confirm button.</summary>
    public static async Task ConfirmAsync(IPage page)
    {
        var yes = page.Locator("[data-testid='confirm-yes']");
        // A click that lands while the dialog is still opening (its circuit busy) can be lost on a loaded machine:
        // click again, a few times, until the dialog has closed.
        for (var attempt = 1; ; attempt++)
        {
            await yes.ClickAsync();
            try
            {
                await Assertions.Expect(yes).ToHaveCountAsync(0, new() { Timeout = attempt < 3 ? 5_000 : 20_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                if (await yes.CountAsync() == 0) return;
            }
        }
    }
}
