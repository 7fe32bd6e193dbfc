using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>
/// What a first look checks: every page readable in both themes (WCAG AA contrast of its text, measured in Chromium),
/// no console errors or failed requests, a usable shell on a phone, the board at 1024 px and a visible drill-down.
/// </summary>
public sealed class LookAndFeelTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly string[] Pages = ["/", "/cohorts", "/account-cohorts", "/affinity", "/signals", "/admin", "/sessions"];

    private static readonly (string Tab, string Panel)[] AdminTabs = [("Settings", "settings-panel"), ("Users", "users-table"), ("API keys", "keys-panel")];

    /// <summary>
    /// Every visible element that holds text, against the first opaque background behind it: the text colour's
    /// contrast, and the WCAG AA minimum for its size (3:1 for large text, 4.5:1 otherwise). Charts are the chart
    /// engineer's and are drawn in SVG, disabled controls are exempt (WCAG 1.4.3).
    /// </summary>
    private const string LowContrastScript = """
        () => {
          const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
            const p = m[1].split(',').map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
          const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
          const over = (top, bottom) => ({ r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
            b: top.b * top.a + bottom.b * (1 - top.a), a: 1 });
          const background = el => {
            const layers = [];
            for (let e = el; e; e = e.parentElement) {
              const c = parse(getComputedStyle(e).backgroundColor);
              if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
            }
            let result = { r: 255, g: 255, b: 255, a: 1 };
            for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
            return result;
          };
          const failures = [];
          for (const el of document.querySelectorAll('body *')) {
            if (el.closest('svg, [data-chart], .plotly-chart, script, style, [disabled], [aria-disabled="true"], .mud-disabled, .mud-overlay')) continue;
            const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim().length > 0);
            if (own.length === 0) continue;
            const rect = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            if (rect.width === 0 || rect.height === 0 || style.visibility !== 'visible' || Number(style.opacity) === 0) continue;
            const fg = parse(style.color); if (!fg) continue;
            const bg = background(el);
            const text = over(fg, bg);
            const [l1, l2] = [lum(text), lum(bg)].sort((a, b) => b - a);
            const ratio = (l1 + 0.05) / (l2 + 0.05);
            const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
            const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
            if (ratio < needed - 0.01)
              failures.push(`${ratio.toFixed(2)} < ${needed}: "${own[0].textContent.trim().slice(0, 40)}" (${el.tagName.toLowerCase()}.${[...el.classList].join('.')}) ${style.color} on rgb(${Math.round(bg.r)},${Math.round(bg.g)},${Math.round(bg.b)})`);
          }
          return failures;
        }
        """;

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task EveryPage_InTheme_TextReachesAaContrastWithoutErrorsOrFailedRequests(string theme)
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Admin);
        var page = session.Page;
        var shell = page.Locator("[data-testid='app-shell']");
        if (await shell.GetAttributeAsync("data-theme") != theme)
        {
            await page.Locator("[data-testid='theme-toggle']").ClickAsync();
            await Assertions.Expect(shell).ToHaveAttributeAsync("data-theme", theme);
            await page.WaitForFunctionAsync($"() => document.cookie.includes('={theme}')");
        }

        var problems = new List<string>();
        foreach (var path in Pages)
        {
            await page.GotoAsync(path);
            await session.WaitForInteractiveAsync();
            await Assertions.Expect(shell).ToHaveAttributeAsync("data-theme", theme); // the first byte already had it
            await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".mud-progress-linear, .mud-progress-circular")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
            problems.AddRange((await page.EvaluateAsync<string[]>(LowContrastScript)).Select(p => $"{path}: {p}"));
        }
        // The admin tabs past the first are not rendered until opened.
        foreach (var (tab, panel) in AdminTabs)
        {
            await page.GotoAsync("/admin");
            await session.WaitForInteractiveAsync();
            await page.GetByRole(AriaRole.Tab, new() { Name = tab }).ClickAsync();
            await Assertions.Expect(page.Locator($"[data-testid='{panel}']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator(".mud-progress-linear, .mud-progress-circular")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
            problems.AddRange((await page.EvaluateAsync<string[]>(LowContrastScript)).Select(p => $"/admin {tab}: {p}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Empty(session.ConsoleErrors);
        Assert.Empty(session.FailedRequests);
    }

    [Fact]
    public async Task SetupPage_StaticLightPalette_TextReachesAaContrast()
    {
        // A seeded installation shows set-up's "already set up" state; the form's own look is the same Mud palette.
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        await page.GotoAsync("/setup");
        await Assertions.Expect(page.Locator("[data-testid='setup-done']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();

        var problems = await page.EvaluateAsync<string[]>(LowContrastScript);
        Assert.True(problems.Length == 0, string.Join("\n", problems));
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task PhoneWidth_390_NavCollapsesBehindAMenuAndSignOutIsOnScreen()
    {
        await using var session = await browser.NewSessionAsync();
        await session.Page.SetViewportSizeAsync(390, 844);
        await session.SignInAsync(DemoSession.Analyst, "/cohorts");
        var page = session.Page;

        var cohortsLink = page.Locator("nav a[href='/cohorts']").First;
        await Assertions.Expect(cohortsLink).Not.ToBeInViewportAsync();
        var signOut = page.Locator("form.cd-signout button[type='submit']");
        await Assertions.Expect(signOut).ToBeInViewportAsync(new() { Ratio = 1 });
        var main = await page.Locator("main").BoundingBoxAsync();
        Assert.True(main!.Width >= 370, $"main is {main.Width} px wide");

        await page.Locator("[data-testid='nav-toggle']").ClickAsync();
        await Assertions.Expect(page.Locator("nav a[href='/signals']").First).ToBeInViewportAsync();
        await page.Locator("nav a[href='/signals']").First.ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signals");
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task SignalsBoard_At1024_AllFourColumnsFitTheWindow()
    {
        await using var session = await browser.NewSessionAsync();
        await session.Page.SetViewportSizeAsync(1024, 768);
        await session.SignInAsync(DemoSession.Admin, "/signals");
        var page = session.Page;

        var last = page.Locator("[data-testid='column-dismissed']");
        await Assertions.Expect(last).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var first = await page.Locator("[data-testid='column-pending']").BoundingBoxAsync();
        var box = await last.BoundingBoxAsync();
        Assert.True(box!.X + box.Width <= 1024, $"the last column ends at {box.X + box.Width} px");
        Assert.Equal(first!.Y, box.Y, 1.0); // one row of four columns
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(1440)]
    [InlineData(1920)]
    public async Task CellDrillDown_AtWidth_OpensInsideTheViewport(int width)
    {
        await using var session = await browser.NewSessionAsync();
        await session.Page.SetViewportSizeAsync(width, 900);
        await session.SignInAsync(DemoSession.Analyst, "/cohorts");
        var page = session.Page;
        var cell = page.Locator("[data-testid='cohort-table'] tbody [data-testid='cohort-cell'][data-offset='1'][data-started='true']:not([data-customers='0'])").First;
        await Assertions.Expect(cell).ToBeVisibleAsync(new() { Timeout = 20_000 });

        await cell.Locator("button").ClickAsync();

        var drawer = page.Locator("[data-testid='cell-drawer']");
        await Assertions.Expect(drawer.Locator("[data-testid='cell-customer']").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var box = (await drawer.BoundingBoxAsync())!;
        Assert.True(box.Y >= 0 && box.Y + Math.Min(box.Height, 200) <= 900, $"drawer top at {box.Y} px");
        Assert.True(box.X >= 0 && box.X + box.Width <= width, $"drawer spans {box.X}–{box.X + box.Width} px");
        await Assertions.Expect(drawer.Locator("[data-testid='cell-customers-total']")).ToBeInViewportAsync();
        await page.Locator("[data-testid='cell-close']").ClickAsync();
        await Assertions.Expect(drawer).ToHaveCountAsync(0);
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task Navigation_FocusMovesToTheHeading_WithoutADrawnFocusBox()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst);
        var page = session.Page;

        await page.Locator("nav a[href='/affinity']").First.ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/affinity");
        var heading = page.Locator("main h1");
        await Assertions.Expect(heading).ToBeFocusedAsync();
        var outline = await heading.EvaluateAsync<string>("h => getComputedStyle(h).outlineStyle + ' ' + getComputedStyle(h).outlineWidth");
        Assert.True(outline.StartsWith("none", StringComparison.Ordinal) || outline.EndsWith(" 0px", StringComparison.Ordinal), outline);
    }
}
