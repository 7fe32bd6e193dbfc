// The Cohorts page as a browser sees it: bytes of a first visit, time to the heatmap, server memory per circuit.
//
//   dotnet build -c Release src/CohortDashboard.Web && dotnet build -c Release bench/CohortDashboard.Benchmarks.Ui
//   dotnet bench/CohortDashboard.Benchmarks.Ui/bin/Release/net10.0/CohortDashboard.Benchmarks.Ui.dll \
//       src/CohortDashboard.Web/bin/Release/net10.0/CohortDashboard.Web.dll [circuits=20] [samples=5] [gc=server|workstation]
//
// Starts the given app build itself (Development, as `dotnet run` does; a brand-new SQLite file with the scale-1 demo
// data, a free loopback port), so it knows the server's process id, then drives Debian's headless Chromium:
//  1. bytes: a fresh browser context (empty cache), signed in, opens /cohorts; the sum of Chromium's encodedDataLength
//     (bytes on the wire, i.e. compressed as served) of every HTTP response until the heatmap is visible and the
//     network has been quiet for a second, plus the WebSocket frames received meanwhile (Blazor's circuit);
//  2. time: navigation start → the first heatmap cell visible (table view) and → the heatmap chart drawn
//     (?view=heatmap), each in `samples` fresh contexts (cold browser cache, warm server) and as many reloads (warm
//     cache); medians;
//  3. memory: the server's resident set (VmRSS) with no page open, then with `circuits` contexts each showing
//     /cohorts; (after − before) / circuits, each side the median of three readings 2 s apart. The server GC (the
//     default) keeps a heap per core and shrinks it when it likes, so its resident set moves by more than 20 circuits
//     take; `workstation` runs the app with DOTNET_gcServer=0, which makes the per-circuit figure repeatable.
//
// `--pages` instead times every chart page's main content (issue 20's "slow chart pages"), after one warming visit
// each: navigation start → the page's KPIs/table, and → its first chart drawn, in `samples` fresh contexts (cold
// browser cache, warm server) and as many reloads; medians. Then the account-cohort type switch in one page: click
// → the new type's heatmap drawn (`--switch-only`: that alone).
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Playwright;

if (args.Length < 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: CohortDashboard.Benchmarks.Ui <path to CohortDashboard.Web.dll> [circuits=20] [samples=5]");
    return 2;
}
var pagesMode = args.Contains("--pages") || args.Contains("--switch-only");
var switchOnly = args.Contains("--switch-only");
args = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var appDll = Path.GetFullPath(args[0]);
var circuits = args.Length > 1 ? int.Parse(args[1]) : 20;
var samples = args.Length > 2 ? int.Parse(args[2]) : 5;
var workstationGc = args.Length > 3 && args[3] == "workstation";
const string TableReady = TableReadySelector;
const string ChartReady = ".js-plotly-plot .main-svg";

var port = FreeLoopbackPort();
var baseUrl = $"http://127.0.0.1:{port}";
var dataDir = Directory.CreateTempSubdirectory("cd-uibench-");
using var server = StartApp(appDll, baseUrl, Path.Combine(dataDir.FullName, "cd.db"), workstationGc);
try
{
    await WaitForHealthAsync(baseUrl, server);
    Console.WriteLine($"app {appDll}\nserver pid {server.Id} on {baseUrl} ({(workstationGc ? "workstation" : "server")} GC); load average {LoadAverage()}");

    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    });

    // Sign in once; every later context starts from this cookie (its own empty cache, its own circuit).
    string storageState;
    {
        var context = await NewContextAsync(browser, baseUrl, null);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin?returnUrl=%2Fcohorts");
        await page.ClickAsync("[data-testid='demo-user-demo-analyst']");
        await page.WaitForSelectorAsync(TableReady, new() { Timeout = 120_000 });
        await page.GotoAsync("/cohorts?view=heatmap"); // warms the server: first queries, the chart path
        await page.WaitForSelectorAsync(ChartReady, new() { Timeout = 120_000 });
        storageState = await context.StorageStateAsync();
        await context.CloseAsync();
    }

    if (pagesMode)
    {
        await TimePagesAsync(browser, baseUrl, storageState, samples, switchOnly);
        Console.WriteLine($"load average at the end: {LoadAverage()}");
        return 0;
    }

    // 1. Bytes of a first visit.
    {
        var context = await NewContextAsync(browser, baseUrl, storageState);
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        long httpBytes = 0, wsBytes = 0;
        var requests = 0;
        cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
        {
            Interlocked.Add(ref httpBytes, (long)e!.Value.GetProperty("encodedDataLength").GetDouble());
            Interlocked.Increment(ref requests);
        };
        cdp.Event("Network.webSocketFrameReceived").OnEvent += (_, e) =>
            Interlocked.Add(ref wsBytes, e!.Value.GetProperty("response").GetProperty("payloadData").GetString()!.Length);
        await cdp.SendAsync("Network.enable");
        await page.GotoAsync("/cohorts", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync(TableReady, new() { Timeout = 60_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Task.Delay(1000);
        Console.WriteLine($"first visit to /cohorts (table): {httpBytes:N0} bytes over HTTP in {requests} responses " +
                          $"(compressed as served), {wsBytes:N0} bytes of WebSocket frames received");
        await page.GotoAsync("/cohorts?view=heatmap", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync(ChartReady, new() { Timeout = 60_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Console.WriteLine($"  … then switching to the heatmap chart (full load): {httpBytes:N0} bytes over HTTP in {requests} responses in all");
        await context.CloseAsync();
    }

    // 2. Time to the heatmap.
    foreach (var (label, path, ready) in new[] { ("table", "/cohorts", TableReady), ("chart", "/cohorts?view=heatmap", ChartReady) })
    {
        var cold = new List<double>();
        var warm = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var context = await NewContextAsync(browser, baseUrl, storageState);
            var page = await context.NewPageAsync();
            cold.Add(await TimeToAsync(page, path, ready));
            warm.Add(await TimeToAsync(page, path, ready));
            await context.CloseAsync();
        }
        Console.WriteLine($"navigation → heatmap {label} visible: empty cache p50 {Median(cold):N0} ms (min {cold.Min():N0}, max {cold.Max():N0}); " +
                          $"cached p50 {Median(warm):N0} ms (min {warm.Min():N0}, max {warm.Max():N0})");
    }

    // 3. Server memory per open circuit.
    await Task.Delay(3000);
    var before = await SteadyResidentBytesAsync(server.Id);
    var open = new List<IBrowserContext>();
    for (var i = 0; i < circuits; i++)
    {
        var context = await NewContextAsync(browser, baseUrl, storageState);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/cohorts", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync(TableReady, new() { Timeout = 120_000 });
        open.Add(context);
    }
    await Task.Delay(5000);
    var after = await SteadyResidentBytesAsync(server.Id);
    Console.WriteLine($"server resident set: {before / 1048576.0:N1} MiB with no page open, {after / 1048576.0:N1} MiB with {circuits} " +
                      $"circuits on /cohorts: {(after - before) / (double)circuits / 1048576.0:N2} MiB per circuit");
    foreach (var context in open) await context.CloseAsync();
    Console.WriteLine($"load average at the end: {LoadAverage()}");
    return 0;
}
finally
{
    if (!server.HasExited) server.Kill(entireProcessTree: true);
    await server.WaitForExitAsync();
    dataDir.Delete(recursive: true);
}

static async Task TimePagesAsync(IBrowser browser, string baseUrl, string storageState, int samples, bool switchOnly)
{
    const string Drawn = "[data-chart-state='rendered'] .js-plotly-plot .main-svg";
    var pages = new (string Path, string Content, string Chart)[]
    {
        ("/", "[data-testid='kpi-arr']", $"[data-chart='net-revenue']{Drawn}"),
        ("/account-cohorts?type=vintage", "[data-testid='snapshot-computed']", $"[data-chart='nrr-heatmap']{Drawn}"),
        ("/account-cohorts?type=segment", "[data-testid='snapshot-computed']", $"[data-chart='nrr-heatmap']{Drawn}"),
        ("/account-cohorts?type=territory", "[data-testid='snapshot-computed']", $"[data-chart='nrr-heatmap']{Drawn}"),
        ("/account-cohorts?type=rep", "[data-testid='snapshot-computed']", $"[data-chart='nrr-heatmap']{Drawn}"),
        ("/cohorts", TableReadySelector, "[data-testid='cohort-table'] [data-testid='cohort-cell']"),
        ("/cohorts?view=heatmap", "[data-testid='cohort-controls']", ".js-plotly-plot .main-svg"),
    };
    foreach (var (path, content, chart) in switchOnly ? [] : pages)
    {
        var warming = await NewContextAsync(browser, baseUrl, storageState);
        var first = await warming.NewPageAsync();
        var firstVisit = await TimeToAsync(first, path, chart);
        await warming.CloseAsync();
        List<double> coldContent = [], coldChart = [], warmContent = [], warmChart = [];
        for (var i = 0; i < samples; i++)
        {
            var context = await NewContextAsync(browser, baseUrl, storageState);
            var page = await context.NewPageAsync();
            var (c1, d1) = await TimeToBothAsync(page, path, content, chart);
            var (c2, d2) = await TimeToBothAsync(page, path, content, chart);
            coldContent.Add(c1); coldChart.Add(d1); warmContent.Add(c2); warmChart.Add(d2);
            await context.CloseAsync();
        }
        Console.WriteLine($"{path}: first visit of the run {firstVisit:N0} ms to the chart; empty cache p50 content {Median(coldContent):N0} ms, " +
                          $"chart {Median(coldChart):N0} ms; cached p50 content {Median(warmContent):N0} ms, chart {Median(warmChart):N0} ms " +
                          $"(max {warmChart.Max():N0}); load {LoadAverage()}");
    }

    // The cohort-type switch: the toggle on a loaded page → the other type's heatmap drawn.
    {
        var context = await NewContextAsync(browser, baseUrl, storageState);
        var page = await context.NewPageAsync();
        var switches = new List<double>();
        await page.GotoAsync("/account-cohorts?type=vintage");
        await page.WaitForSelectorAsync($"[data-chart='nrr-heatmap']{Drawn}", new() { Timeout = 60_000 });
        for (var i = 0; i < samples; i++)
        {
            foreach (var label in new[] { "Segment", "Vintage" })
            {
                // Plotly.react redraws the same element: its plotly_afterplot event says the new type is drawn.
                await page.EvaluateAsync("() => { window.__benchDrawn = false; const gd = document.querySelector(\"[data-chart='nrr-heatmap'] .js-plotly-plot\"); gd.on('plotly_afterplot', () => window.__benchDrawn = true); }");
                var stopwatch = Stopwatch.StartNew();
                await page.Locator("[data-testid='cohort-type'] .mud-toggle-item").GetByText(label, new() { Exact = true }).ClickAsync();
                await page.WaitForFunctionAsync($"() => location.search.includes('type={label.ToLowerInvariant()}') && window.__benchDrawn",
                    null, new() { Timeout = 60_000, PollingInterval = 10 });
                switches.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }
        Console.WriteLine($"account-cohort type switch (click → heatmap redrawn): p50 {Median(switches):N0} ms (min {switches.Min():N0}, max {switches.Max():N0}); load {LoadAverage()}");
        await context.CloseAsync();
    }
}

static async Task<(double Content, double Chart)> TimeToBothAsync(IPage page, string path, string content, string chart)
{
    var stopwatch = Stopwatch.StartNew();
    await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
    await page.WaitForSelectorAsync(content, new() { Timeout = 60_000 });
    var contentMs = stopwatch.Elapsed.TotalMilliseconds;
    await page.WaitForSelectorAsync(chart, new() { Timeout = 60_000 });
    return (contentMs, stopwatch.Elapsed.TotalMilliseconds);
}

static async Task<double> TimeToAsync(IPage page, string path, string ready)
{
    var stopwatch = Stopwatch.StartNew();
    await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
    await page.WaitForSelectorAsync(ready, new() { Timeout = 60_000 });
    return stopwatch.Elapsed.TotalMilliseconds;
}

static async Task<IBrowserContext> NewContextAsync(IBrowser browser, string baseUrl, string? storageState)
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = baseUrl,
        ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        StorageState = storageState,
    });
    context.SetDefaultNavigationTimeout(120_000);
    return context;
}

static async Task<long> SteadyResidentBytesAsync(int pid)
{
    var readings = new List<long>();
    for (var i = 0; i < 3; i++)
    {
        if (i > 0) await Task.Delay(2000);
        readings.Add(ResidentBytes(pid));
    }
    return readings.Order().ElementAt(1);
}

static Process StartApp(string dll, string url, string database, bool workstationGc)
{
    var start = new ProcessStartInfo("dotnet", [dll, "--urls", url])
    {
        WorkingDirectory = Path.GetDirectoryName(dll)!,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
    start.Environment["ConnectionStrings__Default"] = $"Data Source={database}";
    start.Environment["Logging__LogLevel__Default"] = "Warning";
    if (workstationGc) start.Environment["DOTNET_gcServer"] = "0";
    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[app] {e.Data}"); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task WaitForHealthAsync(string baseUrl, Process server)
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromMinutes(5))
    {
        if (server.HasExited) throw new InvalidOperationException($"the app exited with {server.ExitCode}");
        try
        {
            if ((await http.GetAsync($"{baseUrl}/livez")).StatusCode == HttpStatusCode.OK) return;
        }
        catch (HttpRequestException) { }
        catch (TaskCanceledException) { }
        await Task.Delay(500);
    }
    throw new TimeoutException("the app did not answer /livez within 5 minutes");
}

static long ResidentBytes(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}

static int FreeLoopbackPort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

internal static partial class Program
{
    private const string TableReadySelector = "[data-testid='cohort-table'] [data-testid='cohort-cell']";
}
