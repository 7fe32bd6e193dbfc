// Timed console run of the expansion pipeline on a real database (see docs/benchmarks.md):
//   dotnet run -c Release --project bench/CohortDashboard.Benchmarks.Expansion -- <sqlite file> [--runs N] [--seed-scale S]
// (a PostgreSQL connection string, "Host=…", instead of the file runs the same steps on PostgreSQL)
// Opens (or, with --seed-scale, creates and seeds) the SQLite file, then for the demo org times N runs each of
// affinity recompute, signal generation and the first page of GET signals with KPIs (the API's query), and prints
// p50 / max per step and the peak working set. The file is changed (entries and pending signals are replaced).
using System.Diagnostics;
using System.Globalization;
using CohortDashboard.Benchmarks;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Expansion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

if (args.Length < 1 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: <sqlite file> [--runs N] [--seed-scale S]");
    return 2;
}
var path = args[0];
var runs = BenchDatabase.Option(args, "--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 5;
var seedScale = BenchDatabase.Option(args, "--seed-scale") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : (double?)null;

var configuration = BenchDatabase.Configuration(path);
var services = new ServiceCollection()
    .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole().AddFilter("Microsoft.EntityFrameworkCore.Database.Command", Environment.GetEnvironmentVariable("BENCH_SQL") == "1" ? LogLevel.Information : LogLevel.Warning))
    .AddCohortDatabase(configuration)
    .AddExpansion()
    .AddBenchJobLeases("expansion-bench")
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
Console.WriteLine($"database {BenchDatabase.Describe(path)}: demo org {orgId}, {accounts:N0} accounts, {products} products; {runs} runs per step");

var actor = new Actor("benchmark", "admin", null, false);
var timer = new StepTimer();

for (var run = 0; run < runs; run++)
{
    await using var scope = services.CreateAsyncScope();
    scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
    var expansion = scope.ServiceProvider.GetRequiredService<ExpansionService>();

    var affinity = await timer.Time("affinity recompute", () => expansion.RecomputeAffinityAsync(actor, CancellationToken.None));
    timer.Note("affinity recompute", $"{affinity.EntriesComputed} entries");
    var generated = await timer.Time("signal generation", () => expansion.GenerateSignalsAsync(actor, CancellationToken.None));
    timer.Note("signal generation", $"{generated.SignalsGenerated:N0} signals from {generated.AccountsAnalyzed:N0} accounts");
    // Several reads per run: the first after a write pays for cold pages.
    for (var i = 0; i < 3; i++)
    {
        var page = await timer.Time("GET signals page 1 + KPIs", () => expansion.GetSignalsAsync(new SignalFilter(), 1, ExpansionEndpoints.DefaultPageSize, CancellationToken.None));
        timer.Note("GET signals page 1 + KPIs", $"{page.Signals.Count} of {page.TotalCount:N0}");
        var board = await timer.Time("kanban board (4 columns × 30 + KPIs)", () => expansion.GetBoardAsync(new SignalFilter(), new Dictionary<CohortDashboard.Data.Model.SignalStatus, int>(), CancellationToken.None));
        timer.Note("kanban board (4 columns × 30 + KPIs)", $"{board.Columns.Sum(c => c.Cards.Count)} cards");
    }
}

timer.Print(40);
return 0;


