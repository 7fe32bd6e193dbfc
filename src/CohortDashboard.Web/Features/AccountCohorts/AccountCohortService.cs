using System.Globalization;
using System.Text.Json;
using CohortDashboard.Analytics;
using CohortDashboard.Analytics.AccountCohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data;
using CohortDashboard.Data.Filters;
using CohortDashboard.Data.Import;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Audit;
using CohortDashboard.Web.Features.Cohorts;
using CohortDashboard.Web.Features.Import;
using CohortDashboard.Web.Features.Platform;
using CohortDashboard.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.AccountCohorts;

/// <summary>
/// Account cohort intelligence for the current org (SPEC §4): definitions (auto and custom), snapshot recompute, and
/// the reads behind the /account-cohorts page and the Pillar cohorts API. One short-lived context per operation; org
/// isolation comes from the context's filters.
/// </summary>
public sealed class AccountCohortService(IDbContextFactory<CohortDbContext> dbFactory, TimeProvider clock, OrgJobs jobs, CohortAnswerCache answers)
{
    public const string GenerateJob = "cohort generation";
    public const string RecomputeJob = "snapshot recompute";
    public const int MaxCurveMonths = VintageCurves.DefaultMonths;
    public const int MaxCustomNameLength = 120;

    private static readonly IReadOnlyList<string> BasePath = ["filter_criteria"];

    // ---------------------------------------------------------------- definitions

    /// <summary>Generates (upserts) the vintage, segment, territory and rep definitions; <see cref="JobBusyException"/> while one runs.</summary>
    public async Task<GenerateDefinitionsResponse> GenerateDefinitionsAsync(string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orgId = db.Scope.OrgId ?? throw new InvalidOperationException("No organization in scope.");
        using var run = jobs.TryStart(orgId, GenerateJob) ?? throw new JobBusyException(GenerateJob);
        return await AccountCohortJobs.GenerateDefinitionsAsync(db, actor, clock.GetUtcNow().UtcDateTime, ct);
    }

    /// <summary>The org's definitions, optionally of one type, grouped by type then by name.</summary>
    public async Task<CohortDefinitionsResponse> GetDefinitionsAsync(CohortType? type, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.CohortDefinitions.AsNoTracking();
        if (type is { } t) query = query.Where(d => d.CohortType == t);
        var records = DefinitionRecords(await query.ToListAsync(ct));
        return new CohortDefinitionsResponse(records, records.Count);
    }

    private static List<CohortDefinitionRecord> DefinitionRecords(IEnumerable<CohortDefinition> definitions) =>
        definitions.OrderBy(d => d.CohortType).ThenBy(d => SortKey(d), StringComparer.Ordinal).Select(ToRecord).ToList();

    /// <summary>The live member count of <paramref name="filterCriteria"/>, or its errors keyed by path.</summary>
    public async Task<(int? Count, IReadOnlyDictionary<string, string[]>? Errors)> PreviewAsync(JsonElement filterCriteria, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (node, errors) = Parse(filterCriteria);
        if (node is null) return (null, errors);
        var org = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).FirstAsync(ct);
        var definitions = await db.CohortDefinitions.AsNoTracking().ToListAsync(ct);
        try
        {
            var predicate = FilterExpressions.ForAccounts(node, FilterTranslationContext.Create(db, org, definitions, BasePath));
            return (await db.Accounts.AsNoTracking().CountAsync(predicate, ct), null);
        }
        catch (FilterTranslationException invalid)
        {
            return (null, Errors(invalid.Errors));
        }
    }

    /// <summary>Creates a custom cohort (admin); name unique per org, criteria in the filter language over account fields.</summary>
    public Task<CustomCohortResult> CreateCustomAsync(string actor, string? name, JsonElement? filterCriteria, CancellationToken ct) =>
        SaveCustomAsync(actor, null, name, filterCriteria, ct);

    /// <summary>Replaces a custom cohort's name and criteria; <see cref="CustomCohortResult.NotFound"/> for an id this org has no custom cohort under.</summary>
    public Task<CustomCohortResult> UpdateCustomAsync(string actor, long id, string? name, JsonElement? filterCriteria, CancellationToken ct) =>
        SaveCustomAsync(actor, id, name, filterCriteria, ct);

    /// <summary>Deletes a custom cohort and its snapshots; false when this org has no custom cohort with that id.</summary>
    public async Task<bool> DeleteCustomAsync(string actor, long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var definition = await db.CohortDefinitions.FirstOrDefaultAsync(d => d.Id == id && d.CohortType == CohortType.Custom, ct);
        if (definition is null) return false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.CohortSnapshots.Where(s => s.CohortDefinitionId == id).ExecuteDeleteAsync(ct);
        db.CohortDefinitions.Remove(definition);
        db.AuditEvents.Add(AuditRecord.Create(actor, clock.GetUtcNow().UtcDateTime, "cohort_definition.deleted", "cohort_definition",
            Id(id), ToRecord(definition), null));
        await db.SaveChangesAsync(ct);
        await OrgDataVersion.MarkChangedAsync(db, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    private async Task<CustomCohortResult> SaveCustomAsync(string actor, long? id, string? name, JsonElement? filterCriteria, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        CohortDefinition? definition = null;
        if (id is { } existingId)
        {
            definition = await db.CohortDefinitions.FirstOrDefaultAsync(d => d.Id == existingId && d.CohortType == CohortType.Custom, ct);
            if (definition is null) return CustomCohortResult.Missing;
        }

        var errors = new Dictionary<string, string[]>();
        name = name?.Trim();
        if (string.IsNullOrEmpty(name)) errors["name"] = ["name is required."];
        else if (name.Length > MaxCustomNameLength) errors["name"] = [$"name must be at most {MaxCustomNameLength} characters."];
        else if (UntrustedText.FindDisallowed(name) is { } disallowed) errors["name"] = [UntrustedText.DisallowedMessage(disallowed)];
        else if (await db.CohortDefinitions.AnyAsync(d => d.Name == name && d.Id != (id ?? 0), ct))
            errors["name"] = [$"A cohort named '{name}' already exists in this organization; pick another name."];

        FilterNode? node = null;
        if (filterCriteria is not { } criteria || criteria.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            errors["filter_criteria"] = ["filter_criteria is required: a filter-language group such as {\"and\": [{\"field\": \"account.segment\", \"op\": \"equals\", \"value\": \"SMB\"}]}."];
        else
        {
            var (parsed, parseErrors) = Parse(criteria);
            node = parsed;
            foreach (var (key, messages) in parseErrors ?? new Dictionary<string, string[]>()) errors[key] = messages;
        }

        var org = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).FirstAsync(ct);
        var definitions = await db.CohortDefinitions.AsNoTracking().ToListAsync(ct);
        if (node is not null && id is { } selfId && Cycle(selfId, node, definitions) is { } cycle)
            errors["filter_criteria"] = [$"A custom cohort cannot depend on itself; these criteria would close the cycle {cycle}."];
        var members = 0;
        if (node is not null && errors.Count == 0)
        {
            try
            {
                var predicate = FilterExpressions.ForAccounts(node, FilterTranslationContext.Create(db, org, definitions, BasePath));
                members = await db.Accounts.AsNoTracking().CountAsync(predicate, ct);
            }
            catch (FilterTranslationException invalid)
            {
                foreach (var (key, messages) in Errors(invalid.Errors)) errors[key] = messages;
            }
        }
        if (errors.Count > 0) return new CustomCohortResult(null, errors);

        var now = clock.GetUtcNow().UtcDateTime;
        var json = FilterJson.Serialize(node!);
        var before = definition is null ? null : ToRecord(definition);
        if (definition is null)
        {
            definition = new CohortDefinition
            {
                Name = name!, CohortType = CohortType.Custom, GroupingField = AccountCohortJobs.GroupingField(CohortType.Custom),
                GroupingValue = Guid.NewGuid().ToString("N"), CreatedAt = now,
            };
            db.CohortDefinitions.Add(definition);
        }
        definition.Name = name!;
        definition.FilterCriteria = json;
        definition.MemberCount = members;
        definition.UpdatedAt = now;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        // Its snapshots describe the old criteria; they come back with the next recompute.
        if (before is not null) await db.CohortSnapshots.Where(s => s.CohortDefinitionId == definition.Id).ExecuteDeleteAsync(ct);
        db.AuditEvents.Add(AuditRecord.Create(actor, now, before is null ? "cohort_definition.created" : "cohort_definition.updated",
            "cohort_definition", Id(definition.Id), before, ToRecord(definition)));
        await db.SaveChangesAsync(ct);
        // cohort.id filters and cohort breakdowns read the criteria.
        await OrgDataVersion.MarkChangedAsync(db, ct);
        await transaction.CommitAsync(ct);
        return new CustomCohortResult(ToRecord(definition), null);
    }

    // ---------------------------------------------------------------- snapshots

    /// <summary>Recomputes and replaces every snapshot of the org in one transaction; <see cref="JobBusyException"/> while one runs.</summary>
    public async Task<RecomputeResponse> RecomputeSnapshotsAsync(string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orgId = db.Scope.OrgId ?? throw new InvalidOperationException("No organization in scope.");
        using var run = jobs.TryStart(orgId, RecomputeJob) ?? throw new JobBusyException(RecomputeJob);
        return await AccountCohortJobs.RecomputeSnapshotsAsync(db, actor, clock.GetUtcNow().UtcDateTime, ct);
    }

    public bool IsRunning(long orgId, string job) => jobs.IsRunning(orgId, job);

    /// <summary>Stored snapshots (optionally one cohort, one type, a month range), by cohort then month; null when <paramref name="cohortId"/> is not this org's.</summary>
    public async Task<SnapshotsResponse?> GetSnapshotsAsync(long? cohortId, CohortType? type, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (cohortId is { } c && !await db.CohortDefinitions.AnyAsync(d => d.Id == c, ct)) return null;
        var stored = await LoadSnapshotsAsync(db, type, cohortId, from, to, ct);
        var records = SnapshotRecords(stored);
        return new SnapshotsResponse(records, records.Count, (await StaleAsync(db, ct)).Stale);
    }

    /// <summary>
    /// Vintage curves of the cohorts of <paramref name="type"/>, computed from the current contracts. A vintage starts in
    /// its quarter's last month (every member created by then); other cohorts at the start of the snapshot window.
    /// </summary>
    public async Task<VintageCurvesResponse> GetVintageCurvesAsync(CohortType type, int months, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // Curves read every account and contract: kept until the org's data version moves (imports of accounts and
        // contracts, definition changes, settings saves all bump it). The key holds the rest of the inputs: the
        // running month in the org's timezone, the fiscal year and the churn basis.
        var org = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).FirstAsync(ct);
        var key = string.Create(CultureInfo.InvariantCulture,
            $"vintage-curves|{org.Id}|v{org.DataVersion}|{type}|{months}|{ArrTimeline.MonthOf(LocalCalendar.LocalDate(now, LocalCalendar.FindTimeZone(org.TimeZone))):yyyy-MM}|" +
            $"{org.TimeZone}|fy{org.FiscalYearStartMonth}|{org.Settings.ChurnDefinition}");
        if (answers.TryGet<VintageCurvesResponse>(key, out var cached)) return cached;
        var response = await ComputeVintageCurvesAsync(db, type, months, now, ct);
        answers.Set(key, response, 512 + response.Curves.Sum(c => 512 + c.Points.Count * 256L));
        return response;
    }

    private static async Task<VintageCurvesResponse> ComputeVintageCurvesAsync(CohortDbContext db, CohortType type, int months, DateTime now, CancellationToken ct)
    {
        var inputs = await AccountCohortJobs.LoadInputsAsync(db, now, ct, type);
        var curves = new List<VintageCurveRecord>();
        foreach (var definition in inputs.Definitions)
        {
            var start = inputs.FromMonth;
            if (definition.CohortType == CohortType.Vintage && Analytics.Periods.FiscalQuarter.TryParse(definition.GroupingValue, out var quarter))
                start = quarter.EndDate(inputs.Org.FiscalYearStartMonth).AddMonths(-1);
            var curve = VintageCurves.Build(inputs.Members[definition.Id], start, inputs.ToMonth, inputs.Basis, months);
            if (curve.Points.Count == 0 || curve.StartingArr == 0) continue;
            curves.Add(new VintageCurveRecord(Id(definition.Id), definition.Name, definition.CohortType.ToSnake(),
                AccountCohortJobs.Month(curve.StartMonth), curve.StartingArr, curve.StartingAccounts,
                curve.Points.Select(p => new VintagePointRecord(p.Offset, AccountCohortJobs.Month(p.Month), p.Arr, p.RetentionPct,
                    p.AccountsRemaining,
                    curve.StartingAccounts > 0 ? Math.Round(p.AccountsRemaining * 100m / curve.StartingAccounts, 2, MidpointRounding.AwayFromZero) : null,
                    p.CumulativeNewArr, p.CumulativeExpansionArr, p.CumulativeContractionArr, p.CumulativeChurnArr)).ToList(),
                curve.RetentionNote));
        }
        return new VintageCurvesResponse(curves, curves.Count, months, inputs.Org.Settings.ChurnDefinition.ToSnake());
    }

    /// <summary>Anomalies in the stored snapshots by the org's current thresholds, newest month first, critical first.</summary>
    public async Task<AnomaliesResponse> GetAnomaliesAsync(CohortType? type, AnomalySeverity? severity, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var org = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).FirstAsync(ct);
        var stored = await LoadSnapshotsAsync(db, type, null, null, null, ct);
        var anomalies = Anomalies(stored, Thresholds(org.Settings), RunningMonth(org), severity);
        return new AnomaliesResponse(anomalies, anomalies.Count, (await StaleAsync(db, ct)).Stale);
    }

    /// <summary>The age the main comparison ranks at: NRR over the 12 months after each cohort's start.</summary>
    public const int ComparisonMonths = 12;

    /// <summary>The earlier age also ranked, so young cohorts get compared at all.</summary>
    public const int ComparisonEarlyMonths = 6;

    /// <summary>
    /// Cohorts ranked at equal age (<see cref="CohortComparison.RankAtAge"/>): by NRR over the 6 and the 12 complete months
    /// after their start, as of <paramref name="period"/> (default and at most: the month before the running one).
    /// </summary>
    public async Task<ComparisonResponse> GetComparisonAsync(CohortType? type, DateOnly? period, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var org = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).FirstAsync(ct);
        return Comparison(await LoadSnapshotsAsync(db, type, null, null, null, ct), period, org);
    }

    /// <summary>The org's month in progress (first day), in its timezone: snapshots of it hold only the days so far.</summary>
    private DateOnly RunningMonth(Organization org) =>
        ArrTimeline.MonthOf(LocalCalendar.LocalDate(clock.GetUtcNow().UtcDateTime, LocalCalendar.FindTimeZone(org.TimeZone)));

    /// <summary>The stored snapshots the reads work from, with the definitions they belong to.</summary>
    private sealed record StoredSnapshots(Dictionary<long, CohortDefinition> Definitions, List<CohortSnapshot> Rows)
    {
        private Dictionary<long, List<AccountCohortSnapshot>>? byCohort;

        /// <summary>Each cohort's snapshots in month order, as the analytics engine takes them (grouped once).</summary>
        public Dictionary<long, List<AccountCohortSnapshot>> ByCohort => byCohort ??= Rows
            .Where(s => Definitions.ContainsKey(s.CohortDefinitionId))
            .GroupBy(s => s.CohortDefinitionId)
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.PeriodMonth).Select(ToEngine).ToList());
    }

    private static async Task<StoredSnapshots> LoadSnapshotsAsync(CohortDbContext db, CohortType? type, long? cohortId, DateOnly? from, DateOnly? to,
        CancellationToken ct)
    {
        var definitions = await db.CohortDefinitions.AsNoTracking()
            .Where(d => (type == null || d.CohortType == type) && (cohortId == null || d.Id == cohortId))
            .ToDictionaryAsync(d => d.Id, ct);
        var query = db.CohortSnapshots.AsNoTracking();
        if (type is not null || cohortId is not null)
        {
            var ids = definitions.Keys.ToList();
            query = query.Where(s => ids.Contains(s.CohortDefinitionId));
        }
        if (from is { } f) query = query.Where(s => s.PeriodMonth >= f);
        if (to is { } e) query = query.Where(s => s.PeriodMonth <= e);
        return new StoredSnapshots(definitions, await query.ToListAsync(ct));
    }

    private static List<SnapshotRecord> SnapshotRecords(StoredSnapshots stored)
    {
        var definitions = stored.Definitions;
        return stored.Rows
            .Where(s => definitions.ContainsKey(s.CohortDefinitionId))
            .OrderBy(s => definitions[s.CohortDefinitionId].CohortType).ThenBy(s => SortKey(definitions[s.CohortDefinitionId]), StringComparer.Ordinal)
            .ThenBy(s => s.CohortDefinitionId).ThenBy(s => s.PeriodMonth)
            .Select(s => ToRecord(s, definitions[s.CohortDefinitionId]))
            .ToList();
    }

    private static List<AnomalyRecord> Anomalies(StoredSnapshots stored, AnomalyThresholds thresholds, DateOnly runningMonth, AnomalySeverity? severity)
    {
        var anomalies = new List<AnomalyRecord>();
        foreach (var (cohortId, rows) in stored.ByCohort)
        {
            var definition = stored.Definitions[cohortId];
            foreach (var a in AccountCohortAnomalies.Detect(cohortId, definition.Name, rows, thresholds, runningMonth))
            {
                if (severity is { } wanted && a.Severity != wanted) continue;
                anomalies.Add(new AnomalyRecord(a.Type.ToWire(), a.Severity.ToWire(), Id(cohortId), a.CohortName,
                    definition.CohortType.ToSnake(), AccountCohortJobs.Month(a.Period), a.Value, a.Threshold, a.Message));
            }
        }
        return anomalies.OrderByDescending(a => a.Period, StringComparer.Ordinal)
            .ThenBy(a => a.Severity == "critical" ? 0 : 1).ThenBy(a => a.CohortName, StringComparer.Ordinal).ThenBy(a => a.Type, StringComparer.Ordinal)
            .ToList();
    }

    private ComparisonResponse Comparison(StoredSnapshots stored, DateOnly? period, Organization org)
    {
        var snapshots = stored.ByCohort;
        var lastComplete = RunningMonth(org).AddMonths(-1);
        if (period is { } asked && asked < lastComplete) lastComplete = ArrTimeline.MonthOf(asked);
        if (snapshots.Count == 0) return new ComparisonResponse(null, [], ComparisonMonths);

        var series = snapshots.Select(x => new CohortNrrSeries(x.Key, stored.Definitions[x.Key].Name,
                StartMonth(stored.Definitions[x.Key], x.Value, org.FiscalYearStartMonth),
                x.Value.ToDictionary(s => s.PeriodMonth, s => s.Nrr)))
            .ToList();
        var at12 = CohortComparison.RankAtAge(series, ComparisonMonths, lastComplete);
        var at6 = CohortComparison.RankAtAge(series, ComparisonEarlyMonths, lastComplete).ToDictionary(r => r.CohortId);
        var starts = series.ToDictionary(c => c.CohortId, c => c.StartMonth);
        return new ComparisonResponse(AccountCohortJobs.Month(lastComplete), at12.Select(r =>
        {
            var arr = snapshots[r.CohortId].LastOrDefault(s => s.PeriodMonth <= lastComplete)?.TotalArr ?? 0m;
            var early = at6[r.CohortId];
            int? age = starts[r.CohortId] is { } start ? Math.Max(0, ArrTimeline.MonthsBetween(start, lastComplete)) : null;
            return new ComparisonRecord(Id(r.CohortId), r.Name, stored.Definitions[r.CohortId].CohortType.ToSnake(), r.Nrr,
                arr, r.Rank, LabelOf(r.Label), age, early.Nrr, early.Rank, LabelOf(early.Label));
        }).ToList(), ComparisonMonths);
    }

    private static string LabelOf(ComparisonLabel label) => label == ComparisonLabel.TooYoung ? "too_young" : label.ToString().ToLowerInvariant();

    /// <summary>
    /// Where a cohort's life starts, for comparing at equal age: a vintage at its quarter's last month (every member
    /// created by then, as its curve); a custom cohort at its first month with ARR; standing cohorts (segment, territory,
    /// rep) have none and are compared over the same recent months.
    /// </summary>
    private static DateOnly? StartMonth(CohortDefinition definition, IReadOnlyList<AccountCohortSnapshot> snapshots, int fiscalYearStartMonth) =>
        definition.CohortType switch
        {
            CohortType.Vintage when Analytics.Periods.FiscalQuarter.TryParse(definition.GroupingValue, out var quarter) =>
                quarter.EndDate(fiscalYearStartMonth).AddMonths(-1),
            CohortType.Custom => snapshots.FirstOrDefault(s => s.TotalArr > 0)?.PeriodMonth,
            _ => null,
        };

    // ---------------------------------------------------------------- page

    /// <summary>Everything the /account-cohorts page shows for one cohort type.</summary>
    public async Task<AccountCohortPageModel> GetPageAsync(CohortType type, CancellationToken ct)
    {
        // Curves come from the contracts; one read of the stored snapshots feeds the heatmaps, anomalies and comparison.
        var curves = await GetVintageCurvesAsync(type, MaxCurveMonths, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var org = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).FirstAsync(ct);
        var definitions = DefinitionRecords(await db.CohortDefinitions.AsNoTracking().ToListAsync(ct));
        var stored = await LoadSnapshotsAsync(db, type, null, null, null, ct);
        var running = RunningMonth(org);
        return new AccountCohortPageModel(type.ToSnake(), org.Currency, await StaleAsync(db, ct), definitions, SnapshotRecords(stored),
            curves with { RunningMonth = AccountCohortJobs.Month(running) }, Anomalies(stored, Thresholds(org.Settings), running, null), Comparison(stored, null, org));
    }

    /// <summary>The live member count of a filter built in the page's builder.</summary>
    public Task<(int? Count, IReadOnlyDictionary<string, string[]>? Errors)> PreviewAsync(FilterNode node, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(FilterJson.Serialize(node));
        return PreviewAsync(document.RootElement.Clone(), ct);
    }

    // ---------------------------------------------------------------- settings and staleness

    /// <summary>Whether the settings changed after the last recompute (the page shows a notice until the next one).</summary>
    public async Task<StaleState> GetStaleStateAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await StaleAsync(db, ct);
    }

    /// <summary>Imports that change what snapshots are computed from (orders do not: ARR comes from contracts).</summary>
    private static readonly string[] SnapshotInputImports =
        [ImportService.AuditAction(ImportEntity.Accounts), ImportService.AuditAction(ImportEntity.Products), ImportService.AuditAction(ImportEntity.AccountProducts)];

    // Audit rows are the record of both the writes and the recomputes, in commit order (ids), so they tell which came last.
    private static async Task<StaleState> StaleAsync(CohortDbContext db, CancellationToken ct)
    {
        var computed = await LatestAsync(db, AccountCohortJobs.RecomputedAction, ct);
        var afterId = computed?.Id ?? 0;
        var settings = await SettingsChangedAfterAsync(db, afterId, ct);
        // Imports since the recompute, newest first; one that changed nothing (a re-import) leaves the numbers right.
        // Before any recompute there are no snapshots for an import to make stale.
        DateTime? imported = null;
        if (computed is not null)
        {
            var imports = await db.AuditEvents.AsNoTracking()
                .Where(e => e.Id > afterId && SnapshotInputImports.Contains(e.Action))
                .OrderByDescending(e => e.Id).Select(e => new { e.At, e.After }).ToListAsync(ct);
            imported = imports.FirstOrDefault(e => ImportService.ChangedRows(e.After))?.At;
        }
        return new StaleState(settings, imported, computed?.At);
    }

    /// <summary>When a settings save after audit row <paramref name="afterId"/> last changed a setting snapshots depend on.</summary>
    private static async Task<DateTime?> SettingsChangedAfterAsync(CohortDbContext db, long afterId, CancellationToken ct)
    {
        var saves = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Id > afterId && (e.Action == SettingsService.AuditAction || e.Action == AccountCohortJobs.SettingsAction))
            .OrderByDescending(e => e.Id).Select(e => new { e.At, e.Action, e.After }).ToListAsync(ct);
        return saves.FirstOrDefault(e => e.Action == AccountCohortJobs.SettingsAction || ChangesSnapshotSettings(e.After))?.At;
    }

    private static bool ChangesSnapshotSettings(string? after)
    {
        if (after is null) return false;
        try
        {
            using var changed = JsonDocument.Parse(after);
            return changed.RootElement.ValueKind == JsonValueKind.Object && changed.RootElement.EnumerateObject()
                .Any(p => SettingsFields.IsKnown(p.Name) && SettingsFields.Field(p.Name).Effect == SettingEffect.AccountCohorts);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static Task<AuditEvent?> LatestAsync(CohortDbContext db, string action, CancellationToken ct) =>
        db.AuditEvents.AsNoTracking().Where(e => e.Action == action).OrderByDescending(e => e.Id).FirstOrDefaultAsync(ct);

    // ---------------------------------------------------------------- helpers

    internal static AnomalyThresholds Thresholds(OrgSettings s) =>
        new(s.NrrWarningBelow, s.NrrCriticalBelow, s.HealthDeclinePoints, s.ChurnAccelerationPeriods);

    private static (FilterNode? Node, IReadOnlyDictionary<string, string[]>? Errors) Parse(JsonElement criteria)
    {
        var parsed = FilterParser.Parse(criteria, FilterContext.CustomCohort, BasePath);
        return parsed.IsValid ? (parsed.Node, null) : (null, Errors(parsed.Errors));
    }

    /// <summary>Filter errors keyed by the offending node's path, e.g. <c>filter_criteria.and.1.op</c>.</summary>
    private static Dictionary<string, string[]> Errors(IEnumerable<FilterError> errors) =>
        errors.GroupBy(e => string.Join('.', e.Path)).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());

    /// <summary>
    /// The cycle, as "cohort 5 ('A') → cohort 7 ('B') → cohort 5 ('A')", that giving cohort <paramref name="selfId"/> the
    /// criteria <paramref name="node"/> would close among the org's custom cohorts, or null. Any length: A → A, A → B → A, ….
    /// </summary>
    private static string? Cycle(long selfId, FilterNode node, IReadOnlyList<CohortDefinition> definitions)
    {
        var byId = definitions.ToDictionary(d => d.Id);
        IEnumerable<long> Refers(long id)
        {
            var criteria = id == selfId ? node
                : byId.TryGetValue(id, out var d) && d.CohortType == CohortType.Custom && d.FilterCriteria is { } stored
                    ? FilterParser.Parse(stored, FilterContext.CustomCohort, []).Node : null;
            return criteria is null ? [] : criteria.Conditions().Where(c => c.Field == FilterFields.CohortId)
                .SelectMany(c => c.Value.AsNumbers()).Select(n => (long)n).Distinct();
        }

        // Depth-first from the cohort being saved, with an explicit stack of (cohort, its path); a path that comes back
        // to the start is the cycle. Each cohort is expanded once.
        var seen = new HashSet<long>();
        var pending = new Stack<(long Id, List<long> Path)>();
        pending.Push((selfId, [selfId]));
        while (pending.Count > 0)
        {
            var (current, path) = pending.Pop();
            foreach (var next in Refers(current))
            {
                if (next == selfId)
                    return string.Join(" → ", path.Append(selfId).Select(i => byId.TryGetValue(i, out var d) ? $"cohort {i} ('{d.Name}')" : $"cohort {i}"));
                if (seen.Add(next)) pending.Push((next, [.. path, next]));
            }
        }
        return null;
    }

    internal static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    // Vintages sort by quarter (their grouping value), others by name.
    private static string SortKey(CohortDefinition d) => d.CohortType == CohortType.Vintage ? d.GroupingValue : d.Name;

    internal static CohortDefinitionRecord ToRecord(CohortDefinition d)
    {
        JsonElement? criteria = null;
        if (!string.IsNullOrEmpty(d.FilterCriteria))
        {
            using var document = JsonDocument.Parse(d.FilterCriteria);
            criteria = document.RootElement.Clone();
        }
        return new CohortDefinitionRecord(Id(d.Id), Id(d.OrgId), d.Name, d.CohortType.ToSnake(), d.GroupingField, d.GroupingValue, criteria, d.MemberCount);
    }

    private static SnapshotRecord ToRecord(CohortSnapshot s, CohortDefinition d) => new(
        Id(s.CohortDefinitionId), d.Name, d.CohortType.ToSnake(), AccountCohortJobs.Month(s.PeriodMonth), s.Members, s.StartingArr, s.TotalArr,
        s.ExpansionArr, s.ContractionArr, s.ChurnArr, s.ChurnCount, s.Nrr, s.Grr, s.AvgHealth, s.AvgRisk, s.ProductsPerAccount,
        s.AdoptionPct, s.ComputedAt);

    private static AccountCohortSnapshot ToEngine(CohortSnapshot s) => new(
        s.CohortDefinitionId, s.PeriodMonth, s.Members, s.StartingArr, s.TotalArr, 0m, s.ExpansionArr, s.ContractionArr, s.ChurnArr,
        s.ChurnCount, s.Nrr, s.Grr, s.AvgHealth, s.AvgRisk, s.ProductsPerAccount, s.AdoptionPct);
}
