using System.Globalization;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Audit;
using CohortDashboard.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Setup;

/// <summary>What a new organization starts with; every other setting takes its default (SPEC §7).</summary>
public sealed record NewOrg(string Name, string Currency, string TimeZone, int FiscalYearStartMonth = 1,
    int? TerminaGroupId = null, int? TerminaDealId = null, string? UpstackPixelId = null);

/// <summary>The created org, and the local admin's subject when one was created.</summary>
public sealed record CreatedOrg(long Id, string Name, string? AdminSubject);

/// <summary>The created org, or why not (errors keyed by setting name, as <c>/api/settings</c> names them).</summary>
public sealed record OrgCreation(CreatedOrg? Org, IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>
/// Creates organizations for real customers: the <c>create-org</c> command and the first-run setup page both come
/// here, so both validate and store the same way (the settings rules, names and aliases unique across orgs).
/// </summary>
public sealed class OrgCreator(IServiceProvider services, TimeProvider clock)
{
    public const string CreatedAction = "organization.created";
    public const string SetupCreator = "setup";

    /// <summary>True when the database holds at least one organization.</summary>
    public async Task<bool> AnyAsync(CancellationToken ct)
    {
        await using var system = DatabaseInitializer.CreateSystemContext(services);
        return await system.Organizations.AnyAsync(ct);
    }

    /// <summary>
    /// Creates the org (with <paramref name="localAdmin"/>, a demo sign-in admin for it) in one transaction, audited as
    /// done by <paramref name="creator"/>. With <paramref name="onlyIfNone"/> it refuses when any org exists: the setup
    /// page may only create the first one.
    /// </summary>
    public async Task<OrgCreation> CreateAsync(NewOrg request, string creator, bool localAdmin, bool onlyIfNone, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var org = new Organization
        {
            Name = request.Name.Trim(), Currency = request.Currency.Trim().ToUpperInvariant(), TimeZone = request.TimeZone.Trim(),
            FiscalYearStartMonth = request.FiscalYearStartMonth, TerminaGroupId = request.TerminaGroupId, TerminaDealId = request.TerminaDealId,
            PixelId = string.IsNullOrWhiteSpace(request.UpstackPixelId) ? null : request.UpstackPixelId.Trim(), CreatedAt = now,
        };
        var values = OrgSettingsValues.From(org);
        var errors = SettingsRules.Validate(values);

        await using var system = DatabaseInitializer.CreateSystemContext(services);
        await using var transaction = await system.Database.BeginTransactionAsync(ct);
        if (onlyIfNone && await system.Organizations.AnyAsync(ct))
            return new OrgCreation(null, new Dictionary<string, string[]> { ["organization"] = ["This installation already has an organization; sign in to add settings."] });
        if (errors.Count == 0) await OrgUniqueness.CheckAsync(system, null, values, errors, ct);
        if (errors.Count > 0) return new OrgCreation(null, errors);

        system.Organizations.Add(org);
        await system.SaveChangesAsync(ct);
        string? adminSubject = null;
        if (localAdmin)
        {
            adminSubject = "demo-org" + org.Id.ToString(CultureInfo.InvariantCulture) + "-admin";
            system.OrgMemberships.Add(new OrgMembership { OrgId = org.Id, Subject = adminSubject, DisplayName = "Administrator", Role = UserRole.Admin });
        }
        var audit = AuditRecord.Create(creator, now, CreatedAction, "organization", org.Id.ToString(CultureInfo.InvariantCulture), null,
            new { values.Name, values.Currency, values.Timezone, local_admin = adminSubject });
        audit.OrgId = org.Id;
        system.AuditEvents.Add(audit);
        await system.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new OrgCreation(new CreatedOrg(org.Id, org.Name, adminSubject), null);
    }
}
