using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data;

/// <summary>
/// The one place that says "this org's data changed": cached cohort answers and the columnar store are keyed by
/// <see cref="Model.Organization.DataVersion"/>, which lives in the primary database so every app instance sees it.
/// </summary>
public static class OrgDataVersion
{
    /// <summary>
    /// Bumps the data version of <paramref name="db"/>'s current org (imports, recomputes, settings saves). Runs inside
    /// the caller's transaction when there is one, so the bump commits with the change.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="db"/> is not scoped to one org.</exception>
    public static async Task MarkChangedAsync(CohortDbContext db, CancellationToken ct)
    {
        if (db.Scope.OrgId is null || db.Scope.IsSystem) throw new InvalidOperationException("A data version is bumped for one org: use an org-scoped context.");
        await db.Organizations.ExecuteUpdateAsync(s => s.SetProperty(o => o.DataVersion, o => o.DataVersion + 1), ct);
    }

    /// <summary>The current org's data version.</summary>
    public static Task<long> CurrentAsync(CohortDbContext db, CancellationToken ct) =>
        db.Organizations.Select(o => o.DataVersion).SingleAsync(ct);
}
