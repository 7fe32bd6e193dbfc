using System.Linq.Expressions;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Data.Model;

namespace CohortDashboard.Data.Cohorts;

/// <summary>
/// What a cohort query reads: periods of <see cref="Calendar"/> from <see cref="FirstPeriod"/> (earlier activity is
/// reported as period FirstPeriod − 1, only to tell that a customer was acquired before the range) to the as-of date,
/// orders qualifying under <see cref="Settings"/>, restricted by optional account and order predicates.
/// </summary>
public sealed record CohortFactRequest(
    PeriodCalendar Calendar,
    CohortOrderSettings Settings,
    int FirstPeriod,
    DateOnly AsOfDate,
    Expression<Func<Account, bool>>? AccountFilter = null,
    Expression<Func<Order, bool>>? OrderFilter = null,
    bool NeedsMoney = true)
{
    public int AsOfPeriod => Calendar.IndexOf(AsOfDate);

    /// <summary>The instant the as-of date ends in the calendar's timezone: orders and refunds from then on are left out.</summary>
    public DateTime AsOfEndUtc => Analytics.Periods.LocalCalendar.LocalMidnightToUtc(AsOfDate.AddDays(1), Calendar.Zone);

    public IReadOnlyList<OrderStatus> QualifyingStatuses => Orders.OrderQualification.QualifyingStatuses(Settings);

    /// <summary>The filter <see cref="OrderFilter"/> was translated from, for the columnar store's own translation.</summary>
    public Analytics.Filters.FilterNode? OrderFilterNode { get; init; }

    /// <summary>
    /// Leave out customers whose first qualifying order precedes <see cref="FirstPeriod"/>: a cohort matrix ignores them,
    /// so a source may skip them (per-customer exports still see them, as period FirstPeriod − 1).
    /// </summary>
    public bool OnlyAcquiredInRange { get; init; }

    /// <summary>The context <see cref="OrderFilterNode"/> is translated in (account and cohort leaves, qualifying statuses).</summary>
    public Filters.FilterTranslationContext? FilterContext { get; init; }
}

/// <summary>Which storage a cohort query read, and why (shown on the page and in benchmarks).</summary>
public sealed record CohortFactPath(string Reason, bool UsesColumnar = false)
{
    /// <summary>A short name: columnar or orders.</summary>
    public string Name => UsesColumnar ? "columnar" : "orders";
}
