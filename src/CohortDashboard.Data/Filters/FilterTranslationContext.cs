using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Orders;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Filters;

/// <summary>What <see cref="FilterExpressions"/> needs besides the filter itself: the org's data, settings and cohorts.</summary>
public sealed class FilterTranslationContext
{
    /// <summary>The org's accounts, for account and cohort leaves inside an order filter (orders have no navigation to accounts).</summary>
    public required IQueryable<Account> Accounts { get; init; }

    /// <summary>The org's orders, for <c>orders.customer_type</c> (which order is an account's first).</summary>
    public required IQueryable<Order> Orders { get; init; }

    /// <summary>Statuses that count as revenue (see <see cref="OrderQualification"/>); decides an account's first order.</summary>
    public required IReadOnlyCollection<OrderStatus> QualifyingStatuses { get; init; }

    /// <summary>The org's cohort definitions by id, for <c>cohort.id</c>.</summary>
    public required IReadOnlyDictionary<long, CohortDefinition> CohortDefinitions { get; init; }

    /// <summary>The org's timezone: calendar dates and fiscal quarters are local days in it.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>The org's fiscal-year start month (1-12), for vintage cohorts (see <see cref="FiscalQuarter"/>).</summary>
    public required int FiscalYearStartMonth { get; init; }

    /// <summary>
    /// Compare <c>orders.value</c> as whole ten-thousandths in SQL (SQLite: decimals are text there, and EF's decimal
    /// arithmetic runs in .NET callbacks per row); false keeps the engine's own decimal arithmetic (PostgreSQL numeric).
    /// </summary>
    public bool CompareMoneyInUnits { get; init; }

    /// <summary>Prefix of the paths in <see cref="FilterTranslationException.Errors"/>, as given to the parser (e.g. <c>["filters"]</c>).</summary>
    public IReadOnlyList<string> BasePath { get; init; } = [];

    /// <summary>A context over an org-scoped <paramref name="db"/>, with the org's settings and its cohort definitions.</summary>
    public static FilterTranslationContext Create(
        CohortDbContext db, Organization organization, IEnumerable<CohortDefinition> cohortDefinitions, IReadOnlyList<string>? basePath = null,
        IReadOnlyCollection<OrderStatus>? qualifyingStatuses = null) => new()
    {
        Accounts = db.Accounts,
        Orders = db.Orders,
        QualifyingStatuses = qualifyingStatuses ?? OrderQualification.QualifyingStatuses(organization.Settings),
        CohortDefinitions = cohortDefinitions.ToDictionary(d => d.Id),
        TimeZone = LocalCalendar.FindTimeZone(organization.TimeZone),
        FiscalYearStartMonth = organization.FiscalYearStartMonth,
        BasePath = basePath ?? [],
        CompareMoneyInUnits = db.Database.IsSqlite(),
    };
}

/// <summary>
/// A filter that passed the parser but cannot be translated against the org's data, e.g. <c>cohort.id</c> naming a
/// cohort that does not exist, or a custom cohort whose criteria refer back to itself. Carries errors in the parser's
/// shape so an endpoint answers 400 exactly as for a parse error.
/// </summary>
public sealed class FilterTranslationException(IReadOnlyList<Analytics.Filters.FilterError> errors)
    : Exception(string.Join(" ", errors.Select(e => $"{string.Join('.', e.Path)}: {e.Message}")))
{
    /// <summary>Every problem found, with the path of the offending value.</summary>
    public IReadOnlyList<Analytics.Filters.FilterError> Errors { get; } = errors;
}
