using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CohortDashboard.Data.Model;
using DuckDB.NET.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CohortDashboard.Data.Columnar;

/// <summary>What one build of an org's columnar store read and wrote.</summary>
public sealed record ColumnarBuildResult(long OrgId, long OrdersVersion, long Orders, long Bytes, TimeSpan Elapsed);

/// <summary>
/// This app instance's columnar copy (DuckDB) of each org's orders, derived from the primary database and rebuildable
/// at any time; every cohort query reads it (<see cref="Cohorts.CohortFactSource"/>). One file per org and
/// <see cref="Organization.OrdersVersion"/>: a build writes <c>….building</c> and renames it into place only when
/// complete, so a reader never sees half a refresh and a crash mid-build leaves the previous file as it was. A store
/// whose version is not the primary's is never read, and neither is a file left by an earlier run until a build has
/// checked it against the primary (a database recreated at the same path starts again at version 0), so answers are
/// never stale.
/// </summary>
public sealed class ColumnarStore : IDisposable
{
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, Current> _current = new();
    private readonly ConcurrentDictionary<long, Task> _builds = new();
    private readonly SemaphoreSlim _buildTurn = new(1, 1);

    /// <summary>
    /// The file an org's store is read from, a connection that keeps its database open while current, and whether this
    /// process has checked it against the primary (built it, or compared a file of an earlier run).
    /// </summary>
    private sealed record Current(long Version, string Path, DuckDBConnection Keeper, bool Checked);

    private readonly Func<long, (CohortDbContext Db, IDisposable? Owner)> _openOrgContext;
    private readonly int _memoryLimitMegabytes;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<long, DateTimeOffset> _failedAt = new();

    /// <summary>
    /// How long after a failed background build queries read the primary without starting another: a build that keeps
    /// failing (a full disk, a broken file system) must not cost a full copy of the orders on every question.
    /// </summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    /// <param name="directory">Where the files live (created if missing).</param>
    /// <param name="openOrgContext">An org-scoped context of the primary, for background builds (disposed after).</param>
    /// <param name="logger">Build and fallback messages.</param>
    /// <param name="memoryLimitMegabytes">DuckDB's memory limit for each org's database (it spills beyond it; a query that still outgrows it is answered from the primary).</param>
    /// <param name="clock">The app's clock (for <see cref="RetryAfterFailure"/>).</param>
    public ColumnarStore(string directory, Func<long, CohortDbContext> openOrgContext, ILogger<ColumnarStore>? logger = null,
        int memoryLimitMegabytes = 192, TimeProvider? clock = null)
        : this(directory, orgId => (openOrgContext(orgId), null), logger, memoryLimitMegabytes, clock)
    {
    }

    /// <param name="directory">Where the files live (created if missing).</param>
    /// <param name="openOrgContext">
    /// An org-scoped context of the primary for background builds, with what owns it (a service scope: EF resolves its
    /// logging through the scope the options came from), disposed after the context.
    /// </param>
    /// <param name="logger">Build and fallback messages.</param>
    /// <param name="memoryLimitMegabytes">DuckDB's memory limit for each org's database (it spills beyond it; a query that still outgrows it is answered from the primary).</param>
    /// <param name="clock">The app's clock (for <see cref="RetryAfterFailure"/>).</param>
    public ColumnarStore(string directory, Func<long, (CohortDbContext Db, IDisposable? Owner)> openOrgContext,
        ILogger<ColumnarStore>? logger = null, int memoryLimitMegabytes = 192, TimeProvider? clock = null)
    {
        _openOrgContext = openOrgContext;
        _clock = clock ?? TimeProvider.System;
        _directory = System.IO.Path.GetFullPath(directory);
        _logger = logger ?? NullLogger<ColumnarStore>.Instance;
        _memoryLimitMegabytes = memoryLimitMegabytes;
        Directory.CreateDirectory(_directory);
    }

    // One spelling per file: DuckDB.NET shares an open database between connections with the same connection string.
    private string ConnectionStringOf(string path) =>
        string.Create(CultureInfo.InvariantCulture, $"Data Source={path};memory_limit={_memoryLimitMegabytes}MB");

    /// <summary>The file org <paramref name="orgId"/>'s store is read from, or null when it has none.</summary>
    public string? PathOf(long orgId) => CurrentOf(orgId)?.Path;

    // Every build writes a file of its own name: a file is never replaced under a reader, and DuckDB.NET, which shares an
    // open database per connection string, never hands out the database of a replaced file.
    private string NewPath(long orgId, long version) =>
        System.IO.Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"org-{orgId}-v{version}-{Guid.NewGuid():N}.duckdb"));

    /// <summary>
    /// A connection to org <paramref name="orgId"/>'s store if it holds exactly orders version <paramref name="version"/>
    /// and has been checked, else null (the caller may <see cref="WaitForRefreshAsync"/>). The caller disposes it.
    /// </summary>
    public DuckDBConnection? TryOpen(long orgId, long version)
    {
        var current = CurrentOf(orgId);
        if (current is null || current.Version != version || !current.Checked) return null;
        try
        {
            // The same connection string shares the database instance the keeper holds open (DuckDB.NET's connection manager).
            var connection = new DuckDBConnection(ConnectionStringOf(current.Path));
            connection.Open();
            return connection;
        }
        catch (DuckDBException error)
        {
            _logger.LogWarning(error, "The columnar store of org {OrgId} could not be opened; reading the primary database.", orgId);
            return null;
        }
    }

    /// <summary>Logs a query that outgrew the memory limit (it is answered from the primary instead).</summary>
    public void ReportOutOfMemory(long orgId, ColumnarOutOfMemoryException error) =>
        _logger.LogWarning(error, "A cohort query of org {OrgId} needed more than the columnar store's {Limit} MiB (Columnar:MemoryLimitMegabytes); it read the primary database instead.",
            orgId, _memoryLimitMegabytes);

    /// <summary>The version org <paramref name="orgId"/>'s store holds, or null when it has none.</summary>
    public long? VersionOf(long orgId) => CurrentOf(orgId)?.Version;

    private Current? CurrentOf(long orgId)
    {
        if (_current.TryGetValue(orgId, out var current)) return current;
        // A file left by an earlier run of this instance: the newest complete one (".building" files never count).
        var newest = Directory.EnumerateFiles(_directory, string.Create(CultureInfo.InvariantCulture, $"org-{orgId}-v*.duckdb"))
            .Select(path => (Path: path, Version: VersionIn(path)))
            .Where(f => f.Version is not null)
            .OrderByDescending(f => f.Version).ThenByDescending(f => File.GetLastWriteTimeUtc(f.Path))
            .FirstOrDefault();
        if (newest.Path is null) return null;
        try
        {
            return Swap(orgId, newest.Version!.Value, newest.Path, isChecked: false);
        }
        catch (DuckDBException error)
        {
            _logger.LogWarning(error, "Columnar store file {Path} is unreadable; it will be rebuilt.", newest.Path);
            return null;
        }
    }

    private static long? VersionIn(string path)
    {
        // org-{org}-v{version}-{build}.duckdb
        var parts = System.IO.Path.GetFileNameWithoutExtension(path).Split('-');
        return parts is [_, _, ['v', .. var digits], _] && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version : null;
    }

    private Current Swap(long orgId, long version, string path, bool isChecked)
    {
        if (_current.TryGetValue(orgId, out var same) && same.Path == path)
        {
            var marked = same with { Checked = isChecked };
            _current[orgId] = marked;
            return marked;
        }
        var keeper = new DuckDBConnection(ConnectionStringOf(path));
        keeper.Open();
        var next = new Current(version, path, keeper, isChecked);
        Current? previous = null;
        _current.AddOrUpdate(orgId, next, (_, old) => { previous = old; return next; });
        if (previous is not null && previous.Path != path)
        {
            // Readers' open connections keep the database alive until they finish; on Linux the unlinked file too.
            previous.Keeper.Dispose();
            TryDelete(previous.Path);
        }
        return next;
    }

    /// <summary>
    /// Starts (or joins) a build of org <paramref name="orgId"/>'s store from the primary unless it is current; builds run
    /// one at a time per instance. The task never fails: a failed build is logged and queries keep reading the primary,
    /// without another attempt for <see cref="RetryAfterFailure"/>.
    /// </summary>
    public Task RefreshInBackground(long orgId)
    {
        if (_failedAt.TryGetValue(orgId, out var failed) && _clock.GetUtcNow() - failed < RetryAfterFailure) return Task.CompletedTask;
        while (true)
        {
            // Joined while it runs, replaced once done. The build starts only after it is registered: one that finished
            // before GetOrAdd stored it would otherwise stay registered, done, and every later refresh would "join" it.
            _builds.TryGetValue(orgId, out var registered);
            if (registered is { IsCompleted: false }) return registered;
            var cold = new Task<Task>(() => BuildInBackgroundAsync(orgId));
            var build = cold.Unwrap();
            if (registered is null ? _builds.TryAdd(orgId, build) : _builds.TryUpdate(orgId, build, registered))
            {
                cold.Start(TaskScheduler.Default);
                return build;
            }
        }
    }

    private async Task BuildInBackgroundAsync(long orgId)
    {
        (CohortDbContext Db, IDisposable? Owner)? opened = null;
        try
        {
            opened = _openOrgContext(orgId);
            await BuildAsync(opened.Value.Db, CancellationToken.None);
        }
        catch (Exception error)
        {
            _failedAt[orgId] = _clock.GetUtcNow();
            _logger.LogError(error, "Building the columnar store of org {OrgId} failed; cohort queries read the primary database (next attempt in {Retry}).",
                orgId, RetryAfterFailure);
        }
        finally
        {
            if (opened is { } lease)
            {
                await lease.Db.DisposeAsync();
                lease.Owner?.Dispose();
            }
        }
    }

    /// <summary>
    /// Starts (or joins) org <paramref name="orgId"/>'s refresh and waits for it up to <paramref name="timeout"/>: a
    /// build takes seconds where reading the primary's orders takes far longer at the same size.
    /// </summary>
    public async Task WaitForRefreshAsync(long orgId, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await RefreshInBackground(orgId).WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("The columnar store of org {OrgId} was not ready within {Timeout}; reading the primary database.", orgId, timeout);
        }
    }

    /// <summary>
    /// Builds the current org's store from <paramref name="db"/> (org-scoped) at the primary's orders version, unless the
    /// store already holds it (a file of an earlier run is compared with the primary first); the version and the orders
    /// are read in one transaction, so they agree. Returns null when nothing was built.
    /// </summary>
    public async Task<ColumnarBuildResult?> BuildAsync(CohortDbContext db, CancellationToken ct, Action? afterFirstRows = null)
    {
        var orgId = db.Scope.OrgId ?? throw new InvalidOperationException("A columnar store is built for one org: use an org-scoped context.");
        await _buildTurn.WaitAsync(ct);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var strategy = db.Database.CreateExecutionStrategy();
            return await strategy.ExecuteAsync(async () =>
            {
                await using var transaction = await BeginReadSnapshotAsync(db, ct);
                var version = await OrgDataVersion.OrdersAsync(db, ct);
                var current = CurrentOf(orgId);
                // Current and checked: nothing to read (the fingerprint scans every order of the org: 3 s at scale 50).
                if (current is { Checked: true } && current.Version == version) return null;
                var fingerprint = await FingerprintAsync(db, ct);
                if (current is not null && current.Version == version)
                {
                    if (FingerprintIn(current.Keeper) == fingerprint)
                    {
                        Swap(orgId, version, current.Path, isChecked: true);
                        return null;
                    }
                    _logger.LogInformation("The columnar store file {Path} does not match the primary database; rebuilding it.", current.Path);
                }

                var path = NewPath(orgId, version);
                var building = path + ".building";
                long orders;
                await using (var duck = new DuckDBConnection(ConnectionStringOf(building)))
                {
                    await duck.OpenAsync(ct);
                    Execute(duck, Schema);
                    orders = await CopyOrdersAsync(db, duck, afterFirstRows, ct);
                    Execute(duck, string.Create(CultureInfo.InvariantCulture,
                        $"INSERT INTO meta VALUES ({orgId}, {version}, '{fingerprint}'); CHECKPOINT;"));
                }
                // The rename is the commit point: the file under the final name is always complete.
                File.Move(building, path);
                TryDelete(building + ".wal");
                Swap(orgId, version, path, isChecked: true);
                _failedAt.TryRemove(orgId, out _);
                // Whatever else this org left here (a build cut short, a file that did not match) is of no use now.
                foreach (var leftover in Directory.EnumerateFiles(_directory, string.Create(CultureInfo.InvariantCulture, $"org-{orgId}-v*")))
                    if (!leftover.StartsWith(path, StringComparison.Ordinal)) TryDelete(leftover);
                var bytes = new FileInfo(path).Length;
                _logger.LogInformation("Built the columnar store of org {OrgId} at orders version {Version}: {Orders} orders, {Bytes} bytes in {Elapsed}",
                    orgId, version, orders, bytes, stopwatch.Elapsed);
                return new ColumnarBuildResult(orgId, version, orders, bytes, stopwatch.Elapsed);
            });
        }
        finally
        {
            _buildTurn.Release();
        }
    }

    /// <summary>
    /// A transaction that only reads, consistently across statements, without holding up writers for the build's
    /// seconds: on SQLite a deferred transaction (its snapshot starts at the first read; the default, immediate one
    /// takes the write lock and every import, settings save and quota take would wait for the build), elsewhere
    /// repeatable read.
    /// </summary>
    private static async Task<IAsyncDisposable> BeginReadSnapshotAsync(CohortDbContext db, CancellationToken ct)
    {
        if (db.Database.GetDbConnection() is not Microsoft.Data.Sqlite.SqliteConnection sqlite)
            return await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await db.Database.OpenConnectionAsync(ct);
        var deferred = sqlite.BeginTransaction(deferred: true);
        return new ReadSnapshot(db, deferred, (await db.Database.UseTransactionAsync(deferred, ct))!);
    }

    /// <summary>A transaction handed to EF that EF does not own: both are let go together (nothing was written).</summary>
    private sealed class ReadSnapshot(CohortDbContext db, System.Data.Common.DbTransaction own, IDbContextTransaction ef) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await ef.DisposeAsync();
            await own.DisposeAsync();
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// What identifies the org's orders beyond their version: a database recreated at the same path (version 0 again)
    /// differs in the org's creation instant or in its orders' count, ids, accounts or dates.
    /// </summary>
    private static async Task<string> FingerprintAsync(CohortDbContext db, CancellationToken ct)
    {
        var created = await db.Organizations.Select(o => o.CreatedAt).SingleAsync(ct);
        var orders = await db.Orders.GroupBy(o => 1)
            .Select(g => new
            {
                Count = g.LongCount(), MaxId = g.Max(o => o.Id), Accounts = g.Sum(o => o.AccountId),
                First = g.Min(o => o.PlacedAt), Last = g.Max(o => o.PlacedAt),
            })
            .FirstOrDefaultAsync(ct);
        return orders is null
            ? string.Create(CultureInfo.InvariantCulture, $"{created.Ticks}:0")
            : string.Create(CultureInfo.InvariantCulture,
                $"{created.Ticks}:{orders.Count}:{orders.MaxId}:{orders.Accounts}:{orders.First.Ticks}:{orders.Last.Ticks}");
    }

    private static string? FingerprintIn(DuckDBConnection keeper)
    {
        try
        {
            using var command = keeper.CreateCommand();
            command.CommandText = "SELECT fingerprint FROM meta";
            return command.ExecuteScalar() as string;
        }
        catch (DuckDBException)
        {
            return null; // a file from before the fingerprint, or damaged: rebuilt
        }
    }

    private const string Schema = """
        CREATE TABLE meta (org_id BIGINT, orders_version BIGINT, fingerprint VARCHAR);
        CREATE TABLE orders (
            id BIGINT, account_id BIGINT, placed_at BIGINT, status TINYINT,
            gross BIGINT, discounts BIGINT, refunded BIGINT, refunded_at BIGINT, cogs BIGINT, shipping BIGINT, fees BIGINT,
            source_name VARCHAR, order_type VARCHAR, payment_gateway VARCHAR, tags VARCHAR,
            utm_source VARCHAR, utm_medium VARCHAR, utm_campaign VARCHAR, utm_content VARCHAR, utm_term VARCHAR);
        """;

    private static async Task<long> CopyOrdersAsync(CohortDbContext db, DuckDBConnection duck, Action? afterFirstRows, CancellationToken ct)
    {
        // Ordered by account and time so DuckDB's per-block min/max skip most blocks of an account or date filter.
        // EF writes the query (org scope included); its rows are read by ordinal, because EF's per-row materialisation
        // (value converters, anonymous objects) costs several times the read itself at millions of rows.
        var query = db.Orders.AsNoTracking().OrderBy(o => o.AccountId).ThenBy(o => o.PlacedAt).ThenBy(o => o.Id)
            .Select(o => new
            {
                o.Id, o.AccountId, o.PlacedAt, o.Status, o.GrossRevenue, o.Discounts, o.RefundedAmount, o.RefundedAt, o.Cogs,
                o.ShippingCost, o.Fees, o.SourceName, o.OrderType, o.PaymentGateway, o.Tags,
                o.UtmSource, o.UtmMedium, o.UtmCampaign, o.UtmContent, o.UtmTerm,
            });
        await using var command = query.CreateDbCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await using var reader = await command.ExecuteReaderAsync(ct);
        long count = 0;
        using var appender = duck.CreateAppender("orders");
        string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
        long Money(int ordinal) => FactMoney.FromDecimal(reader.GetDecimal(ordinal));
        while (await reader.ReadAsync(ct))
        {
            appender.CreateRow()
                .AppendValue(reader.GetInt64(0)).AppendValue(reader.GetInt64(1)).AppendValue(reader.GetDateTime(2).Ticks)
                .AppendValue((sbyte)StatusOf(reader.GetString(3)))
                .AppendValue(Money(4)).AppendValue(Money(5)).AppendValue(Money(6))
                .AppendValue(reader.IsDBNull(7) ? (long?)null : reader.GetDateTime(7).Ticks)
                .AppendValue(Money(8)).AppendValue(Money(9)).AppendValue(Money(10))
                .AppendValue(Text(11)).AppendValue(Text(12)).AppendValue(Text(13))
                // As the primary stores them ("|a|b|", empty for none), so tag filters read the same text.
                .AppendValue(Text(14) ?? string.Empty)
                .AppendValue(Text(15)).AppendValue(Text(16)).AppendValue(Text(17)).AppendValue(Text(18)).AppendValue(Text(19))
                .EndRow();
            if (++count == 1) afterFirstRows?.Invoke();
        }
        appender.Close();
        return count;
    }

    private static OrderStatus StatusOf(string stored) => stored switch
    {
        "paid" => OrderStatus.Paid,
        "pending" => OrderStatus.Pending,
        "voided" => OrderStatus.Voided,
        _ => EnumNames.FromSnake<OrderStatus>(stored),
    };

    internal static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
            if (File.Exists(path + ".wal")) File.Delete(path + ".wal");
        }
        catch (IOException error)
        {
            _logger.LogWarning(error, "Could not delete {Path}; the next build retries.", path);
        }
    }

    public void Dispose()
    {
        foreach (var current in _current.Values) current.Keeper.Dispose();
        _current.Clear();
        _buildTurn.Dispose();
    }
}
