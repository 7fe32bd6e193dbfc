using CohortDashboard.Analytics.AccountCohorts;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.AccountCohorts;

/// <summary>One account_products row as the ARR timeline needs it, plus its adoption.</summary>
internal sealed record ContractRow(ProductContract Contract, decimal AdoptionPct);

/// <summary>Reads the org's account_products for the ARR timeline.</summary>
internal static class AccountProductReader
{
    public static async Task<List<ContractRow>> ReadAsync(CohortDbContext db, CancellationToken ct)
    {
        var rows = await db.AccountProducts.AsNoTracking()
            .Select(ap => new { ap.AccountId, ap.Status, ap.StartDate, ap.EndDate, ap.ContractedArr, ap.AdoptionPct })
            .ToListAsync(ct);
        return rows.Select(r => new ContractRow(
            new ProductContract(r.AccountId, Holding(r.Status), r.StartDate, r.EndDate, r.ContractedArr), r.AdoptionPct)).ToList();
    }

    private static HoldingStatus Holding(AccountProductStatus status) => status switch
    {
        AccountProductStatus.Active => HoldingStatus.Active,
        AccountProductStatus.Churned => HoldingStatus.Churned,
        _ => HoldingStatus.Pending,
    };
}
