using CohortDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Settings;

/// <summary>
/// An org's name and compat aliases each name exactly one org (an identity provider's org claim may carry the name;
/// Termina and Upstack requests carry the aliases), so no other org may hold them.
/// </summary>
public static class OrgUniqueness
{
    /// <summary>Adds an error per field another org (not <paramref name="orgId"/>) already holds; <paramref name="system"/> spans orgs.</summary>
    public static async Task CheckAsync(CohortDbContext system, long? orgId, OrgSettingsValues next, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var others = system.Organizations.AsNoTracking().Where(o => o.Id != (orgId ?? 0));
        var lowered = next.Name.ToLowerInvariant();
        if (await others.AnyAsync(o => o.Name.ToLower() == lowered, ct))
            errors["name"] = ["Another organization already has this name."];
        if (next.UpstackPixelId is { } pixel && await others.AnyAsync(o => o.PixelId == pixel, ct))
            errors["upstack_pixel_id"] = ["Another organization already uses this Upstack pixel id."];
        if (next.TerminaGroupId is { } group && next.TerminaDealId is { } deal
            && await others.AnyAsync(o => o.TerminaGroupId == group && o.TerminaDealId == deal, ct))
            errors["termina_group_id"] = ["Another organization already uses this Termina group and deal id."];
    }
}
