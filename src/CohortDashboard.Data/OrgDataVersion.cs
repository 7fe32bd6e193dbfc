using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data;

/// <summary>
/// The one place that says "this org's data changed". Cached cohort answers are keyed by
/// <see cref="Model.Organization.DataVersion"/>, each instance's columnar store by <see cref="Model.Organization.OrdersVersion"/>;
/// both live in the primary database so every app instance sees a bump.
/// </summary>
public static class OrgDataVersion
{
    /// <summary>
    /// Bumps the data version of <paramref name="db"/>'s current org (imports, recomputes, settings saves), and its orders
    /// version too when <paramref name="ordersChanged"/>. Runs inside the caller's transaction when there is one, so the
    /// bump commits with the change.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="db"/> is not scoped to one org.</exception>
    public static async Task MarkChangedAsync(CohortDbContext db, CancellationToken ct, bool ordersChanged = false)
    {
        if (db.Scope.OrgId is null || db.Scope.IsSystem) throw new InvalidOperationException("A data version is bumped for one org: use an org-scoped context.");
        if (ordersChanged)
            await db.Organizations.ExecuteUpdateAsync(s => s
                .SetProperty(o => o.DataVersion, o => o.DataVersion + 1)
                .SetProperty(o => o.OrdersVersion, o => o.OrdersVersion + 1), ct);
        else
            await db.Organizations.ExecuteUpdateAsync(s => s.SetProperty(o => o.DataVersion, o => o.DataVersion + 1), ct);
    }

    /// <summary>The current org's data version.</summary>
    public static Task<long> CurrentAsync(CohortDbContext db, CancellationToken ct) =>
        db.Organizations.Select(o => o.DataVersion).SingleAsync(ct);

    /// <summary>The current org's orders version (what its columnar store must hold).</summary>
    public static Task<long> OrdersAsync(CohortDbContext db, CancellationToken ct) =>
        db.Organizations.Select(o => o.OrdersVersion).SingleAsync(ct);
}
