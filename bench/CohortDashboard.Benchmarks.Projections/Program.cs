// Timed console run of the cohort projections (docs/projections.md, docs/benchmarks.md):
//   dotnet run -c Release --project bench/CohortDashboard.Benchmarks.Projections -- <sqlite file> [--runs N]
// Generate the file first with the app: seed-demo --scale 10. For the demo org it times N runs of the matrix the
// projection needs (monthly, 24 cohorts × 36 offsets, unbounded retention + LTV, one read of the facts) and, on top of
// it, the projection maths alone: an sBG fit per cohort (or the pooled fit), the chain ladder and every interval.
// It then does the same for the vintage curves' accounts remaining (after a definitions POST and snapshot recompute,
// which change the file). The first run of each step is the cold one; p50 is over all runs.
using System.Globalization;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Projections;
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
var runs = BenchDatabase.Option(args, "--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 20;

var services = new ServiceCollection()
    .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole())
    .AddCohortDatabase(BenchDatabase.Configuration(path))
    .AddCohorts(BenchDatabase.Configuration(path))
    .AddAccountCohorts()
    .BuildServiceProvider();
await DatabaseInitializer.MigrateAsync(services);

long orgId;
await using (var system = DatabaseInitializer.CreateSystemContext(services))
    orgId = await system.Organizations.Where(o => o.PixelId == "demo-pixel").Select(o => o.Id).SingleAsync();
Console.WriteLine($"database {BenchDatabase.Describe(path)}: demo org {orgId}; {runs} runs per step; {Environment.ProcessorCount} cores");

var timer = new StepTimer();
var query = new CohortQuery { Granularity = Granularity.Month, Cohorts = 24, Offsets = CohortQuery.MaxOffsets, RetentionMode = RetentionMode.Unbounded };
for (var run = 0; run < runs; run++)
{
    await using var scope = services.CreateAsyncScope();
    scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
    var cohorts = scope.ServiceProvider.GetRequiredService<CohortService>();
    var (analyses, _, _, _) = await timer.Time("matrix: monthly 24 × 36, retention + LTV", () => cohorts.AnalyzeAsync(query, [CohortMeasure.Retention, CohortMeasure.Ltv], CancellationToken.None));
    var groups = await timer.Time("projection maths on top (sBG + chain ladder)", () => Task.FromResult(CohortProjectionService.Project(analyses[0], analyses[1])));
    var rows = groups[0].Rows;
    timer.Note("projection maths on top (sBG + chain ladder)",
        $"{rows.Count} cohorts: {rows.Count(x => x.Retention.Model?.Scope == FitScope.Cohort)} own fits, {rows.Count(x => x.Retention.Model?.Scope == FitScope.Pooled)} pooled, {rows.Count(x => x.Retention.Model is null)} none");
    timer.Note("matrix: monthly 24 × 36, retention + LTV", $"{analyses[0].Groups[0].Customers:N0} customers");
}

await using (var scope = services.CreateAsyncScope())
{
    scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
    var accounts = scope.ServiceProvider.GetRequiredService<AccountCohortService>();
    await accounts.GenerateDefinitionsAsync("benchmark", CancellationToken.None);
    await accounts.RecomputeSnapshotsAsync("benchmark", CancellationToken.None);
    for (var run = 0; run < runs; run++)
    {
        var curves = await timer.Time("vintage curves (vintage, 36 months)", () => accounts.GetVintageCurvesAsync(CohortType.Vintage, 36, CancellationToken.None));
        var projected = await timer.Time("accounts-remaining projection on top", () => Task.FromResult(AccountCohortProjections.Project(curves)));
        timer.Note("accounts-remaining projection on top", $"{projected.Count} curves, {projected.Values.Count(p => p.Model?.Scope == FitScope.Cohort)} own fits");
    }
}

timer.Print(46);
return 0;
