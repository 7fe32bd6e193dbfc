using CohortDashboard.Data.Model;

namespace CohortDashboard.Data.Orders;

/// <summary>Which order statuses count as revenue under an org's order settings (paid always; pending/voided opt-in).</summary>
public static class OrderQualification
{
    public static OrderStatus[] QualifyingStatuses(OrgSettings settings)
    {
        var statuses = new List<OrderStatus> { OrderStatus.Paid };
        if (settings.CountPendingOrders) statuses.Add(OrderStatus.Pending);
        if (settings.CountVoidedOrders) statuses.Add(OrderStatus.Voided);
        return [.. statuses];
    }
}
