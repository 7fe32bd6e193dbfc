namespace CohortDashboard.Data.Tenancy;

/// <summary>
/// The organization the current operation acts for. Scoped per request or circuit; the database context filters every
/// org-owned query by it and refuses to save rows of another org. An unset scope sees nothing (fail closed).
/// </summary>
public sealed class OrgScope
{
    public long? OrgId { get; private set; }

    /// <summary>True only for trusted start-up and command-line work (migrations, demo seeding) that spans orgs.</summary>
    public bool IsSystem { get; private set; }

    public void Set(long orgId)
    {
        if (OrgId is { } current && current != orgId)
            throw new InvalidOperationException("The org scope of an operation cannot change once set.");
        OrgId = orgId;
    }

    public static OrgScope For(long orgId)
    {
        var scope = new OrgScope();
        scope.Set(orgId);
        return scope;
    }

    public static OrgScope System() => new() { IsSystem = true };
}
