// Timed console run of account-cohort intelligence on a real database (see docs/benchmarks.md):
//   dotnet run -c Release --project bench/CohortDashboard.Benchmarks.AccountCohorts -- <sqlite file> [--runs N]
// (a PostgreSQL connection string, "Host=…", instead of the file runs the same steps on PostgreSQL)
// Generate the file first with the app: seed-demo --scale 10. For the demo org it times N runs each of the
// definitions POST (upsert of vintage/segment/territory/rep cohorts), the 36-month snapshot recompute, and the reads
// behind the page (snapshots, vintage curves, anomalies, comparison), and prints p50 / max per step and the peak
// working set. The file is changed (definitions upserted, snapshots replaced).
using System.Diagnostics;
using System.Globalization;
using CohortDashboard.Benchmarks;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Web.Features.AccountCohorts;
using CohortDashboard.Web.Features.Cohorts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

if (args.Length < 1 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: <sqlite file> [--runs N]");
    return 2;
}
var path = args[0];
var runs = BenchDatabase.Option(args, "--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 5;

var configuration = BenchDatabase.Configuration(path);
var services = new ServiceCollection()
    .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole())
    .AddSingleton(configuration)
    .AddCohortDatabase(configuration)
    .AddCohorts(configuration)
    .AddAccountCohorts()
    .AddBenchJobLeases("account-cohorts-bench")
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
Console.WriteLine($"database {BenchDatabase.Describe(path)}: demo org {orgId}, {accounts:N0} accounts, {holdings:N0} account_products; {runs} runs per step");

var timer = new StepTimer();

for (var run = 0; run < runs; run++)
{
    await using var scope = services.CreateAsyncScope();
    scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
    var service = scope.ServiceProvider.GetRequiredService<AccountCohortService>();

    var generated = await timer.Time("definitions POST (upsert)", () => service.GenerateDefinitionsAsync("benchmark", CancellationToken.None));
    timer.Note("definitions POST (upsert)", $"{generated.TotalCohorts} cohorts, {generated.Inserted} inserted, {generated.Updated} updated");
    var recomputed = await timer.Time("snapshot recompute (36 months)", () => service.RecomputeSnapshotsAsync("benchmark", CancellationToken.None));
    timer.Note("snapshot recompute (36 months)", $"{recomputed.Snapshots:N0} snapshots of {recomputed.Cohorts} cohorts, {recomputed.From}..{recomputed.To}");
    var snapshots = await timer.Time("GET snapshots (all)", () => service.GetSnapshotsAsync(null, null, null, null, CancellationToken.None));
    timer.Note("GET snapshots (all)", $"{snapshots!.Count:N0} rows");
    var curves = await timer.Time("GET vintage-curves (vintage, 36)", () => service.GetVintageCurvesAsync(CohortType.Vintage, 36, CancellationToken.None));
    timer.Note("GET vintage-curves (vintage, 36)", $"{curves.Count} curves");
    var anomalies = await timer.Time("GET anomalies", () => service.GetAnomaliesAsync(null, null, CancellationToken.None));
    timer.Note("GET anomalies", $"{anomalies.Count} anomalies");
    var page = await timer.Time("page model (vintage)", () => service.GetPageAsync(CohortType.Vintage, CancellationToken.None));
    timer.Note("page model (vintage)", $"{page.Snapshots.Count} snapshots shown");
}

timer.Print(36);
return 0;


