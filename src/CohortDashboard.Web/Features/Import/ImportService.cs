using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Data.Import;
using CohortDashboard.Web.Features.Audit;
using CohortDashboard.Web.Features.Platform;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Import;

/// <summary>An upload larger than <see cref="ImportService.MaxBytes"/>.</summary>
public sealed class ImportTooLargeException()
    : InvalidOperationException($"The file is larger than {ImportService.MaxBytes / (1024 * 1024)} MB.");

/// <summary>
/// An uploaded file spooled to a temp file (so it can be read twice without being held in memory); deleted on dispose.
/// </summary>
public sealed class SpooledImportFile : IDisposable
{
    private SpooledImportFile(ImportFile file, long length)
    {
        File = file;
        Length = length;
    }

    public ImportFile File { get; }

    public long Length { get; }

    /// <summary>
    /// Copies <paramref name="body"/> to a new temp file, refusing (and deleting it) once more than
    /// <paramref name="maxBytes"/> bytes arrive.
    /// </summary>
    public static async Task<SpooledImportFile> CreateAsync(Stream body, ImportFormat format, long maxBytes, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cohort-import-{Guid.NewGuid():N}.{(format == ImportFormat.Json ? "json" : "csv")}");
        long length = 0;
        try
        {
            await using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    length += read;
                    if (length > maxBytes) throw new ImportTooLargeException();
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            return new SpooledImportFile(new ImportFile(path, format), length);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    public void Dispose() => TryDelete(File.Path);

    private static void TryDelete(string path)
    {
        try { System.IO.File.Delete(path); }
        catch (IOException) { /* a temp file; the OS cleans up eventually */ }
    }
}

/// <summary>
/// Imports and exports the current org's accounts, products, account_products and orders (issue 7). Used by the Admin
/// page and the <c>/api/import</c>, <c>/api/export</c> routes alike. Imports into one org run one after another (a
/// second waits for the first); each validates the whole file before writing and writes in one transaction with its
/// audit row.
/// </summary>
public sealed class ImportService(IDbContextFactory<CohortDbContext> dbFactory, OrgJobs jobs, TimeProvider clock,
    Data.Columnar.ColumnarStore? columnar = null)
{
    /// <summary>The <see cref="OrgJobs"/> name imports queue on.</summary>
    public const string Job = "import";

    /// <summary>The audit action of an import of <paramref name="entity"/> ("import.orders"); its after-JSON holds the counts.</summary>
    public static string AuditAction(ImportEntity entity) => "import." + entity.ToWireName();

    /// <summary>Whether an import's audit after-JSON says it inserted or updated any row.</summary>
    public static bool ChangedRows(string? auditAfter)
    {
        if (auditAfter is null) return false;
        using var after = JsonDocument.Parse(auditAfter);
        return after.RootElement.TryGetProperty("inserted", out var inserted) && inserted.GetInt64() > 0
               || after.RootElement.TryGetProperty("updated", out var updated) && updated.GetInt64() > 0;
    }

    /// <summary>The largest file an import accepts.</summary>
    public const long MaxBytes = 100L * 1024 * 1024;

    /// <summary>
    /// Validates <paramref name="file"/> and, when it has no error (or <paramref name="skipInvalid"/>), upserts its
    /// valid rows in one transaction with an audit row by <paramref name="actor"/>. Waits while another import into the
    /// same org runs. Cancelling rolls everything back.
    /// </summary>
    public async Task<ImportOutcome> ImportAsync(ImportEntity entity, ImportFile file, bool skipInvalid, string actor,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orgId = db.Scope.OrgId ?? throw new InvalidOperationException("No organization in scope.");
        using var turn = await jobs.WaitAsync(orgId, Job, ct);
        var result = await ImportRunner.RunAsync(db, entity, file, skipInvalid, (context, outcome, _) =>
        {
            context.AuditEvents.Add(AuditRecord.Create(actor, clock.GetUtcNow().UtcDateTime, AuditAction(entity), "import",
                entity.ToWireName(), null, new
                {
                    rows_read = outcome.Report.RowsRead,
                    inserted = outcome.Counts.Inserted,
                    updated = outcome.Counts.Updated,
                    unchanged = outcome.Counts.Unchanged,
                    skipped = outcome.Report.InvalidRows,
                    skip_invalid = skipInvalid,
                }));
            return Task.CompletedTask;
        }, progress, ct: ct);
        // The import bumped the orders version: the columnar store catches up now rather than at the next query.
        if (entity == ImportEntity.Orders && result.Counts.Inserted + result.Counts.Updated > 0) _ = columnar?.RefreshInBackground(orgId);
        return result;
    }

    /// <summary>True while an import into the current org is running (the page shows it; a new one would queue).</summary>
    public async Task<bool> IsRunningAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return db.Scope.OrgId is { } orgId && jobs.IsRunning(orgId, Job);
    }

    /// <summary>The detected mapping and the first rows of <paramref name="file"/>, without validating further.</summary>
    public static MappingPreview Preview(ImportFile file, ImportEntity entity)
    {
        var (source, handle) = file.Open();
        using (handle)
        {
            try
            {
                return MappingPreview.Read(source, entity);
            }
            catch (CsvFormatException format)
            {
                // A JSON source reads its field names before the first row, so its format errors surface here.
                return new MappingPreview(null, [], [new ImportProblem(format.Line, "", format.Message)], []);
            }
        }
    }

    /// <summary>Writes the current org's rows of <paramref name="entity"/> as import-compatible CSV.</summary>
    public async Task<long> ExportAsync(ImportEntity entity, TextWriter output, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        _ = db.Scope.OrgId ?? throw new InvalidOperationException("No organization in scope.");
        return await ImportExport.WriteCsvAsync(db, entity, output, ct);
    }

    /// <summary>The export's file name, e.g. <c>orders-2026-11-22.csv</c>.</summary>
    public string ExportFileName(ImportEntity entity) =>
        $"{entity.ToWireName()}-{clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}.csv";
}
