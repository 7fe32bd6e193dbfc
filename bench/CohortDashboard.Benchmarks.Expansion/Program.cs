// Timed console run of the expansion pipeline on a real database (see docs/benchmarks.md):
//   dotnet run -c Release --project bench/CohortDashboard.Benchmarks.Expansion -- <sqlite file> [--runs N] [--seed-scale S]
// (a PostgreSQL connection string, "Host=…", instead of the file runs the same steps on PostgreSQL)
// Opens (or, with --seed-scale, creates and seeds) the SQLite file, then for the demo org times N runs each of
// affinity recompute, signal generation and the first page of GET signals with KPIs (the API's query), and prints
// p50 / max per step and the peak working set. The file is changed (entries and pending signals are replaced).
using System.Diagnostics;
using System.Globalization;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Web.Features.Expansion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

if (args.Length < 1 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: <sqlite file> [--runs N] [--seed-scale S]");
    return 2;
}
var path = args[0];
var runs = Option("--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 5;
var seedScale = Option("--seed-scale") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : (double?)null;

var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(path.StartsWith("Host=", StringComparison.OrdinalIgnoreCase)
        ? new Dictionary<string, string?> { ["ConnectionStrings:Default"] = path, ["Database:Provider"] = "PostgreSQL" }
        : new Dictionary<string, string?> { ["ConnectionStrings:Default"] = $"Data Source={path}" })
    .Build();
var services = new ServiceCollection()
    .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole().AddFilter("Microsoft.EntityFrameworkCore.Database.Command", Environment.GetEnvironmentVariable("BENCH_SQL") == "1" ? LogLevel.Information : LogLevel.Warning))
    .AddCohortDatabase(configuration)
    .AddExpansion()
    .BuildServiceProvider();

await DatabaseInitializer.MigrateAsync(services);
if (seedScale is { } scale)
{
    var seeded = await DemoSeeder.SeedIfEmptyAsync(services, scale, DateOnly.FromDateTime(DateTime.UtcNow));
    Console.WriteLine(seeded is null ? "database not empty; not seeded" : $"seeded: {seeded}");
}

long orgId;
int accounts, products;
await using (var system = DatabaseInitializer.CreateSystemContext(services))
{
    orgId = await system.Organizations.Where(o => o.PixelId == "demo-pixel").Select(o => o.Id).SingleAsync();
    accounts = await system.Accounts.CountAsync(a => a.OrgId == orgId);
    products = await system.Products.CountAsync(p => p.OrgId == orgId);
}
Console.WriteLine($"database {(path.StartsWith("Host=", StringComparison.OrdinalIgnoreCase) ? "PostgreSQL" : path)}: demo org {orgId}, {accounts:N0} accounts, {products} products; {runs} runs per step");

var actor = new ExpansionActor("benchmark", "admin", null, false);
var timings = new Dictionary<string, List<double>>();
var cpuTimings = new Dictionary<string, List<double>>();
var notes = new Dictionary<string, string>();

for (var run = 0; run < runs; run++)
{
    await using var scope = services.CreateAsyncScope();
    scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
    var expansion = scope.ServiceProvider.GetRequiredService<ExpansionService>();

    var affinity = await Time("affinity recompute", () => expansion.RecomputeAffinityAsync(actor, CancellationToken.None));
    notes["affinity recompute"] = $"{affinity.EntriesComputed} entries";
    var generated = await Time("signal generation", () => expansion.GenerateSignalsAsync(actor, CancellationToken.None));
    notes["signal generation"] = $"{generated.SignalsGenerated:N0} signals from {generated.AccountsAnalyzed:N0} accounts";
    // Several reads per run: the first after a write pays for cold pages.
    for (var i = 0; i < 3; i++)
    {
        var page = await Time("GET signals page 1 + KPIs", () => expansion.GetSignalsAsync(new SignalFilter(), 1, ExpansionEndpoints.DefaultPageSize, CancellationToken.None));
        notes["GET signals page 1 + KPIs"] = $"{page.Signals.Count} of {page.TotalCount:N0}";
        var board = await Time("kanban board (4 columns × 30 + KPIs)", () => expansion.GetBoardAsync(new SignalFilter(), 30, CancellationToken.None));
        notes["kanban board (4 columns × 30 + KPIs)"] = $"{board.Columns.Sum(c => c.Cards.Count)} cards";
    }
}

Console.WriteLine();
// Wall-clock is what a user waits; CPU (all threads of this process, SQLite included) shows the work itself and is
// far less disturbed by other processes competing for the cores.
Console.WriteLine($"{"step",-40} {"n",3} {"p50 ms",9} {"max ms",9} {"CPU p50",9}  note");
foreach (var (step, values) in timings)
{
    var sorted = values.Order().ToArray();
    Console.WriteLine($"{step,-40} {sorted.Length,3} {Median(sorted),9:0.0} {sorted[^1],9:0.0} {Median(cpuTimings[step].Order().ToArray()),9:0.0}  {notes.GetValueOrDefault(step)}");
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
