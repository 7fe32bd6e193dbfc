// Two measurements for running several instances (docs/benchmarks.md, issue 18), against a PostgreSQL server on
// loopback named by COHORTDASHBOARD_BENCH_POSTGRES (a database is created and dropped):
//  1. a signal board event published on instance A reaching a subscriber on instance B through LISTEN/NOTIFY, against
//     the same event reaching a subscriber on A itself (the in-process path every move already takes); 100 moves.
//  2. the database quota's cost per CashRunway request: ApiKeyQuota.TakeAsync on PostgreSQL and SQLite; 1,000 takes.
// Run: dotnet run -c Release --project bench/CohortDashboard.Benchmarks.Instances
using System.Diagnostics;
using CohortDashboard.Data;
using CohortDashboard.Web.Features.ApiKeys;
using CohortDashboard.Web.Features.Expansion;
using CohortDashboard.Web.Features.Instances;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

var server = Environment.GetEnvironmentVariable("COHORTDASHBOARD_BENCH_POSTGRES")
             ?? throw new InvalidOperationException("Set COHORTDASHBOARD_BENCH_POSTGRES to a loopback PostgreSQL server.");
var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ToString();
var name = "bench_instances_" + Guid.NewGuid().ToString("N")[..8];
await Execute(admin, $"CREATE DATABASE {name}");
var sqliteDirectory = Directory.CreateTempSubdirectory("bench-instances-");
try
{
    var postgres = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
    await SignalLatencyAsync(postgres);
    await QuotaCostAsync("PostgreSQL", postgres);
    await QuotaCostAsync("Sqlite", $"Data Source={Path.Combine(sqliteDirectory.FullName, "q.db")}");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    sqliteDirectory.Delete(recursive: true);
    await Execute(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
}

static async Task SignalLatencyAsync(string connectionString)
{
    var (a, backplaneA) = await InstanceAsync("A", connectionString);
    var (b, backplaneB) = await InstanceAsync("B", connectionString);
    await Task.Delay(500); // both listeners are connected
    TaskCompletionSource<long> local = new(), remote = new();
    using var onA = a.Subscribe(1, _ => { local.TrySetResult(Stopwatch.GetTimestamp()); return Task.CompletedTask; });
    using var onB = b.Subscribe(1, _ => { remote.TrySetResult(Stopwatch.GetTimestamp()); return Task.CompletedTask; });
    var localMs = new List<double>();
    var remoteMs = new List<double>();
    for (var i = 0; i < 110; i++)
    {
        local = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        remote = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        a.Publish(new SignalBoardEvent(1, i, "pending", "pitched", i, "bench"));
        var arrivedHere = await local.Task;
        var arrivedThere = await remote.Task.WaitAsync(TimeSpan.FromSeconds(10));
        if (i < 10) continue; // warm-up
        localMs.Add(Stopwatch.GetElapsedTime(start, arrivedHere).TotalMilliseconds);
        remoteMs.Add(Stopwatch.GetElapsedTime(start, arrivedThere).TotalMilliseconds);
        await Task.Delay(20);
    }
    Console.WriteLine($"signal move, 100 events: same instance p50 {P(localMs, 50):0.000} ms p95 {P(localMs, 95):0.000} ms; " +
                      $"other instance (NOTIFY) p50 {P(remoteMs, 50):0.000} ms p95 {P(remoteMs, 95):0.000} ms");
    await backplaneA.StopAsync(CancellationToken.None);
    await backplaneB.StopAsync(CancellationToken.None);
}

static async Task<(SignalBoardNotifier, SignalBoardBackplane)> InstanceAsync(string instance, string connectionString)
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Database:Provider"] = "PostgreSQL", ["ConnectionStrings:Default"] = connectionString,
    }).Build();
    var notifier = new SignalBoardNotifier(NullLogger<SignalBoardNotifier>.Instance);
    var backplane = new SignalBoardBackplane(new DatabaseInfo(DatabaseProvider.PostgreSQL), configuration, notifier,
        new InstanceIdentity(instance), NullLogger<SignalBoardBackplane>.Instance);
    await backplane.StartAsync(CancellationToken.None);
    return (notifier, backplane);
}

static async Task QuotaCostAsync(string provider, string connectionString)
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Database:Provider"] = provider, ["ConnectionStrings:Default"] = connectionString,
    }).Build();
    await using var services = new ServiceCollection().AddLogging().AddCohortDatabase(configuration).BuildServiceProvider();
    await DatabaseInitializer.MigrateAsync(services);
    using var quota = new ApiKeyQuota(services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);
    var limit = new QuotaLimit(1_000_000, TimeSpan.FromHours(5));
    var times = new List<double>();
    for (var i = 0; i < 1100; i++)
    {
        var start = Stopwatch.GetTimestamp();
        var state = await quota.TakeAsync("bench-key", limit, CancellationToken.None);
        if (!state.Allowed) throw new InvalidOperationException("The bench key ran out.");
        if (i >= 100) times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
    Console.WriteLine($"quota take on {provider}, 1,000 takes: p50 {P(times, 50):0.000} ms p95 {P(times, 95):0.000} ms");
}

static double P(List<double> values, int percentile)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1];
}

static async Task Execute(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}
