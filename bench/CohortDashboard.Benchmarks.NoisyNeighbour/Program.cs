// Noisy neighbour: one org's 12 concurrent heavy cohort queries against another org's light request.
//
// Against a running app on loopback (demo sign-in on, Demo:ApiKey set, demo data of any scale):
//   dotnet run -c Release --project bench/CohortDashboard.Benchmarks.NoisyNeighbour -- http://127.0.0.1:5090 cdk_bench_key
//
// Northwind (the demo key's org) sends 12 Upstack queries at once: week granularity, 24 months, in a timezone that
// is not the org's (so they bypass the precomputed facts and aggregate orders). Contoso (a key the program creates
// through the admin API, signed in as demo-contoso-admin) sends its light request, an Upstack monthly retention in
// its own timezone, one after another: first alone, then while the heavy queries run.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

var baseAddress = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:5090");
var northwindKey = args.Length > 1 ? args[1] : "cdk_bench_key";
const int HeavyCount = 12;
const int LightSamples = 15;
// A request still unanswered after this counts as status 0 with this time (the app on main never bounded them).
const int ClientTimeoutSeconds = 180;

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(ClientTimeoutSeconds) };
var contosoKey = await CreateContosoKeyAsync();

// The demo data covers the 24 months before the day it was generated; the ranges follow the app's own today (its
// clock, in Northwind's timezone), as CashRunway's asOfDate reports it.
var today = await AppTodayAsync();
var heavyBody = $$$"""
    {"pixelId":"demo-pixel","granularity":"week","timezone":"Asia/Tokyo",
     "measures":["orders.cohort_retention_percent","orders.ltv_cohort_net_revenue","orders.customers_cohort"],
     "dateRange":{"start":"{{{today.AddMonths(-24):yyyy-MM-dd}}}","end":"{{{today:yyyy-MM-dd}}}"}}
    """;
var lightBody = $$$"""
    {"pixelId":"contoso-pixel","granularity":"month","measures":["orders.cohort_retention_percent"],
     "dateRange":{"start":"{{{today.AddMonths(-12):yyyy-MM-dd}}}","end":"{{{today:yyyy-MM-dd}}}"}}
    """;

Console.WriteLine($"app {baseAddress}, {HeavyCount} heavy Northwind queries, light Contoso query ×{LightSamples}");
var (lightStatus, _) = await SendAsync(contosoKey, "contoso-pixel", lightBody);
var (heavyStatus, heavyAlone) = await SendAsync(northwindKey, "demo-pixel", heavyBody);
Console.WriteLine($"warm-up: light {(int)lightStatus}, heavy alone {(int)heavyStatus} in {heavyAlone:0} ms");

var quiet = new List<double>();
for (var i = 0; i < LightSamples; i++) quiet.Add((await SendAsync(contosoKey, "contoso-pixel", lightBody)).Ms);

var load = Stopwatch.StartNew();
var heavy = Enumerable.Range(0, HeavyCount).Select(_ => SendAsync(northwindKey, "demo-pixel", heavyBody)).ToList();
await Task.Delay(1000);
var loaded = new List<double>();
var loadedStatuses = new List<int>();
for (var i = 0; i < LightSamples; i++)
{
    var (status, ms) = await SendAsync(contosoKey, "contoso-pixel", lightBody);
    loaded.Add(ms);
    loadedStatuses.Add((int)status);
    await Task.Delay(250);
}
var heavyResults = await Task.WhenAll(heavy);
load.Stop();

Console.WriteLine();
Print("light, alone", quiet);
Print("light, under load", loaded);
Console.WriteLine($"light statuses under load: {string.Join(", ", loadedStatuses.GroupBy(s => s).Select(g => $"{g.Key}×{g.Count()}"))}");
Print("heavy (12 at once)", heavyResults.Select(r => r.Ms).ToList());
Console.WriteLine($"heavy statuses: {string.Join(", ", heavyResults.GroupBy(r => (int)r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"))}; all done after {load.Elapsed.TotalSeconds:0.0} s");
Console.WriteLine($"slow-down of the light request (p50 under load / p50 alone): {Median(loaded) / Median(quiet):0.0}×");
if (File.Exists("/proc/loadavg")) Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
return;

async Task<(HttpStatusCode Status, double Ms)> SendAsync(string key, string pixel, string body)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "/db-mgmt/api/query-cohort-analysis")
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };
    request.Headers.Add("x-api-key", key);
    request.Headers.Add("x-pixel-id", pixel);
    var stopwatch = Stopwatch.StartNew();
    try
    {
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, stopwatch.Elapsed.TotalMilliseconds);
    }
    catch (TaskCanceledException)
    {
        return (0, stopwatch.Elapsed.TotalMilliseconds);
    }
}

async Task<string> CreateContosoKeyAsync()
{
    using var admin = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
    {
        BaseAddress = baseAddress,
    };
    // Cookie-authenticated writes must come from our own origin (the CSRF rule), as a page of the app would send them.
    admin.DefaultRequestHeaders.Add("Origin", baseAddress.GetLeftPart(UriPartial.Authority));
    var page = await admin.GetStringAsync("/signin");
    var token = WebUtility.HtmlDecode(Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
    using var signIn = await admin.PostAsync("/signin/demo", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["subject"] = "demo-contoso-admin", ["returnUrl"] = "/", ["__RequestVerificationToken"] = token,
    }));
    if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"demo sign-in answered {(int)signIn.StatusCode}");
    using var created = await admin.PostAsJsonAsync("/api/keys", new { name = "noisy-neighbour bench", scopes = new[] { "analytics:read" } });
    created.EnsureSuccessStatusCode();
    var body = await created.Content.ReadFromJsonAsync<JsonElement>();
    return body.GetProperty("key").GetString() ?? throw new InvalidOperationException("no key in the answer");
}

static double Median(IReadOnlyList<double> values) => Percentile(values, 0.5);

static double Percentile(IReadOnlyList<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[(int)Math.Min(sorted.Length - 1, Math.Round(p * (sorted.Length - 1)))];
}

static void Print(string name, IReadOnlyList<double> ms) =>
    Console.WriteLine($"{name,-22} n={ms.Count,2}  p50 {Median(ms),8:0} ms  p95 {Percentile(ms, 0.95),8:0} ms  max {ms.Max(),8:0} ms");

async Task<DateOnly> AppTodayAsync()
{
    using var request = new HttpRequestMessage(HttpMethod.Get, "/api/agent/cohorts/summary");
    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", northwindKey);
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
    return DateOnly.Parse(body.GetProperty("asOfDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
}
