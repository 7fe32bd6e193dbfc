using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>A cohort definition the filter builder offers for <c>cohort.id</c>.</summary>
public sealed record CohortDefinitionOption(long Id, string Name, string Type);

/// <summary>Small reads the Cohorts page needs besides the matrix: whether the org has orders, and its cohort definitions.</summary>
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
}
