using CohortDashboard.Benchmarks;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CohortDashboard.Data;
using CohortDashboard.Data.Import;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Web.Features.Import;
using CohortDashboard.Web.Features.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Timed import of a generated orders CSV into a fresh SQLite file, through ImportService (validate pass, then one
// upsert transaction), as the Admin page and POST /api/import/orders run it. One size per process, so the process's
// peak working set belongs to that size alone.
// Usage: dotnet run -c Release --project bench/CohortDashboard.Benchmarks.Import -- <order-rows> [--reimport] [--dir <folder>]
if (args.Length < 1 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out var orderRows))
{
    Console.Error.WriteLine("usage: CohortDashboard.Benchmarks.Import <order-rows> [--reimport] [--dir <folder>]");
    return 2;
}
var dirIndex = Array.IndexOf(args, "--dir");
var folder = dirIndex >= 0 && dirIndex + 1 < args.Length ? args[dirIndex + 1] : Path.Combine(Path.GetTempPath(), "cohort-import-bench");
Directory.CreateDirectory(folder);
var database = Path.Combine(folder, $"import-{orderRows}.db");
foreach (var stale in new[] { database, database + "-wal", database + "-shm" }) File.Delete(stale);
const long orgId = 1;
const int accountCount = 20_000;

var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Database:Provider"] = "Sqlite",
    ["ConnectionStrings:Default"] = $"Data Source={database}",
}).Build();
var services = new ServiceCollection();
services.AddLogging();
services.AddCohortDatabase(configuration);
services.AddSingleton(TimeProvider.System);
services.AddSingleton<OrgJobs>();
services.AddBenchJobLeases("import-bench");
services.AddScoped<ImportService>();
await using var provider = services.BuildServiceProvider();
await DatabaseInitializer.MigrateAsync(provider);
await using (var db = DatabaseInitializer.CreateSystemContext(provider))
{
    db.Organizations.Add(new Organization { Id = orgId, Name = "Bench", Currency = "USD", TimeZone = "America/New_York", CreatedAt = DateTime.UtcNow });
    await db.SaveChangesAsync();
}

Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite file {database}");

// The files are generated row by row straight to disk: the generator holds nothing either.
var accountsFile = Path.Combine(folder, "accounts.csv");
var ordersFile = Path.Combine(folder, $"orders-{orderRows}.csv");
var generate = Stopwatch.StartNew();
await using (var writer = new StreamWriter(accountsFile, false, new UTF8Encoding(false)))
{
    await writer.WriteAsync("external_id,name,segment,territory,owner_id,created_at,status,arr,health_score\n");
    string[] segments = ["Enterprise", "Mid-Market", "SMB"];
    for (var a = 0; a < accountCount; a++)
        await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"ACC-{a:D6},Account {a},{segments[a % 3]},T{a % 7},rep-{a % 40},{new DateOnly(2023, 1, 1).AddDays(a % 900):yyyy-MM-dd},active,{a % 500 * 100},{a % 101}\n"));
}
await using (var writer = new StreamWriter(ordersFile, false, new UTF8Encoding(false), 1 << 16))
{
    await writer.WriteAsync("external_id,account_external_id,placed_at,status,gross_revenue,discounts,refunded_amount,refunded_at,cogs,shipping_cost,fees,source_name,tags\n");
    var random = new Random(7);
    var start = new DateTime(2023, 1, 1, 0, 0, 0);
    var line = new StringBuilder(256);
    for (var i = 0; i < orderRows; i++)
    {
        var placed = start.AddMinutes(random.Next(0, 3 * 365 * 24 * 60));
        // Local times without offset, as most exports are: skip the hour the clocks jump over in March.
        if (placed.Hour == 2) placed = placed.AddHours(1);
        var gross = random.Next(1_000, 500_000) / 100m;
        var refunded = random.Next(20) == 0 ? decimal.Round(gross / 2, 2) : 0m;
        var status = random.Next(30) switch { 0 => "voided", 1 => "pending", _ => "paid" };
        line.Clear().Append(CultureInfo.InvariantCulture,
            $"ORD-{i:D9},ACC-{random.Next(accountCount):D6},{placed:yyyy-MM-dd'T'HH:mm:ss},{status},{gross},{(random.Next(4) == 0 ? "5.00" : "0")},{refunded},");
        if (refunded > 0) line.Append(CultureInfo.InvariantCulture, $"{placed.AddDays(9):yyyy-MM-dd'T'HH:mm:ss}");
        line.Append(CultureInfo.InvariantCulture, $",{decimal.Round(gross * 0.3m, 2)},4.95,{decimal.Round(gross * 0.029m, 2)},{(i % 2 == 0 ? "web" : "pos")},{(i % 5 == 0 ? "vip|annual" : "")}\n");
        await writer.WriteAsync(line);
    }
}
Console.WriteLine($"generated {orderRows:N0} orders ({new FileInfo(ordersFile).Length / 1024.0 / 1024:N1} MiB) in {generate.Elapsed.TotalSeconds:N1} s");

if (args.Contains("--parse-only"))
{
    // CPU time (not wall time) of the two read stages, so a busy machine does not blur them.
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    long records = 0;
    using (var csv = CsvReader.FromStream(File.OpenRead(ordersFile)))
        foreach (var _ in csv.ReadRecords()) records++;
    var csvCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var report = new ImportReport();
    using (var text = new StreamReader(ordersFile))
        foreach (var _ in ImportReader.ReadOrders(text, new ImportOptions(TimeZoneInfo.FindSystemTimeZoneById("America/New_York")), report)) { }
    Console.WriteLine($"parse only: CSV records {records:N0} in {csvCpu.TotalSeconds:N2} s CPU; validated rows {report.ValidRows:N0} in {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:N2} s CPU");
    return 0;
}
await ImportAsync("accounts", ImportEntity.Accounts, accountsFile);
GC.Collect();
var baseline = Process.GetCurrentProcess().WorkingSet64;
var result = await ImportAsync("orders", ImportEntity.Orders, ordersFile);
if (args.Contains("--reimport")) await ImportAsync("orders again (idempotent)", ImportEntity.Orders, ordersFile);

var process = Process.GetCurrentProcess();
process.Refresh();
Console.WriteLine($"working set before the orders import {baseline / 1024 / 1024:N0} MiB; peak working set of the process {process.PeakWorkingSet64 / 1024 / 1024:N0} MiB; " +
                  $"GC heap now {GC.GetTotalMemory(false) / 1024 / 1024:N0} MiB");
await using (var db = DatabaseInitializer.CreateOrgContext(provider, orgId))
{
    var stored = await db.Orders.LongCountAsync();
    if (stored != orderRows || result.Counts.Inserted != orderRows)
    {
        Console.Error.WriteLine($"expected {orderRows:N0} orders, found {stored:N0}");
        return 1;
    }
}
return 0;

async Task<ImportOutcome> ImportAsync(string label, ImportEntity entity, string path)
{
    await using var scope = provider.CreateAsyncScope();
    scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
    var service = scope.ServiceProvider.GetRequiredService<ImportService>();
    var clock = Stopwatch.StartNew();
    var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
    TimeSpan? validated = null, validatedCpu = null;
    var progress = new InlineProgress(p =>
    {
        if (p.Phase != ImportPhase.Writing || validated is not null) return;
        validated = clock.Elapsed;
        validatedCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuStart;
    });
    var outcome = await service.ImportAsync(entity, new ImportFile(path, ImportFormat.Csv), false, "bench", progress, CancellationToken.None);
    var total = clock.Elapsed;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuStart;
    if (!outcome.Written) throw new InvalidOperationException($"{label}: rejected: {string.Join("; ", outcome.Report.Errors.Take(5))}");
    Console.WriteLine($"{label}: {outcome.Report.RowsRead:N0} rows in {total.TotalSeconds:N1} s " +
                      $"(validate {validated?.TotalSeconds ?? 0:N1} s, write {(total - (validated ?? TimeSpan.Zero)).TotalSeconds:N1} s; " +
                      $"{outcome.Report.RowsRead / total.TotalSeconds:N0} rows/s; CPU {cpu.TotalSeconds:N1} s, of which validation {validatedCpu?.TotalSeconds ?? 0:N1} s) — inserted {outcome.Counts.Inserted:N0}, updated {outcome.Counts.Updated:N0}, unchanged {outcome.Counts.Unchanged:N0}");
    return outcome;
}

internal sealed class InlineProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
{
    public void Report(ImportProgress value) => report(value);
}
