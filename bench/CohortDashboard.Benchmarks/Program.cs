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
//   dotnet run -c Release --project bench/CohortDashboard.Benchmarks -- <sqlite-file> [runs]
//       [--orders]        without the columnar store: the primary's orders path (the old path; slow at scale)
//       [--rebuild]       delete this run's columnar files first, so the build is timed
//       [--only <text>]   only the cases whose name contains <text>
// Every case runs uncached (the answer cache off), then once more through a service with the cache on (the repeat's
// p50), then as a standalone DuckDB query of the same question over the same store file.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: CohortDashboard.Benchmarks <sqlite-file> [runs] [--orders] [--rebuild] [--only <text>]");
    return 2;
}
var file = args[0];
var runs = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var parsedRuns) ? parsedRuns : 20;
var columnarOn = !args.Contains("--orders");
var only = Array.IndexOf(args, "--only") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
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

// The app's default store directory sits beside the SQLite file; --rebuild starts it afresh so the build is timed.
if (args.Contains("--rebuild") && Directory.Exists(file + ".columnar")) Directory.Delete(file + ".columnar", recursive: true);
await using var provider = Services(cache: false);
await using var cachedProvider = Services(cache: true);
await DatabaseInitializer.MigrateAsync(provider);
// The app's own clock (the one its services are built with), so the standalone query asks about the same "today".
var clock = provider.GetRequiredService<TimeProvider>();

Console.WriteLine($"database {file} ({new FileInfo(file).Length / 1024 / 1024} MiB), {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                  $"load average {LoadAverage()}, {clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC");
ColumnarStore? store = null;
HashSet<long> smb;
DateTime earliestOrder;
await using (var db = DatabaseInitializer.CreateOrgContext(provider, orgId))
{
    var orders = await db.Orders.CountAsync();
    var accounts = await db.Accounts.CountAsync();
    Console.WriteLine($"org {orgId}: {accounts:N0} accounts, {orders:N0} orders");
    earliestOrder = await db.Orders.MinAsync(o => o.PlacedAt);
    smb = (await db.Accounts.Where(a => a.Segment == CohortDashboard.Data.Model.Segment.Smb).Select(a => a.Id).ToListAsync()).ToHashSet();
    if (columnarOn)
    {
        // Both providers share nothing but the files: build with the first, and let the second find the same file.
        store = provider.GetRequiredService<ColumnarStore>();
        var build = Stopwatch.StartNew();
        var result = await store.BuildAsync(db, CancellationToken.None);
        var path = store.PathOf(orgId)!;
        Console.WriteLine(result is null
            ? $"columnar store current: {new FileInfo(path).Length / 1024 / 1024} MiB ({path})"
            : $"columnar store build: {result.Orders:N0} orders in {build.Elapsed.TotalMilliseconds:N0} ms, {result.Bytes / 1024 / 1024} MiB on disk ({path})");
        var checkCached = cachedProvider.GetRequiredService<ColumnarStore>();
        await checkCached.BuildAsync(db, CancellationToken.None); // checks the same file for the cached provider
    }
}

var web = FilterGroup.And(new FilterCondition(FilterFields.OrderSourceName, FilterOperator.Equal, FilterValue.Of("web")));
var smbFilter = new FilterGroup(FilterGroupKind.And, [new FilterCondition(FilterFields.AccountSegment, FilterOperator.Equal, FilterValue.Of("SMB"))]);
await Measure("monthly 12x12 retention", new CohortQuery(), Standalone(null, Granularity.Month, null, null, false));
await Measure("monthly 12x12 retention, filter account.segment = SMB", new CohortQuery { Filter = smbFilter },
    Standalone(null, Granularity.Month, null, smb, false));
await Measure("monthly 12x12 LTV", new CohortQuery { Measure = CohortMeasure.Ltv }, Standalone(null, Granularity.Month, null, null, true));
await Measure("weekly 12x12 retention", new CohortQuery { Granularity = Granularity.Week }, Standalone(null, Granularity.Week, null, null, false));
await Measure("monthly 12x12 net revenue", new CohortQuery { Measure = CohortMeasure.NetRevenue }, Standalone(null, Granularity.Month, null, null, true));
await Measure("monthly 12x12 retention, Asia/Tokyo", new CohortQuery { TimeZone = "Asia/Tokyo" }, Standalone("Asia/Tokyo", Granularity.Month, null, null, false));
await Measure("monthly 12x12 LTV, Asia/Tokyo", new CohortQuery { TimeZone = "Asia/Tokyo", Measure = CohortMeasure.Ltv },
    Standalone("Asia/Tokyo", Granularity.Month, null, null, true));
await Measure("monthly 12x12 retention, filter orders.source_name = web", new CohortQuery { Filter = web },
    Standalone(null, Granularity.Month, "web", null, false));
await Measure("monthly 12x12 net revenue, filter orders.source_name = web", new CohortQuery { Filter = web, Measure = CohortMeasure.NetRevenue },
    Standalone(null, Granularity.Month, "web", null, true));
// Upstack's multi-measure call: three matrices from one read, with an order filter.
await Measure("3 measures (customers, orders, net revenue), source_name = web", new CohortQuery { Filter = web }, null,
    [CohortMeasure.Customers, CohortMeasure.Orders, CohortMeasure.NetRevenue]);
return Finish();

static int Finish()
{
    Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB, load average {LoadAverage()}");
    return 0;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

async Task Measure(string name, CohortQuery query, Func<Task>? standalone, IReadOnlyList<CohortMeasure>? measures = null)
{
    if (only is not null && !name.Contains(only, StringComparison.OrdinalIgnoreCase)) return;
    var timings = new List<double>();
    string path = "";
    async Task<string> Analyze(ServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
        var service = scope.ServiceProvider.GetRequiredService<CohortService>();
        return measures is null
            ? (await service.AnalyzeAsync(query, CancellationToken.None)).Path.Name
            : (await service.AnalyzeAsync(query, measures, CancellationToken.None)).Path.Name;
    }
    for (var i = 0; i <= runs; i++)
    {
        var stopwatch = Stopwatch.StartNew();
        path = await Analyze(provider);
        timings.Add(stopwatch.Elapsed.TotalMilliseconds);
    }
    var cached = new List<double>();
    for (var i = 0; i <= runs; i++)
    {
        var stopwatch = Stopwatch.StartNew();
        await Analyze(cachedProvider);
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
    double P50(List<double> sorted) => sorted[sorted.Count / 2];
    var duckText = duck.Count > 0
        ? string.Create(CultureInfo.InvariantCulture, $"  standalone DuckDB p50 {P50(duck.Skip(1).Order().ToList()),5:N0} ms  ratio {P50(warm) / P50(duck.Skip(1).Order().ToList()),4:N2}")
        : "";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-62} [{path,-8}] cold {cold,7:N0} ms  p50 {P50(warm),6:N0} ms  p95 {warm[(int)(warm.Count * 0.95)],6:N0} ms  cached p50 {P50(repeat),5:N2} ms{duckText}  (load {LoadAverage()})"));
}

// The same matrix asked of DuckDB directly, as an analyst would: the first paid order's period is the cohort; customers
// (or net revenue, refunds by refund date) per cohort and offset; periods as local period starts joined with ASOF JOIN,
// over the whole history. An account filter travels as a table of ids, as the app's does.
Func<Task> Standalone(string? zoneId, Granularity granularity, string? source, HashSet<long>? accounts, bool money) => async () =>
{
    var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId ?? "America/New_York");
    var calendar = new CohortDashboard.Analytics.Cohorts.PeriodCalendar(granularity, zone);
    var today = CohortDashboard.Analytics.Periods.LocalCalendar.LocalDate(clock.GetUtcNow().UtcDateTime, zone);
    var last = calendar.IndexOf(today);
    var firstEver = calendar.IndexOf(CohortDashboard.Analytics.Periods.LocalCalendar.LocalDate(earliestOrder, zone));
    var bounds = string.Join(", ", Enumerable.Range(firstEver, last - firstEver + 1).Select(p => $"({p}, {calendar.StartUtc(p).Ticks})"));
    var end = CohortDashboard.Analytics.Periods.LocalCalendar.LocalMidnightToUtc(today.AddDays(1), zone).Ticks;
    // A copy of the store file, opened with DuckDB's defaults (memory limit 80 % of RAM), so the standalone query is
    // DuckDB as an analyst would run it rather than inside the app's memory limit.
    var copy = store!.PathOf(orgId)! + ".standalone";
    if (!File.Exists(copy)) File.Copy(store.PathOf(orgId)!, copy);
    await using var connection = new DuckDBConnection($"Data Source={copy}");
    await connection.OpenAsync();
    if (accounts is not null)
    {
        await using var create = connection.CreateCommand();
        create.CommandText = "CREATE TEMP TABLE wanted (id BIGINT); INSERT INTO wanted VALUES " + string.Join(", ", accounts.Select(a => $"({a})"));
        await create.ExecuteNonQueryAsync();
    }
    await using var command = connection.CreateCommand();
    var where = (source is null ? "" : " AND o.source_name = $source") + (accounts is null ? "" : " AND o.account_id IN (SELECT id FROM wanted)");
    command.CommandText = $"""
        WITH b(period, start_at) AS (VALUES {bounds}),
        q AS (SELECT account_id, placed_at, gross, discounts, refunded, refunded_at FROM orders o WHERE o.status = 0{where}),
        ev AS (SELECT account_id, placed_at AS at, 1 AS n, gross - discounts - CASE WHEN refunded_at IS NULL THEN refunded ELSE 0 END AS net
               FROM q WHERE placed_at < {end}
               {(money ? $"UNION ALL SELECT account_id, refunded_at, 0, -refunded FROM q WHERE refunded <> 0 AND refunded_at IS NOT NULL AND refunded_at < {end}" : "")}),
        p AS (SELECT ev.account_id, b.period, ev.n, ev.net FROM ev ASOF JOIN b ON ev.at >= b.start_at),
        c AS (SELECT account_id, min(period) AS cohort FROM p WHERE n = 1 GROUP BY account_id)
        SELECT c.cohort, p.period - c.cohort AS k, {(money ? "sum(p.net)" : "count(DISTINCT p.account_id)")}
        FROM p JOIN c USING (account_id)
        WHERE c.cohort >= {last - 11} AND p.period - c.cohort BETWEEN 0 AND 11 {(money ? "" : "AND p.n = 1")}
        GROUP BY 1, 2
        """;
    if (source is not null) command.Parameters.Add(new DuckDBParameter("source", source));
    await using var reader = await command.ExecuteReaderAsync();
    var cells = 0;
    while (await reader.ReadAsync()) cells++;
    if (cells == 0) throw new InvalidOperationException("the standalone query found no cells");
};
