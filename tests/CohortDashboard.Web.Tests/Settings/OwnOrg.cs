using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Setup;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Settings;

/// <summary>A new organization of its own inside a seeded app (so a test may change its settings freely), with a local admin.</summary>
public sealed record OwnOrg(long Id, string AdminSubject)
{
    public static async Task<OwnOrg> CreateAsync(CohortAppFactory factory, string timeZone = "UTC", string currency = "EUR")
    {
        _ = factory.BaseAddress;
        await using var scope = factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<OrgCreator>().CreateAsync(
            new NewOrg("Test org " + Guid.NewGuid().ToString("N")[..12], currency, timeZone), "test", localAdmin: true, onlyIfNone: false,
            TestContext.Current.CancellationToken);
        return new OwnOrg(result.Org!.Id, result.Org.AdminSubject!);
    }

    /// <summary>Adds one account per external id and the given orders (account external id, placed, status, gross, refund, refunded at).</summary>
    public async Task AddOrdersAsync(CohortAppFactory factory,
        params (string Account, DateTime PlacedAt, OrderStatus Status, decimal Gross, decimal Refunded, DateTime? RefundedAt)[] orders)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, Id);
        var accounts = orders.Select(o => o.Account).Distinct().ToDictionary(id => id, id => new Account
        {
            ExternalId = id, Name = "Customer " + id, Segment = Segment.Smb, Territory = "North", OwnerId = "rep-1", UserType = "customer",
            CreatedAt = new DateTime(2025, 12, 1, 0, 0, 0, DateTimeKind.Utc), Status = AccountStatus.Active,
        });
        db.Accounts.AddRange(accounts.Values);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        var n = 0;
        foreach (var o in orders)
        {
            db.Orders.Add(new Order
            {
                ExternalId = "o" + ++n, AccountId = accounts[o.Account].Id, PlacedAt = o.PlacedAt, Status = o.Status, GrossRevenue = o.Gross,
                RefundedAmount = o.Refunded, RefundedAt = o.RefundedAt,
            });
        }
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    public async Task<T> WithScopeAsync<T>(CohortAppFactory factory, Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(Id);
        return await action(scope.ServiceProvider);
    }
}
