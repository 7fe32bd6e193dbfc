using System.Text;
using CohortDashboard.Data.Import;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Tests.Import;

/// <summary>
/// A migrated SQLite file (or a PostgreSQL database) with two empty orgs: <see cref="OrgA"/> in America/New_York and
/// <see cref="OrgB"/> in Europe/Berlin; plus helpers to run imports from text and snapshot tables.
/// </summary>
public sealed class ImportDatabase : IAsyncDisposable
{
    public const long OrgA = 1;
    public const long OrgB = 2;

    private readonly TestDatabase? _sqlite;
    private readonly PostgresTempDatabase? _postgres;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cohort-import-" + Guid.NewGuid().ToString("N"));

    private ImportDatabase(TestDatabase? sqlite, PostgresTempDatabase? postgres)
    {
        _sqlite = sqlite;
        _postgres = postgres;
        Directory.CreateDirectory(_directory);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ImportDatabase> SqliteAsync()
    {
        var database = new ImportDatabase(new TestDatabase("import"), null);
        await database.PrepareAsync();
        return database;
    }

    public static async Task<ImportDatabase> PostgresAsync()
    {
        var database = new ImportDatabase(null, await PostgresTempDatabase.CreateAsync());
        await database.PrepareAsync();
        return database;
    }

    public CohortDbContext System() => _sqlite?.System() ?? _postgres!.System();
    public CohortDbContext For(long orgId) => _sqlite?.For(orgId) ?? _postgres!.For(orgId);

    private async Task PrepareAsync()
    {
        await using var db = System();
        await DatabaseInitializer.MigrateAsync(db, Ct);
        db.Organizations.Add(new Organization { Id = OrgA, Name = "Org A", Currency = "USD", TimeZone = "America/New_York", CreatedAt = DateTime.UtcNow });
        db.Organizations.Add(new Organization { Id = OrgB, Name = "Org B", Currency = "EUR", TimeZone = "Europe/Berlin", CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync(Ct);
        if (_postgres is not null)
            await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('organizations', 'id'), 2)", Ct);
    }

    /// <summary>Writes <paramref name="text"/> to a file (UTF-8, optionally with BOM) and returns it as an import file.</summary>
    public ImportFile File(string text, ImportFormat format = ImportFormat.Csv, bool bom = false)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + (format == ImportFormat.Csv ? ".csv" : ".json"));
        global::System.IO.File.WriteAllText(path, text, new UTF8Encoding(bom));
        return new ImportFile(path, format);
    }

    public async Task<ImportOutcome> ImportAsync(long orgId, ImportEntity entity, string text, bool skipInvalid = false,
        ImportFormat format = ImportFormat.Csv, IProgress<ImportProgress>? progress = null, CancellationToken? ct = null)
    {
        await using var db = For(orgId);
        return await ImportRunner.RunAsync(db, entity, File(text, format), skipInvalid, progress: progress, ct: ct ?? Ct);
    }

    /// <summary>Every row of the org's accounts, products, account_products and orders, as comparable text.</summary>
    public async Task<List<string>> SnapshotAsync(long orgId)
    {
        await using var db = For(orgId);
        var rows = new List<string>();
        rows.AddRange((await db.Accounts.AsNoTracking().OrderBy(a => a.Id).ToListAsync(Ct)).Select(RowCanon.Row));
        rows.AddRange((await db.Products.AsNoTracking().OrderBy(a => a.Id).ToListAsync(Ct)).Select(RowCanon.Row));
        rows.AddRange((await db.AccountProducts.AsNoTracking().OrderBy(a => a.Id).ToListAsync(Ct)).Select(RowCanon.Row));
        rows.AddRange((await db.Orders.AsNoTracking().OrderBy(a => a.Id).ToListAsync(Ct)).Select(RowCanon.Row));
        return rows;
    }

    public async Task<(int Accounts, int Products, int AccountProducts, int Orders)> CountsAsync(long orgId)
    {
        await using var db = For(orgId);
        return (await db.Accounts.CountAsync(Ct), await db.Products.CountAsync(Ct), await db.AccountProducts.CountAsync(Ct),
            await db.Orders.CountAsync(Ct));
    }

    public async ValueTask DisposeAsync()
    {
        _sqlite?.Dispose();
        if (_postgres is not null) await _postgres.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
