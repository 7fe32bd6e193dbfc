using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Data.Model;

namespace CohortDashboard.Data.Orders;

/// <summary>Which order statuses count as revenue under an org's order settings (paid always; pending/voided opt-in).</summary>
public static class OrderQualification
{
    public static OrderStatus[] QualifyingStatuses(OrgSettings settings) =>
        QualifyingStatuses(settings.CountPendingOrders, settings.CountVoidedOrders);

    /// <summary>The same for a query's own order settings (e.g. seed 003's <c>orderSettings</c>).</summary>
    public static OrderStatus[] QualifyingStatuses(CohortOrderSettings settings) =>
        QualifyingStatuses(settings.CountPending, settings.CountVoided);

    private static OrderStatus[] QualifyingStatuses(bool countPending, bool countVoided)
    {
        var statuses = new List<OrderStatus> { OrderStatus.Paid };
        if (countPending) statuses.Add(OrderStatus.Pending);
        if (countVoided) statuses.Add(OrderStatus.Voided);
        return [.. statuses];
    }
}
