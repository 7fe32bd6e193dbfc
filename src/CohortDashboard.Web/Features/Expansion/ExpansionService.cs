using System.Text.Json;
using CohortDashboard.Analytics.Expansion;
using CohortDashboard.Data;
using CohortDashboard.Data.Bulk;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;
using CohortDashboard.Web.Features.Audit;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Platform;

namespace CohortDashboard.Web.Features.Expansion;

/// <summary>
/// Affinity matrix and expansion signals for the current org: recompute, generate, and the reads behind the pages and
/// the API. One short-lived context per operation; org isolation comes from the context's filters.
/// </summary>
public sealed class ExpansionService(
    IDbContextFactory<CohortDbContext> dbFactory, TimeProvider clock, OrgJobs jobs, SignalBoardNotifier notifier)
{
    public const string RecomputeJob = "affinity recompute";
    public const string GenerateJob = "signal generation";

    public static readonly IReadOnlyList<string> SegmentChoices =
        [AffinitySegments.All, .. Enum.GetValues<Segment>().Select(s => s.ToWire())];

    // ---------------------------------------------------------------- affinity

    /// <summary>Recomputes the org's matrix for "all" and each segment and replaces its entries in one transaction.</summary>
    public async Task<AffinityRecomputeResponse> RecomputeAffinityAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orgId = db.Scope.OrgId ?? throw new InvalidOperationException("No organization in scope.");
        using var run = jobs.TryStart(orgId, RecomputeJob) ?? throw new JobBusyException(RecomputeJob);

        var org = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).FirstAsync(ct);
        var accounts = await db.Accounts.AsNoTracking()
            .Where(a => a.Status == AccountStatus.Active)
            .Select(a => new { a.Id, a.Segment })
            .ToListAsync(ct);
        var productIds = await db.Products.AsNoTracking().Where(p => p.IsActive).Select(p => p.Id).ToListAsync(ct);
        var holdings = await db.AccountProducts.AsNoTracking()
            .Where(ap => ap.Status == AccountProductStatus.Active)
            .Select(ap => new AffinityHolding(ap.AccountId, ap.ProductId, ap.StartDate, ap.ContractedArr))
            .ToListAsync(ct);

        var result = AffinityCalculator.Compute(
            accounts.Select(a => new AffinityAccount(a.Id, a.Segment.ToWire())).ToList(),
            productIds, holdings,
            new ConfidenceCutoffs(org.Settings.AffinityHighSampleSize, org.Settings.AffinityMediumSampleSize));

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.AffinityEntries.ExecuteDeleteAsync(ct);
        db.AffinityEntries.AddRange(result.Cells.Select(c => new AffinityEntry
        {
            ProductAId = c.ProductAId,
            ProductBId = c.ProductBId,
            Segment = c.Segment,
            CoAdoptionCount = c.CoAdoptionCount,
            CoAdoptionRate = c.CoAdoptionRate,
            AvgTimeToCrossSellDays = c.AvgTimeToCrossSellDays,
            AvgArrUplift = c.AvgArrUplift,
            SampleSize = c.SampleSize,
            Confidence = (Confidence)(int)c.Confidence,
            Lift = c.Lift,
            ComputedAt = now,
        }));
        db.AuditEvents.Add(Audit(actor, now, "affinity.recomputed", "affinity_matrix", null,
            new { entries = removed }, new { entries = result.Cells.Count, products = result.Products, accounts = result.Accounts }));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new AffinityRecomputeResponse(true, result.Cells.Count, result.Products, result.Accounts);
    }

    /// <summary>The matrix (optionally one segment: "all" or a segment's wire name) with product names, and the catalogue.</summary>
    public async Task<AffinityResponse> GetAffinityAsync(string? segment, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var products = await ProductsAsync(db, ct);
        var byId = products.ToDictionary(p => p.Id);
        var query = db.AffinityEntries.AsNoTracking();
        if (segment is not null) query = query.Where(e => e.Segment == segment);
        var entries = await query.OrderBy(e => e.Segment).ThenBy(e => e.ProductAId).ThenBy(e => e.ProductBId).ToListAsync(ct);
        var matrix = entries
            .Where(e => byId.ContainsKey(e.ProductAId) && byId.ContainsKey(e.ProductBId))
            .Select(e => new AffinityRecord(
                e.Id, e.ProductAId, e.ProductBId, byId[e.ProductAId].Name, byId[e.ProductBId].Name,
                byId[e.ProductAId].Category, byId[e.ProductBId].Category,
                e.CoAdoptionCount, e.CoAdoptionRate, e.AvgTimeToCrossSellDays, e.AvgArrUplift, e.Segment, e.SampleSize,
                e.Confidence.ToSnake(), e.Lift, e.ComputedAt))
            .ToList();
        return new AffinityResponse(matrix, products);
    }

    /// <summary>Active accounts (of <paramref name="segment"/>, or all) owning <paramref name="productA"/> but not <paramref name="productB"/>.</summary>
    public async Task<(IReadOnlyList<WhitespaceAccount> Accounts, int Total)> GetWhitespaceAsync(
        long productA, long productB, string? segment, int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accounts = db.Accounts.AsNoTracking().Where(a => a.Status == AccountStatus.Active);
        if (segment is not null && segment != AffinitySegments.All && EnumNames.TryParseSegment(segment, out var seg))
            accounts = accounts.Where(a => a.Segment == seg);
        var owningA = db.AccountProducts.Where(ap => ap.ProductId == productA && ap.Status == AccountProductStatus.Active).Select(ap => ap.AccountId);
        var owningB = db.AccountProducts.Where(ap => ap.ProductId == productB && ap.Status == AccountProductStatus.Active).Select(ap => ap.AccountId);
        var whitespace = accounts.Where(a => owningA.Contains(a.Id) && !owningB.Contains(a.Id));
        var total = await whitespace.CountAsync(ct);
        var rows = await whitespace
            .OrderByDescending(a => (double)a.Arr).ThenBy(a => a.Id)
            .Take(take)
            .Select(a => new
            {
                a.Id, a.Name, a.Segment, a.Arr, a.OwnerId,
                Signals = db.ExpansionSignals.Count(s => s.AccountId == a.Id),
            })
            .ToListAsync(ct);
        return (rows.Select(r => new WhitespaceAccount(r.Id, r.Name, r.Segment.ToWire(), r.Arr, r.OwnerId, r.Signals)).ToList(), total);
    }

    // ---------------------------------------------------------------- signals

    /// <summary>
    /// Scores every active account against the matrix, deletes the org's pending signals and inserts the new ones in one
    /// transaction: at most the org's <c>MaxSignalsPerAccount</c> per account, its best by score. Pitched, won and
    /// dismissed signals stay, and no new signal repeats their account + product.
    /// </summary>
    public async Task<SignalsGenerateResponse> GenerateSignalsAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orgId = db.Scope.OrgId ?? throw new InvalidOperationException("No organization in scope.");
        using var run = jobs.TryStart(orgId, GenerateJob) ?? throw new JobBusyException(GenerateJob);

        var org = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).FirstAsync(ct);
        var settings = new ScoringSettings(
            new ScoringWeights(org.Settings.SignalWeightAffinity, org.Settings.SignalWeightReadiness,
                org.Settings.SignalWeightHealth, org.Settings.SignalWeightPropensity),
            new PriorityCutoffs(org.Settings.PriorityCutoff1, org.Settings.PriorityCutoff2,
                org.Settings.PriorityCutoff3, org.Settings.PriorityCutoff4),
            org.Settings.CrossSellMaxProducts);
        settings.Weights.Validate();

        var catalog = await db.Products.AsNoTracking().Where(p => p.IsActive)
            .Select(p => new CatalogProduct(p.Id, p.Name, p.AnnualPrice)).ToListAsync(ct);
        var holdings = (await db.AccountProducts.AsNoTracking()
                .Where(ap => ap.Status == AccountProductStatus.Active)
                .Select(ap => new { ap.AccountId, ap.ProductId, ap.AdoptionPct })
                .ToListAsync(ct))
            .GroupBy(h => h.AccountId)
            .ToDictionary(g => g.Key, g => g.GroupBy(h => h.ProductId)
                .Select(p => new OwnedProduct(p.Key, p.Max(h => h.AdoptionPct))).ToList());
        var accounts = (await db.Accounts.AsNoTracking()
                .Where(a => a.Status == AccountStatus.Active)
                .OrderBy(a => a.Id)
                .Select(a => new { a.Id, a.Segment, a.Arr, a.HealthScore, a.ExpansionPropensity })
                .ToListAsync(ct))
            .Select(a => new ScoringAccount(a.Id, a.Segment.ToWire(), a.Arr, a.HealthScore, a.ExpansionPropensity,
                holdings.TryGetValue(a.Id, out var owned) ? owned : []))
            .ToList();
        var cells = (await db.AffinityEntries.AsNoTracking().ToListAsync(ct))
            .Select(e => new AffinityCell(e.ProductAId, e.ProductBId, e.Segment, e.CoAdoptionCount, e.CoAdoptionRate,
                e.AvgTimeToCrossSellDays, e.AvgArrUplift, e.SampleSize, (AffinityConfidence)(int)e.Confidence, e.Lift))
            .ToList();

        // Scoring (CPU) runs while the write transaction deletes the pending signals (database); the signals already
        // worked (pitched / won / dismissed) are read inside that transaction, after the delete, so a move committed
        // just before cannot slip between the read and the insert and cause a duplicate.
        var scoring = Task.Run(() => SignalScorer.Score(accounts, catalog, cells, settings), ct);
        var maxPerAccount = Math.Max(1, org.Settings.MaxSignalsPerAccount);
        var now = clock.GetUtcNow().UtcDateTime;

        await db.Database.OpenConnectionAsync(ct);
        var sqlite = db.Database.IsSqlite();
        try
        {
            // Replacing ~170k rows updates five indexes; SQLite's default 2 MB page cache thrashes on that. 64 MB for
            // this operation on this connection, restored before the connection goes back to the pool.
            if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-65536", ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await BulkWriter.LockForWritersAsync<ExpansionSignal>(db, ct);
            var removed = await db.ExpansionSignals.Where(s => s.Status == SignalStatus.Pending).ExecuteDeleteAsync(ct);
            var worked = (await db.ExpansionSignals.AsNoTracking()
                    .Select(s => new { s.AccountId, s.TargetProductId })
                    .ToListAsync(ct))
                .Select(s => (s.AccountId, s.TargetProductId))
                .ToHashSet();
            var nextId = await BulkWriter.NextIdAsync<ExpansionSignal>(db, ct);
            var result = await scoring;
            var rows = SignalScorer.BestPerAccount(result.Signals, maxPerAccount, worked)
                .Select((s, i) => new ExpansionSignal
                {
                    Id = nextId + i,
                    OrgId = orgId, // the row writer bypasses the context's guard: the org comes from the scope
                    AccountId = s.AccountId,
                    TargetProductId = s.TargetProductId,
                    SourceProductId = s.SourceProductId,
                    AffinityScore = s.AffinityScore,
                    AffinityComponent = s.AffinityComponent,
                    AdoptionReadiness = s.AdoptionReadiness,
                    HealthComponent = s.HealthComponent,
                    PropensityComponent = s.PropensityComponent,
                    EstimatedArr = s.EstimatedArr,
                    Priority = s.Priority,
                    Reason = s.Reason.Length > 1024 ? s.Reason[..1024] : s.Reason,
                    Status = SignalStatus.Pending,
                    CreatedAt = now,
                    UpdatedAt = now,
                    UpdatedBy = actor.Subject,
                    Version = 1,
                });
            var written = await SignalRowWriter.InsertAsync(db, rows, ct);
            db.AuditEvents.Add(Audit(actor, now, "signals.generated", "expansion_signals", null,
                new { pending_deleted = removed }, new { signals_generated = written, accounts_analyzed = result.AccountsAnalyzed }));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);

            notifier.Publish(new SignalBoardEvent(orgId, null, null, null, null, actor.Subject));
            return new SignalsGenerateResponse(true, (int)written, result.AccountsAnalyzed, result.ProductsEvaluated);
        }
        finally
        {
            if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-2000", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>One page of signals (best first: priority, then score) with KPIs over every signal matching the filter.</summary>
    public async Task<SignalPage> GetSignalsAsync(SignalFilter filter, int page, int pageSize, CancellationToken ct)
    {
        // The KPIs scan every matching signal; they run on their own context (and connection) while this one pages.
        var kpiTask = Task.Run(async () =>
        {
            await using var kpiDb = await dbFactory.CreateDbContextAsync(ct);
            return await KpiAsync(Filtered(kpiDb, filter), ct);
        }, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var skip = (page - 1) * pageSize;
        List<long> ids;
        if (filter.Status is null && skip + pageSize <= MergeWindow)
        {
            // Ordering all statuses together sorts every signal; per status the (org, status, priority) index already
            // yields priority order. The best skip + take of each status, merged, are exactly the best overall.
            var candidates = new List<RankKey>();
            foreach (var status in Enum.GetValues<SignalStatus>())
                candidates.AddRange(await Ordered(query.Where(s => s.Status == status)).Take(skip + pageSize)
                    .Select(s => new RankKey(s.Id, s.Priority, (double)s.AffinityScore)).ToListAsync(ct));
            ids = candidates.OrderBy(c => c.Priority).ThenByDescending(c => c.Score).ThenBy(c => c.Id)
                .Skip(skip).Take(pageSize).Select(c => c.Id).ToList();
        }
        else
        {
            ids = await Ordered(query).Skip(skip).Take(pageSize).Select(s => s.Id).ToListAsync(ct);
        }
        var records = await LoadRecordsAsync(db, ids, ct);
        var kpi = await kpiTask;
        return new SignalPage(records, kpi, kpi.TotalOpportunities);
    }

    /// <summary>
    /// The kanban: per status the best <paramref name="perColumn"/>[status] cards (30 when a status is not given), each
    /// column's count and estimated ARR, KPIs and catalogue.
    /// </summary>
    public async Task<SignalBoard> GetBoardAsync(SignalFilter filter, IReadOnlyDictionary<SignalStatus, int> perColumn, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter with { Status = null });
        var summary = SignalPipeline.Summarize(await KpiGroupsAsync(query, ct));
        var columns = new List<BoardColumn>();
        foreach (var status in Enum.GetValues<SignalStatus>())
        {
            var take = perColumn.TryGetValue(status, out var n) ? n : DefaultColumnPage;
            var ids = await Ordered(query.Where(s => s.Status == status)).Take(take).Select(s => s.Id).ToListAsync(ct);
            var cards = await LoadRecordsAsync(db, ids, ct);
            var total = summary.Columns.Single(c => c.Status == ToPipeline(status));
            columns.Add(new BoardColumn(status.ToSnake(), cards, total.Count, total.EstimatedArr));
        }
        return new SignalBoard(columns, SignalKpi.From(summary), await ProductsAsync(db, ct));
    }

    /// <summary>Cards a kanban column shows at first, and how many more each "Show more" adds.</summary>
    public const int DefaultColumnPage = 30;

    public async Task<SignalRecord?> GetSignalAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await LoadRecordsAsync(db, [id], ct)).FirstOrDefault();
    }

    /// <summary>The audited moves of one signal, oldest first.</summary>
    public async Task<IReadOnlyList<SignalHistoryEntry>> GetHistoryAsync(long signalId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = signalId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var events = await db.AuditEvents.AsNoTracking()
            .Where(e => e.TargetType == SignalStatusService.AuditTargetType && e.TargetId == target)
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .ToListAsync(ct);
        return events.Select(e => new SignalHistoryEntry(e.At, e.Actor, StatusOf(e.Before), StatusOf(e.After) ?? "?")).ToList();
    }

    /// <summary>When the org's matrix was last computed, or null if it never was.</summary>
    public async Task<DateTime?> GetAffinityComputedAtAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AffinityEntries.AsNoTracking().OrderByDescending(e => e.Id).Select(e => (DateTime?)e.ComputedAt).FirstOrDefaultAsync(ct);
    }

    /// <summary>The org's ISO currency, for formatting amounts.</summary>
    public async Task<string> GetCurrencyAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Organizations.AsNoTracking().OrderBy(o => o.Id).Select(o => o.Currency).FirstOrDefaultAsync(ct) ?? "USD";
    }

    public async Task<IReadOnlyList<ProductRecord>> GetProductsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ProductsAsync(db, ct);
    }

    // ---------------------------------------------------------------- helpers

    private const int MergeWindow = 2000;

    private sealed record RankKey(long Id, int Priority, double Score);

    internal static IQueryable<ExpansionSignal> Filtered(CohortDbContext db, SignalFilter filter)
    {
        var query = db.ExpansionSignals.AsNoTracking();
        if (filter.AccountId is { } accountId) query = query.Where(s => s.AccountId == accountId);
        if (filter.Status is { } status) query = query.Where(s => s.Status == status);
        if (filter.Priority is { } priority) query = query.Where(s => s.Priority == priority);
        if (filter.ProductId is { } productId) query = query.Where(s => s.TargetProductId == productId);
        if (filter.Segment is { } segment)
            query = query.Where(s => db.Accounts.Any(a => a.Id == s.AccountId && a.Segment == segment));
        if (filter.OwnerId is { } ownerId)
            query = query.Where(s => db.Accounts.Any(a => a.Id == s.AccountId && a.OwnerId == ownerId));
        if (!string.IsNullOrWhiteSpace(filter.AccountSearch))
        {
            // LIKE with the user's text escaped, lower-cased on both sides: the same case-insensitive match on SQLite and PostgreSQL.
            var pattern = "%" + Data.Filters.FilterExpressions.EscapeLike(filter.AccountSearch.Trim().ToLowerInvariant()) + "%";
            query = query.Where(s => db.Accounts.Any(a => a.Id == s.AccountId && EF.Functions.Like(a.Name.ToLower(), pattern, "\\")));
        }
        return query;
    }

    // Score is a decimal (TEXT on SQLite); ordering by its REAL cast keeps the sort inside the database engine.
    private static IQueryable<ExpansionSignal> Ordered(IQueryable<ExpansionSignal> query) =>
        query.OrderBy(s => s.Priority).ThenByDescending(s => (double)s.AffinityScore).ThenBy(s => s.Id);

    private sealed record KpiRow(SignalStatus Status, int Priority, int Count, double Arr, double Score, double Weighted);

    /// <summary>
    /// One pass over the matching signals grouped by (status, priority): that order is the (org_id, status, priority)
    /// index's, so SQLite needs no temporary b-tree (grouping by a constant would sort every row), and the same groups
    /// give the kanban its column totals. Sums are REAL in the database: EF's decimal aggregates on SQLite parse every
    /// TEXT value in .NET (about 10× slower at 170k signals). Amounts have 2 decimals and scores 4, so rounding the
    /// double sums back is exact; score × ARR is rounded to cents.
    /// </summary>
    private static async Task<List<PipelineGroup>> KpiGroupsAsync(IQueryable<ExpansionSignal> query, CancellationToken ct) =>
        (await query.GroupBy(s => new { s.Status, s.Priority })
            .Select(g => new KpiRow(g.Key.Status, g.Key.Priority, g.Count(),
                g.Sum(s => (double)s.EstimatedArr), g.Sum(s => (double)s.AffinityScore),
                g.Sum(s => (double)s.AffinityScore * (double)s.EstimatedArr)))
            .ToListAsync(ct))
        .Select(r => new PipelineGroup(ToPipeline(r.Status), r.Priority, r.Count, (decimal)r.Arr, (decimal)r.Score, (decimal)r.Weighted))
        .ToList();

    /// <summary>By name, not by number: the pure pipeline has its own enum, and a reordering must not swap columns.</summary>
    private static PipelineStatus ToPipeline(SignalStatus status) => status switch
    {
        SignalStatus.Pending => PipelineStatus.Pending,
        SignalStatus.Pitched => PipelineStatus.Pitched,
        SignalStatus.Won => PipelineStatus.Won,
        SignalStatus.Dismissed => PipelineStatus.Dismissed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown signal status."),
    };

    private static async Task<SignalKpi> KpiAsync(IQueryable<ExpansionSignal> query, CancellationToken ct) =>
        SignalKpi.From(SignalPipeline.Summarize(await KpiGroupsAsync(query, ct)));

    internal static async Task<IReadOnlyList<SignalRecord>> LoadRecordsAsync(CohortDbContext db, IReadOnlyList<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var signals = await db.ExpansionSignals.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(ct);
        var accountIds = signals.Select(s => s.AccountId).Distinct().ToList();
        var accounts = await db.Accounts.AsNoTracking().Where(a => accountIds.Contains(a.Id))
            .Select(a => new { a.Id, a.Name, a.Segment, a.Arr, a.OwnerId }).ToDictionaryAsync(a => a.Id, ct);
        var products = await db.Products.AsNoTracking().Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var current = (await db.AccountProducts.AsNoTracking()
                .Where(ap => accountIds.Contains(ap.AccountId) && ap.Status == AccountProductStatus.Active)
                .Select(ap => new { ap.AccountId, ap.ProductId })
                .ToListAsync(ct))
            .GroupBy(h => h.AccountId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<CurrentProduct>)g.Select(h => h.ProductId).Distinct().Order()
                .Select(id => new CurrentProduct(id, products.GetValueOrDefault(id) ?? "")).ToList());
        var order = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        return signals
            .Where(s => accounts.ContainsKey(s.AccountId))
            .OrderBy(s => order[s.Id])
            .Select(s =>
            {
                var account = accounts[s.AccountId];
                return new SignalRecord(
                    s.Id, s.AccountId, account.Name, account.Segment.ToWire(), account.Arr, account.OwnerId,
                    s.TargetProductId, products.GetValueOrDefault(s.TargetProductId) ?? "",
                    s.SourceProductId, s.SourceProductId is { } source ? products.GetValueOrDefault(source) : null,
                    s.AffinityScore, s.AffinityComponent, s.AdoptionReadiness, s.HealthComponent, s.PropensityComponent,
                    s.EstimatedArr, s.Priority, s.Reason, s.Status.ToSnake(),
                    current.GetValueOrDefault(s.AccountId) ?? [], s.Version, s.CreatedAt, s.UpdatedAt, s.UpdatedBy);
            })
            .ToList();
    }

    private static async Task<IReadOnlyList<ProductRecord>> ProductsAsync(CohortDbContext db, CancellationToken ct) =>
        await db.Products.AsNoTracking().OrderBy(p => p.Name)
            .Select(p => new ProductRecord(p.Id, p.Name, p.Category, p.AnnualPrice, p.IsActive))
            .ToListAsync(ct);

    internal static AuditEvent Audit(Actor actor, DateTime at, string action, string targetType, string? targetId, object? before, object? after) =>
        AuditRecord.Create(actor.Subject, at, action, targetType, targetId, before, after);

    private static string? StatusOf(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
