using CohortDashboard.Analytics.Filters;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>A cohort definition the filter builder offers for <c>cohort.id</c>.</summary>
public sealed record CohortDefinitionOption(long Id, string Name, string Type);

/// <summary>
/// Small reads the Cohorts page needs besides the matrix: whether the org has orders, its cohort definitions and the
/// values its data holds for the filter builder's free-text fields.
/// </summary>
public sealed class CohortLookups(IDbContextFactory<CohortDbContext> dbFactory)
{
    public async Task<bool> HasOrdersAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Orders.AnyAsync(ct);
    }

    public async Task<IReadOnlyList<CohortDefinitionOption>> DefinitionsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var definitions = await db.CohortDefinitions.AsNoTracking()
            .Select(d => new { d.Id, d.Name, d.CohortType })
            .ToListAsync(ct);
        return definitions
            .OrderBy(d => d.CohortType).ThenBy(d => d.Name, StringComparer.OrdinalIgnoreCase)
            .Select(d => new CohortDefinitionOption(d.Id, d.Name, d.CohortType.ToString()))
            .ToList();
    }

    /// <summary>How many distinct values a suggestion list holds at most (the field's most common ones first).</summary>
    public const int MaxSuggestions = 200;

    /// <summary>
    /// The distinct values of a categorical text field in this org's data (most used first), so the filter builder can
    /// suggest them instead of letting a typo silently match nothing. Empty for fields that have no such list.
    /// </summary>
    public async Task<IReadOnlyList<string>> ValuesAsync(string field, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        IQueryable<string?>? values = field switch
        {
            FilterFields.AccountTerritory => db.Accounts.Select(a => (string?)a.Territory),
            FilterFields.AccountOwnerId => db.Accounts.Select(a => (string?)a.OwnerId),
            FilterFields.AccountUserType => db.Accounts.Select(a => (string?)a.UserType),
            FilterFields.OrderSourceName => db.Orders.Select(o => o.SourceName),
            FilterFields.UtmSource => db.Orders.Select(o => o.UtmSource),
            FilterFields.UtmMedium => db.Orders.Select(o => o.UtmMedium),
            FilterFields.UtmCampaign => db.Orders.Select(o => o.UtmCampaign),
            FilterFields.UtmContent => db.Orders.Select(o => o.UtmContent),
            FilterFields.UtmTerm => db.Orders.Select(o => o.UtmTerm),
            _ => null,
        };
        if (values is null) return [];
        return await values.Where(v => v != null && v != "")
            .GroupBy(v => v!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key)
            .Take(MaxSuggestions).ToListAsync(ct);
    }
}
