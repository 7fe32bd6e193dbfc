using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Audit;
using CohortDashboard.Web.Features.Auth;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Settings;

/// <summary>The outcome of a save: the stored values and what changed, or the field errors (nothing stored).</summary>
public sealed record SettingsSaveResult(OrgSettingsValues? Values, IReadOnlyDictionary<string, string[]>? Errors, IReadOnlyList<string> Changed)
{
    public bool Saved => Errors is null;
}

/// <summary>One group of the Admin → Settings page: its fields in order.</summary>
public sealed record SettingsGroupModel(string Name, IReadOnlyList<SettingField> Fields);

/// <summary>What the Admin → Settings page shows: the values, the groups, and whether results are stale.</summary>
public sealed record SettingsPageModel(OrgSettingsValues Values, IReadOnlyList<SettingsGroupModel> Groups, DateTime? ResultsStaleSince,
    bool Recomputing, IReadOnlyList<string> TimeZones, IReadOnlyList<string> Currencies);

/// <summary>
/// Reads and changes the current org's settings (SPEC §7) for the Admin page and <c>/api/settings</c> alike. Every write
/// goes through <see cref="SaveAsync"/>: validated, stored with one audit row in one transaction, and followed by what
/// the change calls for (results marked stale; facts rebuilt in the background after a timezone change).
/// </summary>
public sealed class SettingsService(IDbContextFactory<CohortDbContext> dbFactory, IServiceProvider services, TimeProvider clock,
    SettingsRecompute recompute)
{
    public const string AuditAction = "org_settings.updated";

    public async Task<OrgSettingsValues> GetAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return OrgSettingsValues.From(await db.Organizations.AsNoTracking().SingleAsync(ct));
    }

    /// <summary>When the org's stored results went stale (a settings change or an import), or null when they are current.</summary>
    public async Task<DateTime?> GetResultsStaleSinceAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Organizations.Select(o => o.ResultsStaleSince).SingleAsync(ct);
    }

    public async Task<SettingsPageModel> GetPageAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var org = await db.Organizations.AsNoTracking().SingleAsync(ct);
        var groups = SettingsFields.Groups.Select(g => new SettingsGroupModel(g, SettingsFields.All.Where(f => f.Group == g).ToList())).ToList();
        return new SettingsPageModel(OrgSettingsValues.From(org), groups, org.ResultsStaleSince, recompute.IsRunning(org.Id),
            SettingsRules.TimeZones, SettingsRules.CurrencyCodes);
    }

    /// <summary>
    /// Stores <paramref name="next"/> as the org's settings when valid: the org row and an audit row (the changed
    /// settings before and after) in one transaction. A change to a setting that stored results depend on marks them
    /// stale (<see cref="Organization.ResultsStaleSince"/>); a timezone change also starts the background rebuild.
    /// </summary>
    public async Task<SettingsSaveResult> SaveAsync(Actor actor, OrgSettingsValues next, CancellationToken ct)
    {
        // The page and the route are admin-only already; the service says so itself, so no new caller can forget it.
        if (!actor.MayRun)
            return new SettingsSaveResult(null, new Dictionary<string, string[]> { ["role"] = ["Only admins (or an API key with settings:write) can change settings."] }, []);
        var errors = SettingsRules.Validate(next);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var org = await db.Organizations.SingleAsync(ct);
        if (errors.Count == 0) await CheckUniqueAsync(org.Id, next, errors, ct);
        if (errors.Count > 0) return new SettingsSaveResult(null, errors, []);

        var before = OrgSettingsValues.From(org);
        var changed = SettingsFields.Changed(before, next);
        if (changed.Count == 0) return new SettingsSaveResult(before, null, changed);

        var now = clock.GetUtcNow().UtcDateTime;
        next.ApplyTo(org);
        var effects = changed.Select(k => SettingsFields.Field(k).Effect).ToHashSet();
        if (effects.Contains(SettingEffect.Facts) || effects.Contains(SettingEffect.DerivedTables)) org.ResultsStaleSince = now;
        var (beforeValues, afterValues) = (SettingsFields.ValuesOf(before), SettingsFields.ValuesOf(next));
        db.AuditEvents.Add(AuditRecord.Create(actor.Subject, now, AuditAction, "organization", org.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            changed.ToDictionary(k => k, k => beforeValues[k]), changed.ToDictionary(k => k, k => afterValues[k])));
        // Cached answers and the columnar store are keyed by the data version: the bump commits with the change.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            await OrgDataVersion.MarkChangedAsync(db, ct);
            await transaction.CommitAsync(ct);
        }

        if (effects.Contains(SettingEffect.Facts)) recompute.Start(org.Id, actor.Subject);
        return new SettingsSaveResult(next, null, changed);
    }

    private async Task CheckUniqueAsync(long orgId, OrgSettingsValues next, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        // Uniqueness spans orgs, so this one read is explicitly system-wide; it answers only yes or no.
        await using var system = DatabaseInitializer.CreateSystemContext(services);
        await OrgUniqueness.CheckAsync(system, orgId, next, errors, ct);
    }
}
