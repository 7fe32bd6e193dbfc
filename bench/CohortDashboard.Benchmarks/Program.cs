using System.Diagnostics;
using System.Globalization;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Data;
using CohortDashboard.Data.Cohorts;
using CohortDashboard.Web.Features.Cohorts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using CohortDashboard.Data.Tenancy;

// Timed console run over an existing database (make one with `seed-demo --scale N`), through the same services the
// pages and APIs use. Usage: dotnet run -c Release --project bench/CohortDashboard.Benchmarks -- <sqlite-file> [runs] [--rebuild] [--facts-only]
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: CohortDashboard.Benchmarks <sqlite-file> [runs]");
    return 2;
}
var file = args[0];
var runs = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var parsedRuns) ? parsedRuns : 20;
const long orgId = 1;

var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Database:Provider"] = "Sqlite",
    ["ConnectionStrings:Default"] = $"Data Source={file}",
}).Build();
var services = new ServiceCollection();
services.AddLogging();
services.AddCohortDatabase(configuration);
services.AddCohorts(configuration);
await using var provider = services.BuildServiceProvider();
await DatabaseInitializer.MigrateAsync(provider);

Console.WriteLine($"database {file} ({new FileInfo(file).Length / 1024 / 1024} MiB), {Environment.ProcessorCount} cores, .NET {Environment.Version}");
await using (var db = DatabaseInitializer.CreateOrgContext(provider, orgId))
{
    var orders = await db.Orders.CountAsync();
    var accounts = await db.Accounts.CountAsync();
    Console.WriteLine($"org {orgId}: {accounts:N0} accounts, {orders:N0} orders");
    if (args.Contains("--rebuild") || !await db.CohortFactBuilds.AnyAsync())
    {
        var build = Stopwatch.StartNew();
        var result = await CustomerFacts.RebuildAsync(db);
        Console.WriteLine($"cohort facts rebuild: {result.Rows:N0} rows from {result.Orders:N0} orders in {build.Elapsed.TotalMilliseconds:N0} ms");
    }
}

await Measure("monthly 12x12 retention", new CohortQuery());
await Measure("monthly 12x12 retention, filter account.segment = SMB", new CohortQuery
{
    Filter = new FilterGroup(FilterGroupKind.And, [new FilterCondition(FilterFields.AccountSegment, FilterOperator.Equal, FilterValue.Of("SMB"))]),
});
await Measure("monthly 12x12 LTV", new CohortQuery { Measure = CohortMeasure.Ltv });
await Measure("weekly 12x12 retention", new CohortQuery { Granularity = Granularity.Week });
await Measure("monthly 12x12 net revenue", new CohortQuery { Measure = CohortMeasure.NetRevenue });
if (args.Contains("--facts-only")) return Finish();
await Measure("monthly 12x12 retention, other timezone", new CohortQuery { TimeZone = "Asia/Tokyo" });
await Measure("monthly 12x12 LTV, other timezone", new CohortQuery { TimeZone = "Asia/Tokyo", Measure = CohortMeasure.Ltv });
await Measure("monthly 12x12 retention, filter orders.source_name = web", new CohortQuery
{
    Filter = new FilterGroup(FilterGroupKind.And, [new FilterCondition(FilterFields.OrderSourceName, FilterOperator.Equal, FilterValue.Of("web"))]),
});
return Finish();

static int Finish()
{
    Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB");
    return 0;
}

async Task Measure(string name, CohortQuery query)
{
    var timings = new List<double>();
    string path = "";
    for (var i = 0; i <= runs; i++)
    {
        await using var scope = provider.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
        var service = scope.ServiceProvider.GetRequiredService<CohortService>();
        var stopwatch = Stopwatch.StartNew();
        var result = await service.AnalyzeAsync(query, CancellationToken.None);
        timings.Add(stopwatch.Elapsed.TotalMilliseconds);
        path = result.Path.UsesFacts ? "facts" : "orders";
    }
    var cold = timings[0];
    var warm = timings.Skip(1).Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-58} [{path}] cold {cold,7:N0} ms  warm p50 {warm[warm.Count / 2],6:N0} ms  p95 {warm[(int)(warm.Count * 0.95)],6:N0} ms  max {warm[^1],6:N0} ms"));
}
