// Timed console run of the services behind the chart pages (issue 20, "slow chart pages"), in-process:
//   dotnet run -c Release --project src/CohortDashboard.Web -- seed-demo --scale 1 --ConnectionStrings:Default "Data Source=/tmp/bench/s1.db"
//   dotnet run -c Release --project bench/CohortDashboard.Benchmarks.Pages -- /tmp/bench/s1.db [--runs N] [--no-cache]
// (--no-cache turns the answer cache off: every call computes afresh, as before the overview and curves used it)
// For the demo org it times, in a fresh DI scope per call as a circuit does, the first call of the process (cold: EF
// model and query compilation) and N more (warm): OverviewService.GetAsync (12 and 24 months),
// AccountCohortService.GetPageAsync for every cohort type, and CohortService.AnalyzeAsync for the Cohorts page's
// default question. The file is only read.
using System.Globalization;
using CohortDashboard.Benchmarks;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Web.Features.AccountCohorts;
using CohortDashboard.Web.Features.Cohorts;
using CohortDashboard.Web.Features.Overview;
using CohortDashboard.Web.Features.Instances;
using CohortDashboard.Web.Features.Platform;
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
var runs = BenchDatabase.Option(args, "--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 10;

var configuration = new ConfigurationBuilder().AddConfiguration(BenchDatabase.Configuration(path))
    .AddInMemoryCollection(new Dictionary<string, string?> { ["Cohorts:AnswerCacheMegabytes"] = args.Contains("--no-cache") ? "0" : "64" })
    .Build();
var services = new ServiceCollection()
    .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole())
    .AddSingleton<IConfiguration>(configuration)
    .AddCohortDatabase(configuration)
    .AddOverview()
    .AddCohorts(configuration)
    .AddAccountCohorts()
    // The job exclusion AccountCohortService is built with (reads never take a lease).
    .AddBenchJobLeases("pages-bench")
    .BuildServiceProvider();

await DatabaseInitializer.MigrateAsync(services);
long orgId;
await using (var system = DatabaseInitializer.CreateSystemContext(services))
    orgId = await system.Organizations.Where(o => o.PixelId == "demo-pixel").Select(o => o.Id).SingleAsync();
Console.WriteLine($"database {BenchDatabase.Describe(path)}: demo org {orgId}; {runs} warm runs per step; answer cache {(args.Contains("--no-cache") ? "off" : "on")}; {Environment.ProcessorCount} cores; " +
                  $"load average {LoadAverage()}; {services.GetRequiredService<TimeProvider>().GetUtcNow():yyyy-MM-dd HH:mm} UTC");

var steps = new List<(string Name, Func<IServiceProvider, Task<string>> Run)>
{
    ("overview (12 months)", async sp => Describe(await sp.GetRequiredService<OverviewService>().GetAsync(12, CancellationToken.None))),
    ("overview (24 months)", async sp => Describe(await sp.GetRequiredService<OverviewService>().GetAsync(24, CancellationToken.None))),
};
foreach (var type in new[] { CohortType.Vintage, CohortType.Segment, CohortType.Territory, CohortType.Rep, CohortType.Custom })
    steps.Add(($"account-cohort page ({type.ToSnake()})", async sp =>
    {
        var page = await sp.GetRequiredService<AccountCohortService>().GetPageAsync(type, CancellationToken.None);
        return $"{page.Snapshots.Count:N0} snapshots, {page.Curves.Count} curves";
    }));
steps.Add(("cohorts page (monthly retention)", async sp =>
{
    var result = await sp.GetRequiredService<CohortService>().AnalyzeAsync(new CohortQuery(), CancellationToken.None);
    return $"{result.Analysis.Groups[0].Rows.Count} cohorts, {result.Path.Reason}";
}));

var timer = new StepTimer();
foreach (var (name, run) in steps)
{
    for (var i = 0; i <= runs; i++)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
        var note = await timer.Time(i == 0 ? $"{name}, first call" : name, () => run(scope.ServiceProvider));
        timer.Note(i == 0 ? $"{name}, first call" : name, note);
    }
}
timer.Print(48);
return 0;

static string Describe(OverviewModel? model) =>
    model is null ? "no org" : $"{model.Trend.Months.Count} months, ARR {model.TotalArr:N0}";

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
