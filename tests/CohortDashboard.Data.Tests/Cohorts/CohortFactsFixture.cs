using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Data.Columnar;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Tests.Cohorts;

/// <summary>
/// A seeded SQLite file with the New York org's columnar store built, and every order of that org held in memory as the
/// engine's reference input.
/// </summary>
public sealed class CohortFactsFixture : IAsyncLifetime
{
    public static readonly DateOnly AsOf = new(2026, 6, 15);
    public const long OrgId = DemoDataGenerator.NorthwindOrgId;

    public TestDatabase Database { get; } = new("cohort-facts");
    public ColumnarStore Columnar { get; private set; } = null!;
    private readonly string _columnarDirectory = Path.Combine(Path.GetTempPath(), "cohortdashboard-tests", "columnar-" + Guid.NewGuid().ToString("N"));
    public IReadOnlyList<(CohortOrder Order, Order Row)> Orders { get; private set; } = [];
    public IReadOnlyDictionary<long, Account> Accounts { get; private set; } = new Dictionary<long, Account>();

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await Database.MigrateAsync();
        await using (var db = Database.System())
            await DemoSeeder.SeedIfEmptyAsync(db, 0.05, AsOf, 11, ct);

        await using var org = Database.For(OrgId);
        Columnar = new ColumnarStore(_columnarDirectory, id => Database.For(id));
        await Columnar.BuildAsync(org, ct);
        Orders = (await org.Orders.AsNoTracking().ToListAsync(ct))
            .Select(o => (new CohortOrder(o.AccountId, o.PlacedAt, (CohortOrderStatus)(int)o.Status, o.GrossRevenue, o.Discounts,
                o.RefundedAmount, o.RefundedAt, o.Cogs, o.ShippingCost, o.Fees), o))
            .ToList();
        Accounts = await org.Accounts.AsNoTracking().ToDictionaryAsync(a => a.Id, ct);
    }

    public ValueTask DisposeAsync()
    {
        Columnar.Dispose();
        try { Directory.Delete(_columnarDirectory, recursive: true); } catch (IOException) { }
        Database.Dispose();
        return ValueTask.CompletedTask;
    }
}
