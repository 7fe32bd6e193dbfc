using System.Diagnostics;
using System.Globalization;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Data;
using CohortDashboard.Data.Cohorts;
using CohortDashboard.Data.Columnar;
using CohortDashboard.Web.Features.Cohorts;
using DuckDB.NET.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using CohortDashboard.Data.Tenancy;

// Timed console run over an existing database (make one with `seed-demo --scale N`), through the same services the
// pages and APIs use. Usage:
//   dotnet run -c Release --project bench/CohortDashboard.Benchmarks -- <sqlite-file> [runs] [--rebuild] [--facts-only]
//       [--no-columnar]   the order path as before the columnar store (slow: tens of seconds a query at scale 50)
//       [--orders-only]   only the cases off the facts path (other timezone, order filters)
// Every case runs uncached (the answer cache off), then once more through a service with the cache on (the repeat's
// p50); beside each order-level case, a standalone DuckDB query of the same question over the same store file.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: CohortDashboard.Benchmarks <sqlite-file> [runs] [--rebuild] [--facts-only] [--no-columnar]");
    return 2;
}
var file = args[0];
var runs = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var parsedRuns) ? parsedRuns : 20;
var columnarOn = !args.Contains("--no-columnar");
const long orgId = 1;

ServiceProvider Services(bool cache)
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:Default"] = $"Data Source={file}",
        ["Cohorts:AnswerCacheMegabytes"] = cache ? "64" : "0",
        ["Columnar:Enabled"] = columnarOn ? "true" : "false",
    }).Build();
    var services = new ServiceCollection();
    services.AddLogging();
    services.AddSingleton<IConfiguration>(configuration);
    services.AddCohortDatabase(configuration);
    services.AddCohorts(configuration);
    return services.BuildServiceProvider();
}

await using var provider = Services(cache: false);
await using var cachedProvider = Services(cache: true);
await DatabaseInitializer.MigrateAsync(provider);
// The app's own clock (the one its services are built with), so the standalone query asks about the same "today".
var clock = provider.GetRequiredService<TimeProvider>();

Console.WriteLine($"database {file} ({new FileInfo(file).Length / 1024 / 1024} MiB), {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                  $"load average {LoadAverage()}, {clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC");
ColumnarStore? store = null;
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
    if (columnarOn)
    {
        // Both providers share nothing but the files: build with the first, and let the second find the same file.
        store = provider.GetRequiredService<ColumnarStore>();
        var build = Stopwatch.StartNew();
        var result = await store.BuildAsync(db, CancellationToken.None);
        var path = store.PathOf(orgId, await OrgDataVersion.CurrentAsync(db, CancellationToken.None));
        Console.WriteLine(result is null
            ? $"columnar store current: {new FileInfo(path).Length / 1024 / 1024} MiB ({path})"
            : $"columnar store build: {result.Orders:N0} orders in {build.Elapsed.TotalMilliseconds:N0} ms, {result.Bytes / 1024 / 1024} MiB on disk ({path})");
    }
}

var web = FilterGroup.And(new FilterCondition(FilterFields.OrderSourceName, FilterOperator.Equal, FilterValue.Of("web")));
if (!args.Contains("--orders-only"))
{
    await Measure("monthly 12x12 retention", new CohortQuery());
    await Measure("monthly 12x12 retention, filter account.segment = SMB", new CohortQuery
    {
        Filter = new FilterGroup(FilterGroupKind.And, [new FilterCondition(FilterFields.AccountSegment, FilterOperator.Equal, FilterValue.Of("SMB"))]),
    });
    await Measure("monthly 12x12 LTV", new CohortQuery { Measure = CohortMeasure.Ltv });
    await Measure("weekly 12x12 retention", new CohortQuery { Granularity = Granularity.Week });
    await Measure("monthly 12x12 net revenue", new CohortQuery { Measure = CohortMeasure.NetRevenue });
    if (args.Contains("--facts-only")) return Finish();
}
await Measure("monthly 12x12 retention, other timezone", new CohortQuery { TimeZone = "Asia/Tokyo" }, Standalone("Asia/Tokyo", null, false));
await Measure("monthly 12x12 LTV, other timezone", new CohortQuery { TimeZone = "Asia/Tokyo", Measure = CohortMeasure.Ltv }, Standalone("Asia/Tokyo", null, true));
await Measure("monthly 12x12 retention, filter orders.source_name = web", new CohortQuery { Filter = web }, Standalone(null, "web", false));
await Measure("monthly 12x12 net revenue, filter orders.source_name = web", new CohortQuery { Filter = web, Measure = CohortMeasure.NetRevenue },
    Standalone(null, "web", true));
return Finish();

static int Finish()
{
    Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB, load average {LoadAverage()}");
    return 0;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

async Task Measure(string name, CohortQuery query, Func<Task>? standalone = null)
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
        path = result.Path.Name;
    }
    var cached = new List<double>();
    for (var i = 0; i <= runs; i++)
    {
        await using var scope = cachedProvider.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
        var stopwatch = Stopwatch.StartNew();
        await scope.ServiceProvider.GetRequiredService<CohortService>().AnalyzeAsync(query, CancellationToken.None);
        cached.Add(stopwatch.Elapsed.TotalMilliseconds);
    }
    var duck = new List<double>();
    if (standalone is not null && store is not null)
        for (var i = 0; i <= runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            await standalone();
            duck.Add(stopwatch.Elapsed.TotalMilliseconds);
        }
    var cold = timings[0];
    var warm = timings.Skip(1).Order().ToList();
    var repeat = cached.Skip(1).Order().ToList();
    var duckText = duck.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"  standalone DuckDB p50 {duck.Skip(1).Order().ElementAt(runs / 2),5:N0} ms") : "";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-60} [{path,-8}] cold {cold,7:N0} ms  p50 {warm[warm.Count / 2],6:N0} ms  p95 {warm[(int)(warm.Count * 0.95)],6:N0} ms  cached p50 {repeat[repeat.Count / 2],5:N2} ms{duckText}  (load {LoadAverage()})"));
}

// The same matrix asked of DuckDB directly, as an analyst would: first qualifying (paid) order's month is the cohort,
// customers (or net revenue) per cohort and offset, months as local month starts joined with ASOF JOIN.
Func<Task> Standalone(string? zoneId, string? source, bool money) => async () =>
{
    var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId ?? "America/New_York");
    var calendar = new CohortDashboard.Analytics.Cohorts.PeriodCalendar(Granularity.Month, zone);
    var today = CohortDashboard.Analytics.Periods.LocalCalendar.LocalDate(clock.GetUtcNow().UtcDateTime, zone);
    var last = calendar.IndexOf(today);
    var bounds = string.Join(", ", Enumerable.Range(last - 11 - 120, 132).Select(p => $"({p}, {calendar.StartUtc(p).Ticks})"));
    var end = CohortDashboard.Analytics.Periods.LocalCalendar.LocalMidnightToUtc(today.AddDays(1), zone).Ticks;
    await using var connection = new DuckDBConnection($"Data Source={store!.PathOf(orgId, store.VersionOf(orgId)!.Value)}");
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = $"""
        WITH b(period, start_at) AS (VALUES {bounds}),
        ev AS (SELECT o.account_id, b.period, o.gross - o.discounts - o.refunded AS net
               FROM orders o ASOF JOIN b ON o.placed_at >= b.start_at
               WHERE o.status = 0 AND o.placed_at < {end} {(source is null ? "" : "AND o.source_name = $source")}),
        c AS (SELECT account_id, min(period) AS cohort FROM ev GROUP BY account_id)
        SELECT c.cohort, ev.period - c.cohort AS k, {(money ? "sum(ev.net)" : "count(DISTINCT ev.account_id)")}
        FROM ev JOIN c USING (account_id)
        WHERE c.cohort >= {last - 11} AND ev.period - c.cohort < 12
        GROUP BY 1, 2
        """;
    if (source is not null) command.Parameters.Add(new DuckDBParameter("source", source));
    await using var reader = await command.ExecuteReaderAsync();
    var cells = 0;
    while (await reader.ReadAsync()) cells++;
    if (cells == 0) throw new InvalidOperationException("the standalone query found no cells");
};
