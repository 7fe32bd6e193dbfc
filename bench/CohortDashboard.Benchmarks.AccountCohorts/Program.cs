// Timed console run of account-cohort intelligence on a real database (see docs/benchmarks.md):
//   dotnet run -c Release --project bench/CohortDashboard.Benchmarks.AccountCohorts -- <sqlite file> [--runs N]
// (a PostgreSQL connection string, "Host=…", instead of the file runs the same steps on PostgreSQL)
// Generate the file first with the app: seed-demo --scale 10. For the demo org it times N runs each of the
// definitions POST (upsert of vintage/segment/territory/rep cohorts), the 36-month snapshot recompute, and the reads
// behind the page (snapshots, vintage curves, anomalies, comparison), and prints p50 / max per step and the peak
// working set. The file is changed (definitions upserted, snapshots replaced).
using System.Diagnostics;
using System.Globalization;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Web.Features.AccountCohorts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

if (args.Length < 1 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: <sqlite file> [--runs N]");
    return 2;
}
var path = args[0];
var runs = Option("--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 5;

var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(path.StartsWith("Host=", StringComparison.OrdinalIgnoreCase)
        ? new Dictionary<string, string?> { ["ConnectionStrings:Default"] = path, ["Database:Provider"] = "PostgreSQL" }
        : new Dictionary<string, string?> { ["ConnectionStrings:Default"] = $"Data Source={path}" })
    .Build();
var services = new ServiceCollection()
    .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole())
    .AddCohortDatabase(configuration)
    .AddAccountCohorts()
    .BuildServiceProvider();

await DatabaseInitializer.MigrateAsync(services);

long orgId;
int accounts, holdings;
await using (var system = DatabaseInitializer.CreateSystemContext(services))
{
    orgId = await system.Organizations.Where(o => o.PixelId == "demo-pixel").Select(o => o.Id).SingleAsync();
    accounts = await system.Accounts.CountAsync(a => a.OrgId == orgId);
    holdings = await system.AccountProducts.CountAsync(a => a.OrgId == orgId);
}
Console.WriteLine($"database {(path.StartsWith("Host=", StringComparison.OrdinalIgnoreCase) ? "PostgreSQL" : path)}: demo org {orgId}, {accounts:N0} accounts, {holdings:N0} account_products; {runs} runs per step");

var timings = new Dictionary<string, List<double>>();
var cpuTimings = new Dictionary<string, List<double>>();
var notes = new Dictionary<string, string>();

for (var run = 0; run < runs; run++)
{
    await using var scope = services.CreateAsyncScope();
    scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
    var service = scope.ServiceProvider.GetRequiredService<AccountCohortService>();

    var generated = await Time("definitions POST (upsert)", () => service.GenerateDefinitionsAsync("benchmark", CancellationToken.None));
    notes["definitions POST (upsert)"] = $"{generated.TotalCohorts} cohorts, {generated.Inserted} inserted, {generated.Updated} updated";
    var recomputed = await Time("snapshot recompute (36 months)", () => service.RecomputeSnapshotsAsync("benchmark", CancellationToken.None));
    notes["snapshot recompute (36 months)"] = $"{recomputed.Snapshots:N0} snapshots of {recomputed.Cohorts} cohorts, {recomputed.From}..{recomputed.To}";
    var snapshots = await Time("GET snapshots (all)", () => service.GetSnapshotsAsync(null, null, null, null, CancellationToken.None));
    notes["GET snapshots (all)"] = $"{snapshots!.Count:N0} rows";
    var curves = await Time("GET vintage-curves (vintage, 36)", () => service.GetVintageCurvesAsync(CohortType.Vintage, 36, CancellationToken.None));
    notes["GET vintage-curves (vintage, 36)"] = $"{curves.Count} curves";
    var anomalies = await Time("GET anomalies", () => service.GetAnomaliesAsync(null, null, CancellationToken.None));
    notes["GET anomalies"] = $"{anomalies.Count} anomalies";
    var page = await Time("page model (vintage)", () => service.GetPageAsync(CohortType.Vintage, CancellationToken.None));
    notes["page model (vintage)"] = $"{page.Snapshots.Count} snapshots shown";
}

Console.WriteLine();
// Wall-clock is what a user waits; CPU (all threads of this process, SQLite included) shows the work itself and is
// far less disturbed by other processes competing for the cores.
Console.WriteLine($"{"step",-36} {"n",3} {"p50 ms",9} {"max ms",9} {"CPU p50",9}  note");
foreach (var (step, values) in timings)
{
    var sorted = values.Order().ToArray();
    Console.WriteLine($"{step,-36} {sorted.Length,3} {Median(sorted),9:0.0} {sorted[^1],9:0.0} {Median(cpuTimings[step].Order().ToArray()),9:0.0}  {notes.GetValueOrDefault(step)}");
}
if (File.Exists("/proc/loadavg")) Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):0} MiB");
return 0;

static double Median(double[] sorted) =>
    sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

async Task<T> Time<T>(string step, Func<Task<T>> action)
{
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var stopwatch = Stopwatch.StartNew();
    var result = await action();
    stopwatch.Stop();
    process.Refresh();
    if (!timings.TryGetValue(step, out var list)) timings[step] = list = [];
    list.Add(stopwatch.Elapsed.TotalMilliseconds);
    if (!cpuTimings.TryGetValue(step, out var cpu)) cpuTimings[step] = cpu = [];
    cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
    return result;
}
