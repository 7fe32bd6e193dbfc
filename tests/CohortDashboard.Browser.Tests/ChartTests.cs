using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using CohortDashboard.Testing;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

/// <summary>The charts as Plotly.Blazor draws them: each page's charts (Affinity's and Account cohorts' in their own tests, after their recompute), clicks, PNG export, the running period, dark mode.</summary>
public sealed partial class ChartTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly (string Path, string[] Charts)[] ChartPages =
    [
        ("/", ["net-revenue", "active-customers", "arr-by-segment"]),
        ("/cohorts?view=heatmap", ["cohort-heatmap-all"]),
        ("/cohorts?view=curves", ["cohort-curves-all"]),
    ];

    [Fact]
    public async Task EveryChartPage_Opened_DrawsEachChartWithPlotlyBlazorsBundle()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Admin);
        var page = session.Page;
        foreach (var (path, charts) in ChartPages)
        {
            await page.GotoAsync(path);
            foreach (var chart in charts)
            {
                await Assertions.Expect(page.Locator($"[data-chart='{chart}'][data-chart-state='rendered'] svg.main-svg").First).ToBeVisibleAsync();
            }
        }
        // plotly.js comes from the Plotly.Blazor package, loaded by its own loader, once.
        Assert.Equal("./_content/Plotly.Blazor/plotly-3.7.0.min.js", await page.GetAttributeAsync("script#plotly-import", "src"));
        Assert.Equal(1, await page.Locator("script[src*='plotly']").CountAsync());
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task Overview_RunningMonth_IsMarkedInProgressNotAsADrop()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst);
        var page = session.Page;
        foreach (var chart in new[] { "net-revenue", "active-customers" })
        {
            var drawn = page.Locator($"[data-chart='{chart}'][data-chart-state='rendered']");
            await Assertions.Expect(drawn.Locator(".annotation-text").First).ToHaveTextAsync("in progress");
            Assert.Equal(1, await drawn.Locator(".shapelayer path").CountAsync());
        }
        // The customers line is solid through the last finished month and dotted into the running one.
        var lines = page.Locator("[data-chart='active-customers'] .scatterlayer .trace path.js-line");
        await Assertions.Expect(lines).ToHaveCountAsync(2);
        var dashes = await lines.EvaluateAllAsync<string[]>("paths => paths.map(p => getComputedStyle(p).strokeDasharray)");
        Assert.Equal("none", dashes[0]);
        Assert.NotEqual("none", dashes[1]);
    }

    [Fact]
    public async Task CohortHeatmapChart_CellClicked_OpensThatCellsCustomers()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst, "/cohorts");
        var page = session.Page;
        await page.GotoAsync("/cohorts?view=heatmap");
        var plot = page.Locator("[data-chart='cohort-heatmap-all'][data-chart-state='rendered']");
        await Assertions.Expect(plot.Locator("svg.main-svg").First).ToBeVisibleAsync();

        // The oldest cohort's first period (top-left cell: y is reversed, x on top) always has customers.
        var box = await plot.Locator(".nsewdrag").First.BoundingBoxAsync() ?? throw new InvalidOperationException("no plot area");
        await page.Mouse.ClickAsync(box.X + 8, box.Y + 6);

        var drawer = page.Locator("[data-testid='cell-drawer']");
        await Assertions.Expect(drawer.Locator("[data-testid='cell-customers-total']")).ToHaveTextAsync(CustomersTotal());
        await Assertions.Expect(drawer.Locator("[data-testid='cell-customer']").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ChartPngDownload_Clicked_SavesARealPngOfTheChart()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst, "/cohorts");
        var page = session.Page;
        await page.GotoAsync("/cohorts?view=curves");
        var chart = page.Locator("[data-chart='cohort-curves-all'][data-chart-state='rendered']");
        await Assertions.Expect(chart.Locator("svg.main-svg").First).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid='chart-download-png']").First.ClickAsync());
        Assert.Equal("cohort-curves-all.png", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken);

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(1200, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.InRange(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)), 200, 2000);
        Assert.True(bytes.Length > 10_000, $"a {bytes.Length}-byte PNG is too small to hold the chart");
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task DarkMode_Charts_HaveDarkBackgroundAndReadableAxes()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DemoSession.Analyst);
        var page = session.Page;
        await Assertions.Expect(page.Locator("[data-chart='net-revenue'][data-chart-state='rendered'] svg.main-svg").First).ToBeVisibleAsync();

        await page.Locator("[data-testid='theme-toggle']").First.ClickAsync();
        var chart = page.Locator("[data-chart='net-revenue'][data-theme='dark']");
        await Assertions.Expect(chart).ToBeVisibleAsync();
        // The redraw is asynchronous: wait until the paper is dark.
        await page.WaitForFunctionAsync(
            "() => { const s = document.querySelector(\"[data-chart='net-revenue'] svg.main-svg\"); return s && getComputedStyle(s).backgroundColor === 'rgb(30, 31, 36)'; }");

        var colours = await chart.EvaluateAsync<string[]>("""
            el => [
                getComputedStyle(el.querySelector('svg.main-svg')).backgroundColor,
                el.querySelector('.xtick text').style.fill,
                el.querySelector('.ytick text').style.fill,
                el.querySelector('.gridlayer path').style.stroke,
            ]
            """);
        var background = Rgb(colours[0]);
        Assert.True(Luminance(background) < 0.05, $"background {colours[0]} is not dark");
        Assert.True(Contrast(Rgb(colours[1]), background) >= 4.5, $"x tick labels {colours[1]} on {colours[0]}");
        Assert.True(Contrast(Rgb(colours[2]), background) >= 4.5, $"y tick labels {colours[2]} on {colours[0]}");
        Assert.True(Luminance(Rgb(colours[3])) < 0.1, $"gridlines {colours[3]} are light on a dark chart");
        Assert.Empty(session.ConsoleErrors);
    }

    [GeneratedRegex(@"^[\d,]+ customers$")]
    private static partial Regex CustomersTotal();

    [GeneratedRegex(@"rgba?\((\d+),\s*(\d+),\s*(\d+)")]
    private static partial Regex RgbPattern();

    private static (double R, double G, double B) Rgb(string css)
    {
        var m = RgbPattern().Match(css);
        Assert.True(m.Success, $"not an rgb colour: {css}");
        return (Channel(m.Groups[1].Value), Channel(m.Groups[2].Value), Channel(m.Groups[3].Value));

        static double Channel(string value) => double.Parse(value, CultureInfo.InvariantCulture) / 255;
    }

    // WCAG 2 relative luminance and contrast ratio.
    private static double Luminance((double R, double G, double B) c)
    {
        static double Linear(double v) => v <= 0.03928 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
        return 0.2126 * Linear(c.R) + 0.7152 * Linear(c.G) + 0.0722 * Linear(c.B);
    }

    private static double Contrast((double, double, double) a, (double, double, double) b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }
}
