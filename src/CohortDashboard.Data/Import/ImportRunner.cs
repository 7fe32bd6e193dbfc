using CohortDashboard.Analytics.Periods;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Import;

/// <summary>The body format of an import file.</summary>
public enum ImportFormat { Csv, Json }

/// <summary>
/// An import file on disk (uploads and request bodies are spooled to a temp file first, so the file can be read twice
/// — validate, then write — without holding it in memory).
/// </summary>
public sealed class ImportFile(string path, ImportFormat format)
{
    private readonly JsonHeader _jsonHeader = new();
    private Stream? _current;

    public string Path { get; } = path;
    public ImportFormat Format { get; } = format;

    /// <summary>The file's size in bytes.</summary>
    public long Length => new FileInfo(Path).Length;

    /// <summary>How far the latest read has got through the file, 0..1.</summary>
    public double Fraction
    {
        get
        {
            try
            {
                return _current is { CanSeek: true, Length: > 0 } s ? (double)s.Position / s.Length : 0;
            }
            catch (ObjectDisposedException)
            {
                return 1;
            }
        }
    }

    /// <summary>Opens a fresh reader over the file; dispose the returned handle when done.</summary>
    public (IRecordSource Source, IDisposable Handle) Open()
    {
        if (Format == ImportFormat.Csv)
        {
            var stream = OpenStream();
            var csv = CsvReader.FromStream(stream);
            return (csv, csv);
        }
        var handles = new List<IDisposable>();
        var json = new JsonRecordSource(() =>
        {
            var stream = OpenStream();
            handles.Add(stream);
            return stream;
        }, _jsonHeader);
        return (json, new Disposables(handles));
    }

    private Stream OpenStream()
    {
        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        _current = stream;
        return stream;
    }

    private sealed class Disposables(List<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }
}

/// <summary>The phase an import is in, for progress bars.</summary>
public enum ImportPhase { Validating, Writing, Done }

/// <summary>Progress of an import: the phase, how far through the file (0..1), and rows handled in the phase.</summary>
public sealed record ImportProgress(ImportPhase Phase, double Fraction, long Rows);

/// <summary>The result of <see cref="ImportRunner.RunAsync"/>.</summary>
/// <param name="Report">Problems of the validation pass (row, column, problem) and the row counts.</param>
/// <param name="Counts">What the write did; <see cref="ImportCounts.None"/> when nothing was written.</param>
/// <param name="Written">False when the file was rejected (any error without skip-invalid, or an unreadable file).</param>
public sealed record ImportOutcome(ImportEntity Entity, ImportReport Report, ImportCounts Counts, bool Written)
{
    /// <summary>Rows not written because they had errors (only a skip-invalid import writes past them).</summary>
    public long Skipped => Written ? Report.InvalidRows : 0;
}

/// <summary>
/// Runs one import into the org a context is scoped to: a validation pass over the whole file (types, required
/// fields, enums, references to the org's existing rows, duplicates inside the file) with no write; then, only when
/// the file has no error or the caller chose to skip invalid rows, a second pass that upserts the valid rows in one
/// transaction. A cancelled or failed write rolls back entirely. After orders change, the org's cohort-fact build
/// marker is removed in the same transaction, so cohort queries use the exact order path until facts are rebuilt,
/// and the org's results are marked stale.
/// </summary>
public static class ImportRunner
{
    /// <summary>Runs the import; see the type's summary.</summary>
    /// <param name="beforeCommit">Adds rows that must commit with the import (the audit row); runs inside its transaction.</param>
    public static Task<ImportOutcome> RunAsync(CohortDbContext db, ImportEntity entity, ImportFile file, bool skipInvalid,
        Func<CohortDbContext, ImportOutcome, CancellationToken, Task>? beforeCommit = null, IProgress<ImportProgress>? progress = null,
        int maxListed = ImportReport.DefaultMaxListed, CancellationToken ct = default) =>
        RunAsync(db, entity, file, skipInvalid, KeyFilter.Log2BitsFor(file.Length), beforeCommit, progress, maxListed, ct);

    /// <summary>As the public overload, with the duplicate filter's size given (tests force collisions with tiny ones).</summary>
    internal static async Task<ImportOutcome> RunAsync(CohortDbContext db, ImportEntity entity, ImportFile file, bool skipInvalid,
        int keyFilterLog2Bits, Func<CohortDbContext, ImportOutcome, CancellationToken, Task>? beforeCommit = null,
        IProgress<ImportProgress>? progress = null, int maxListed = ImportReport.DefaultMaxListed, CancellationToken ct = default)
    {
        _ = db.Scope.OrgId ?? throw new InvalidOperationException("Imports write to one org: use an org-scoped context.");
        var org = await db.Organizations.AsNoTracking().SingleAsync(ct);
        var zone = LocalCalendar.FindTimeZone(org.TimeZone);
        var accountIds = entity is ImportEntity.Orders or ImportEntity.AccountProducts ? await ImportWriter.AccountIdsAsync(db, ct) : null;
        var productIds = entity is ImportEntity.AccountProducts ? await ImportWriter.ProductIdsAsync(db, ct) : null;
        var references = new ExistingRows(accountIds, productIds);
        var options = new ImportOptions(zone, references);

        // Pass 1: validate everything, write nothing.
        var (report, suspects) = Validate(file, entity, options, maxListed, keyFilterLog2Bits, progress, ct);
        progress?.Report(new ImportProgress(ImportPhase.Validating, 1, report.ValidRows));
        if (report.FileUnreadable || report.Mapping is null || (report.HasErrors && !skipInvalid) || report.ValidRows == 0)
            return new ImportOutcome(entity, report, ImportCounts.None, false);

        // Pass 2: read again (same rules, so the same rows are valid) and upsert in one transaction.
        var counts = ImportCounts.None;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var writer = new ImportWriter(db)
            {
                AccountIds = accountIds,
                ProductIds = productIds,
                Progress = rows => progress?.Report(new ImportProgress(ImportPhase.Writing, file.Fraction, rows)),
            };
            var (again, againHandle) = file.Open();
            using (againHandle)
            {
                // Parsing (one core) overlaps the database writes (the other), through a small bounded queue.
                // Exact for the suspect keys, as the validation was: the same rows are rejected as duplicates.
                using var rows = new ReadAhead(ImportReader.ReadRows(again, entity, options, new ImportReport(0),
                    DuplicateKeys.Among(suspects)), ct);
                counts = await writer.WriteAsync(entity, report.Mapping, rows.Items(), ct);
            }

            if (counts.Inserted + counts.Updated > 0)
            {
                var now = DateTime.UtcNow;
                await db.Organizations.Where(o => o.ResultsStaleSince == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.ResultsStaleSince, now), ct);
                await OrgDataVersion.MarkChangedAsync(db, ct, ordersChanged: entity == ImportEntity.Orders);
            }
            if (beforeCommit is not null)
            {
                await beforeCommit(db, new ImportOutcome(entity, report, counts, true), ct);
                await db.SaveChangesAsync(ct);
            }
            ct.ThrowIfCancellationRequested();
            await transaction.CommitAsync(ct);
        });
        db.ChangeTracker.Clear();
        progress?.Report(new ImportProgress(ImportPhase.Done, 1, counts.Written));
        return new ImportOutcome(entity, report, counts, true);
    }

    /// <summary>
    /// The validation pass, in memory that does not grow with the file's row count: one read that checks in-file
    /// duplicates with a fixed-size Bloom filter (<see cref="DuplicateKeys.Screening"/>). Without a suspect key no key
    /// repeats and that read's report is final. Otherwise (a real duplicate, or rarely a filter false positive) the file
    /// is validated again, exactly for the suspect keys only (<see cref="DuplicateKeys.Among"/>), which gives the report
    /// an all-in-memory check would: the same problems, rows and order. The filter is garbage once this returns.
    /// </summary>
    /// <returns>The report, and the suspect keys the write pass checks exactly again.</returns>
    internal static (ImportReport Report, IReadOnlySet<string> Suspects) Validate(ImportFile file, ImportEntity entity,
        ImportOptions options, int maxListed, int keyFilterLog2Bits, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var screening = DuplicateKeys.Screening(new KeyFilter(keyFilterLog2Bits));
        var report = Read(screening);
        var suspects = screening.Suspects;
        // Even when the read stopped at a format error: the duplicates before it belong in the report.
        if (suspects.Count > 0) report = Read(DuplicateKeys.Among(suspects));
        return (report, suspects);

        ImportReport Read(DuplicateKeys duplicates)
        {
            var result = new ImportReport(maxListed);
            var (source, handle) = file.Open();
            using (handle)
            {
                long read = 0;
                foreach (var _ in ImportReader.ReadRows(source, entity, options, result, duplicates))
                {
                    if (++read % 4096 == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                        progress?.Report(new ImportProgress(ImportPhase.Validating, file.Fraction, read));
                    }
                }
            }
            return result;
        }
    }

    /// <summary>Enumerates a sequence on a background thread, at most <c>capacity</c> items ahead of the consumer.</summary>
    private sealed class ReadAhead : IDisposable
    {
        private readonly System.Collections.Concurrent.BlockingCollection<object> _queue = new(boundedCapacity: 4096);
        private readonly CancellationTokenSource _stop;
        private readonly Task _producer;

        public ReadAhead(IEnumerable<object> source, CancellationToken ct)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var token = _stop.Token;
            _producer = Task.Run(() =>
            {
                try
                {
                    foreach (var item in source) _queue.Add(item, token);
                }
                finally
                {
                    _queue.CompleteAdding();
                }
            }, token);
        }

        public IEnumerable<object> Items()
        {
            foreach (var item in _queue.GetConsumingEnumerable(_stop.Token)) yield return item;
            // Surfaces a reader failure (an I/O error) instead of silently writing a truncated file.
            _producer.GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            _stop.Cancel();
            try { _producer.Wait(); }
            catch (AggregateException) { /* cancelled or failed: the write already stopped */ }
            _stop.Dispose();
            _queue.Dispose();
        }
    }

    /// <summary>Reference checks over the org's external-id maps (the write resolves ids from the same maps).</summary>
    private sealed class ExistingRows(Dictionary<string, long>? accounts, Dictionary<string, long>? products) : IReferenceLookup
    {
        public bool AccountExists(string externalId) => accounts?.ContainsKey(externalId) ?? true;

        public bool ProductExists(string externalId) => products?.ContainsKey(externalId) ?? true;
    }
}
