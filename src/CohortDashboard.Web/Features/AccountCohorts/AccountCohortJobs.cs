using System.Globalization;
using CohortDashboard.Analytics.AccountCohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data;
using CohortDashboard.Data.Bulk;
using CohortDashboard.Data.Filters;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.AccountCohorts;

/// <summary>
/// The two writes of account cohorts over one org-scoped context: generating the auto definitions and recomputing
/// snapshots. The service gates them per org; start-up seeding and the benchmark call them directly.
/// </summary>
public static class AccountCohortJobs
{
    /// <summary>Snapshot months kept: the current month and the 35 before it.</summary>
    public const int SnapshotMonths = 36;

    public const string GeneratedAction = "cohort_definitions.generated";
    public const string RecomputedAction = "cohort_snapshots.recomputed";
    /// <summary>Settings saves of the former account-cohort panel; still read, so such a save before any recompute keeps counting.</summary>
    public const string SettingsAction = "account_cohort_settings.updated";

    internal static readonly CohortType[] AutoTypes = [CohortType.Vintage, CohortType.Segment, CohortType.Territory, CohortType.Rep];

    /// <summary>The grouping field of each auto type, as stored and shown in <c>grouping_field</c>.</summary>
    internal static string GroupingField(CohortType type) => type switch
    {
        CohortType.Vintage => "created_at",
        CohortType.Segment => "segment",
        CohortType.Territory => "territory",
        CohortType.Rep => "owner_id",
        _ => "filter_criteria",
    };

    internal static string AutoName(CohortType type, string value) => type switch
    {
        CohortType.Vintage => VintageNames.Prefix + value,
        CohortType.Segment => "Segment " + value,
        CohortType.Territory => "Territory " + value,
        CohortType.Rep => "Rep " + value,
        _ => value,
    };

    private sealed record AccountRow(
        long Id, DateTime CreatedAt, Segment Segment, string Territory, string OwnerId, AccountStatus Status, int HealthScore, int RiskScore);

    /// <summary>
    /// Seed 000's POST: groups the org's accounts by vintage (fiscal quarter of created_at, local date), segment,
    /// territory and owner; inserts a definition per new group and refreshes member_count on existing ones (matched by
    /// type + grouping_field + grouping_value). Existing auto definitions whose group has no accounts any more are kept
    /// (snapshots may refer to them) with member_count 0, and counted in neither figure. One transaction, with its audit row.
    /// </summary>
    public static async Task<GenerateDefinitionsResponse> GenerateDefinitionsAsync(CohortDbContext db, string actor, DateTime now, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).FirstAsync(ct);
        var zone = LocalCalendar.FindTimeZone(org.TimeZone);
        var accounts = await db.Accounts.AsNoTracking()
            .Select(a => new { a.CreatedAt, a.Segment, a.Territory, a.OwnerId })
            .ToListAsync(ct);

        var groups = new Dictionary<(CohortType Type, string Value), int>();
        foreach (var a in accounts)
        {
            Count(groups, CohortType.Vintage, VintageNames.QuarterOf(a.CreatedAt, zone, org.FiscalYearStartMonth).Label);
            Count(groups, CohortType.Segment, a.Segment.ToWire());
            if (!string.IsNullOrWhiteSpace(a.Territory)) Count(groups, CohortType.Territory, a.Territory);
            if (!string.IsNullOrWhiteSpace(a.OwnerId)) Count(groups, CohortType.Rep, a.OwnerId);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.CohortDefinitions.Where(d => d.CohortType != CohortType.Custom).ToListAsync(ct);
        var byKey = existing.ToDictionary(d => (d.CohortType, d.GroupingField, d.GroupingValue));
        var names = (await db.CohortDefinitions.Select(d => d.Name).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        int inserted = 0, updated = 0;
        var breakdown = AutoTypes.ToDictionary(t => t, _ => 0);
        foreach (var ((type, value), members) in groups.OrderBy(g => g.Key.Type).ThenBy(g => g.Key.Value, StringComparer.Ordinal))
        {
            breakdown[type]++;
            if (byKey.Remove((type, GroupingField(type), value), out var definition))
            {
                definition.MemberCount = members;
                definition.UpdatedAt = now;
                updated++;
                continue;
            }
            var name = AutoName(type, value);
            // Names are unique per org; a custom cohort may already hold this one.
            if (!names.Add(name)) name = UniqueName(names, $"{name} ({type.ToSnake()})");
            db.CohortDefinitions.Add(new CohortDefinition
            {
                Name = name, CohortType = type, GroupingField = GroupingField(type), GroupingValue = value,
                MemberCount = members, CreatedAt = now, UpdatedAt = now,
            });
            inserted++;
        }
        foreach (var orphan in byKey.Values.Where(d => d.MemberCount != 0))
        {
            orphan.MemberCount = 0;
            orphan.UpdatedAt = now;
        }

        var response = new GenerateDefinitionsResponse(true, groups.Count, inserted, updated,
            new CohortBreakdown(breakdown[CohortType.Vintage], breakdown[CohortType.Segment], breakdown[CohortType.Territory], breakdown[CohortType.Rep]));
        db.AuditEvents.Add(AuditRecord.Create(actor, now, GeneratedAction, "cohort_definitions", null,
            new { definitions = existing.Count }, response));
        await db.SaveChangesAsync(ct);
        // New definitions change what cohort breakdowns show.
        await OrgDataVersion.MarkChangedAsync(db, ct);
        await transaction.CommitAsync(ct);
        return response;
    }

    /// <summary>Everything the snapshot and curve computations need, loaded once.</summary>
    internal sealed record CohortInputs(
        Organization Org, DateOnly FromMonth, DateOnly ToMonth, ChurnBasis Basis,
        IReadOnlyList<CohortDefinition> Definitions, IReadOnlyDictionary<long, CohortMembers> Members);

    /// <summary>
    /// Loads accounts, their contracts and every definition's current membership (custom ones through the filter
    /// language, in SQL), and builds each account's ARR series up to the current month in the org's timezone.
    /// </summary>
    internal static async Task<CohortInputs> LoadInputsAsync(CohortDbContext db, DateTime nowUtc, CancellationToken ct, CohortType? onlyType = null)
    {
        var org = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).FirstAsync(ct);
        var zone = LocalCalendar.FindTimeZone(org.TimeZone);
        var toMonth = ArrTimeline.MonthOf(LocalCalendar.LocalDate(nowUtc, zone));
        var fromMonth = toMonth.AddMonths(-(SnapshotMonths - 1));
        var basis = org.Settings.ChurnDefinition == ChurnDefinition.Logo ? ChurnBasis.Logo : ChurnBasis.Revenue;

        var allDefinitions = await db.CohortDefinitions.AsNoTracking().OrderBy(d => d.CohortType).ThenBy(d => d.Name).ToListAsync(ct);
        var definitions = onlyType is { } t ? allDefinitions.Where(d => d.CohortType == t).ToList() : allDefinitions;
        var accounts = await db.Accounts.AsNoTracking()
            .Select(a => new AccountRow(a.Id, a.CreatedAt, a.Segment, a.Territory, a.OwnerId, a.Status, a.HealthScore, a.RiskScore))
            .ToListAsync(ct);
        var contracts = await AccountProductReader.ReadAsync(db, ct);

        var series = ArrTimeline.Build(contracts.Select(c => c.Contract), toMonth).ToDictionary(s => s.AccountId);
        var active = contracts.Where(c => c.Contract.Status == HoldingStatus.Active)
            .GroupBy(c => c.Contract.AccountId)
            .ToDictionary(g => g.Key, g => (Count: g.Count(), Adoption: Math.Round(g.Average(c => c.AdoptionPct), 2, MidpointRounding.AwayFromZero)));
        var cohortAccounts = new Dictionary<long, CohortAccount>(accounts.Count);
        foreach (var a in accounts)
        {
            var holding = active.GetValueOrDefault(a.Id);
            cohortAccounts[a.Id] = new CohortAccount(
                series.GetValueOrDefault(a.Id) ?? AccountArrSeries.Zero(a.Id, toMonth),
                a.Status == AccountStatus.Churned, null, a.HealthScore, a.RiskScore, holding.Count, holding.Adoption);
        }

        var byGroup = new Dictionary<(CohortType, string), List<long>>();
        foreach (var a in accounts)
        {
            Add(byGroup, CohortType.Vintage, VintageNames.QuarterOf(a.CreatedAt, zone, org.FiscalYearStartMonth).Label, a.Id);
            Add(byGroup, CohortType.Segment, a.Segment.ToWire(), a.Id);
            Add(byGroup, CohortType.Territory, a.Territory, a.Id);
            Add(byGroup, CohortType.Rep, a.OwnerId, a.Id);
        }

        var members = new Dictionary<long, CohortMembers>();
        foreach (var definition in definitions)
        {
            IReadOnlyList<long> ids = definition.CohortType == CohortType.Custom
                ? await CustomMemberIdsAsync(db, org, allDefinitions, definition, ct)
                : byGroup.GetValueOrDefault((definition.CohortType, definition.GroupingValue)) ?? [];
            members[definition.Id] = new CohortMembers(definition.Id, definition.Name,
                ids.Select(id => cohortAccounts.GetValueOrDefault(id)).OfType<CohortAccount>().ToList());
        }
        return new CohortInputs(org, fromMonth, toMonth, basis, definitions, members);
    }

    private static async Task<IReadOnlyList<long>> CustomMemberIdsAsync(
        CohortDbContext db, Organization org, IReadOnlyList<CohortDefinition> definitions, CohortDefinition definition, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(definition.FilterCriteria)) return [];
        var parsed = FilterParser.Parse(definition.FilterCriteria, FilterContext.CustomCohort, []);
        if (!parsed.IsValid) return [];
        try
        {
            var predicate = FilterExpressions.ForAccounts(parsed.Node!, FilterTranslationContext.Create(db, org, definitions));
            return await db.Accounts.AsNoTracking().Where(predicate).Select(a => a.Id).ToListAsync(ct);
        }
        catch (FilterTranslationException)
        {
            // A custom cohort naming a deleted cohort has no members rather than breaking the whole recompute.
            return [];
        }
    }

    /// <summary>
    /// Recomputes every definition's monthly snapshots for the last <see cref="SnapshotMonths"/> months and replaces the
    /// org's snapshots in one transaction (a failure leaves the previous ones), refreshing custom cohorts' member counts
    /// and writing the audit row in the same transaction. Months in which a cohort has no ARR at either end are not stored.
    /// </summary>
    public static async Task<RecomputeResponse> RecomputeSnapshotsAsync(CohortDbContext db, string actor, DateTime now, CancellationToken ct)
    {
        var orgId = db.Scope.OrgId ?? throw new InvalidOperationException("No organization in scope.");
        var inputs = await LoadInputsAsync(db, now, ct);
        var rows = new List<CohortSnapshot>();
        foreach (var definition in inputs.Definitions)
        {
            var snapshots = CohortSnapshotCalculator.Compute(inputs.Members[definition.Id], inputs.FromMonth, inputs.ToMonth, inputs.Basis);
            rows.AddRange(snapshots
                .Where(s => s.StartingArr != 0 || s.TotalArr != 0 || s.Members != 0)
                .Select(s => new CohortSnapshot
                {
                    OrgId = orgId, // the bulk writer bypasses the context's guard: the org comes from the scope
                    CohortDefinitionId = definition.Id,
                    PeriodMonth = s.PeriodMonth,
                    Members = s.Members,
                    StartingArr = s.StartingArr,
                    TotalArr = s.TotalArr,
                    ExpansionArr = s.ExpansionArr,
                    ContractionArr = s.ContractionArr,
                    ChurnArr = s.ChurnArr,
                    ChurnCount = s.ChurnCount,
                    Nrr = s.Nrr,
                    Grr = s.Grr,
                    AvgHealth = s.AvgHealth,
                    AvgRisk = s.AvgRisk,
                    ProductsPerAccount = s.ProductsPerAccount,
                    AdoptionPct = s.AdoptionPct,
                    ComputedAt = now,
                }));
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await BulkWriter.LockForWritersAsync<CohortSnapshot>(db, ct);
            var removed = await db.CohortSnapshots.ExecuteDeleteAsync(ct);
            var nextId = await BulkWriter.NextIdAsync<CohortSnapshot>(db, ct);
            for (var i = 0; i < rows.Count; i++) rows[i].Id = nextId + i;
            var written = await BulkWriter.InsertAsync(db, rows, ct);
            var customs = inputs.Definitions.Where(d => d.CohortType == CohortType.Custom).Select(d => d.Id).ToList();
            if (customs.Count > 0)
            {
                var tracked = await db.CohortDefinitions.Where(d => customs.Contains(d.Id)).ToListAsync(ct);
                foreach (var d in tracked) d.MemberCount = inputs.Members[d.Id].Accounts.Count;
            }
            var response = new RecomputeResponse(true, inputs.Definitions.Count, (int)written, Month(inputs.FromMonth), Month(inputs.ToMonth),
                inputs.Org.Settings.ChurnDefinition.ToSnake(), now);
            db.AuditEvents.Add(AuditRecord.Create(actor, now, RecomputedAction, "cohort_snapshots", null, new { snapshots = removed }, response));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return response;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    internal static string Month(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static void Count(Dictionary<(CohortType, string), int> groups, CohortType type, string value) =>
        groups[(type, value)] = groups.GetValueOrDefault((type, value)) + 1;

    private static void Add(Dictionary<(CohortType, string), List<long>> groups, CohortType type, string value, long id)
    {
        if (!groups.TryGetValue((type, value), out var list)) groups[(type, value)] = list = [];
        list.Add(id);
    }

    private static string UniqueName(HashSet<string> names, string name)
    {
        var candidate = name;
        for (var i = 2; !names.Add(candidate); i++) candidate = $"{name} {i}";
        return candidate;
    }
}
