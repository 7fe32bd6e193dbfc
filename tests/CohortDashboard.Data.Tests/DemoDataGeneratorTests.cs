using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;

namespace CohortDashboard.Data.Tests;

public sealed class DemoDataGeneratorTests
{
    private static readonly DateOnly AsOf = new(2026, 6, 15);
    private static readonly DateTime AsOfInstant = new(2026, 6, 15, 0, 0, 0, DateTimeKind.Utc);

    // shared across tests of this class: generation is pure, so one instance per scale is enough
    private static readonly Lazy<DemoDataSet> Small = new(() => DemoDataGenerator.Generate(7, 0.05, AsOf));
    private static readonly Lazy<DemoDataSet> Medium = new(() => DemoDataGenerator.Generate(7, 0.25, AsOf));
    private static readonly Lazy<List<Order>> MediumOrders = new(() => Medium.Value.Orders.ToList());

    [Fact]
    public void Generate_SameSeedScaleAndAsOf_IdenticalRows()
    {
        var first = RowCanon.Hash(DemoDataGenerator.Generate(11, 0.05, AsOf));
        var second = RowCanon.Hash(DemoDataGenerator.Generate(11, 0.05, AsOf));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Generate_OrdersEnumeratedTwice_IdenticalRows()
    {
        var data = DemoDataGenerator.Generate(11, 0.05, AsOf);
        Assert.Equal(data.Orders.Select(RowCanon.Row), data.Orders.Select(RowCanon.Row));
        Assert.Equal(data.OrderCount, data.Orders.LongCount());
    }

    [Fact]
    public void Generate_DifferentSeed_DifferentRows()
    {
        var first = DemoDataGenerator.Generate(11, 0.05, AsOf);
        var second = DemoDataGenerator.Generate(12, 0.05, AsOf);
        Assert.NotEqual(RowCanon.Hash(first), RowCanon.Hash(second));
        Assert.NotEqual(first.Accounts.Select(a => a.CreatedAt), second.Accounts.Select(a => a.CreatedAt));
    }

    [Fact]
    public void Generate_DifferentAsOf_DataMovesWithIt()
    {
        var later = DemoDataGenerator.Generate(7, 0.05, AsOf.AddDays(30));
        Assert.All(later.Orders, o => Assert.True(o.PlacedAt < AsOfInstant.AddDays(30)));
        Assert.NotEqual(RowCanon.Hash(Small.Value), RowCanon.Hash(later));
    }

    [Fact]
    public void Generate_ScaleOne_HasTheSpecifiedSizes()
    {
        var data = DemoDataGenerator.Generate(DemoDataGenerator.DefaultSeed, 1, AsOf);
        Assert.Equal(2000, data.Accounts.Count(a => a.OrgId == DemoDataGenerator.NorthwindOrgId));
        Assert.Equal(100, data.Accounts.Count(a => a.OrgId == DemoDataGenerator.ContosoOrgId));
        Assert.Equal(12, data.Products.Count(p => p.OrgId == DemoDataGenerator.NorthwindOrgId));
        Assert.Equal(4, data.Products.Where(p => p.OrgId == DemoDataGenerator.NorthwindOrgId).Select(p => p.Category).Distinct().Count());
        Assert.InRange(data.OrderCount, 80_000, 88_000);

        var northwind = data.Accounts.Where(a => a.OrgId == DemoDataGenerator.NorthwindOrgId).ToList();
        Assert.InRange(Share(northwind, a => a.Segment == Segment.Enterprise), 0.12, 0.18);
        Assert.InRange(Share(northwind, a => a.Segment == Segment.MidMarket), 0.31, 0.39);
        Assert.InRange(Share(northwind, a => a.Segment == Segment.Smb), 0.46, 0.54);
        Assert.Equal(6, northwind.Select(a => a.Territory).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"rep-{i:00}"), northwind.Select(a => a.OwnerId).Distinct().Order());
        Assert.InRange(Share(northwind, a => a.UserType == "business"), 0.7, 0.95);
        Assert.InRange(Share(northwind, a => a.ExpansionPropensity is null), 0.06, 0.14);
        Assert.InRange(Share(northwind, a => a.Status == AccountStatus.Churned), 0.08, 0.4);
    }

    [Fact]
    public void Generate_SmallScale_OrganizationsAndMembershipsAsSpecified()
    {
        var data = Small.Value;
        Assert.Collection(data.Organizations.OrderBy(o => o.Id),
            northwind =>
            {
                Assert.Equal(("Northwind Learning", "USD", "America/New_York", 1), (northwind.Name, northwind.Currency, northwind.TimeZone, northwind.FiscalYearStartMonth));
                Assert.Equal((1, 1, "demo-pixel"), (northwind.TerminaGroupId, northwind.TerminaDealId, northwind.PixelId));
            },
            contoso =>
            {
                Assert.Equal(("Contoso Retail", "EUR", "Europe/Berlin"), (contoso.Name, contoso.Currency, contoso.TimeZone));
                Assert.Equal((2, 1, "contoso-pixel"), (contoso.TerminaGroupId, contoso.TerminaDealId, contoso.PixelId));
            });
        Assert.Equal(
            [
                ("demo-admin", 1L, UserRole.Admin, null),
                ("demo-analyst", 1L, UserRole.Analyst, null),
                ("demo-am", 1L, UserRole.AccountManager, "rep-01"),
                ("demo-contoso-admin", 2L, UserRole.Admin, (string?)null),
            ],
            data.OrgMemberships.Select(m => (m.Subject, m.OrgId, m.Role, m.OwnerId)));
        Assert.All(data.Organizations, o => Assert.Equal(DateTimeKind.Utc, o.CreatedAt.Kind));
    }

    [Fact]
    public void Generate_SmallScale_EveryInvariantHolds()
    {
        var data = Small.Value;
        var orders = data.Orders.ToList();
        var orgIds = data.Organizations.Select(o => o.Id).ToHashSet();
        var accounts = data.Accounts.ToDictionary(a => a.Id);
        var products = data.Products.ToDictionary(p => p.Id);

        Assert.NotEmpty(orders);
        Assert.Contains(data.Accounts, a => a.OrgId == DemoDataGenerator.ContosoOrgId);
        Assert.Contains(orders, o => o.OrgId == DemoDataGenerator.ContosoOrgId);

        // ids and external ids unique
        AssertUnique(data.Accounts.Select(a => a.Id));
        AssertUnique(data.Products.Select(p => p.Id));
        AssertUnique(data.AccountProducts.Select(p => p.Id));
        AssertUnique(orders.Select(o => o.Id));
        AssertUnique(data.Accounts.Select(a => (a.OrgId, a.ExternalId)));
        AssertUnique(data.Products.Select(p => (p.OrgId, p.ExternalId)));
        AssertUnique(orders.Select(o => (o.OrgId, o.ExternalId)));
        Assert.All(data.Accounts, a => Assert.Matches(@"^acc-\d{6}$", a.ExternalId));
        Assert.All(data.Products, p => Assert.Matches(@"^prod-\d{2}$", p.ExternalId));
        Assert.All(orders, o => Assert.Matches(@"^ord-\d{7}$", o.ExternalId));

        Assert.All(data.OrgMemberships, m => Assert.Contains(m.OrgId, orgIds));
        Assert.All(data.Products, p => Assert.Contains(p.OrgId, orgIds));
        foreach (var account in data.Accounts)
        {
            Assert.Contains(account.OrgId, orgIds);
            Assert.Equal(DateTimeKind.Utc, account.CreatedAt.Kind);
            Assert.True(account.CreatedAt < AsOfInstant && account.CreatedAt >= AsOfInstant.AddMonths(-36), account.ExternalId);
            Assert.InRange(account.HealthScore, 0, 100);
            Assert.InRange(account.RiskScore, 0, 100);
            if (account.ExpansionPropensity is { } propensity) Assert.InRange(propensity, 0, 100);
            var rows = data.AccountProducts.Where(p => p.AccountId == account.Id).ToList();
            var active = rows.Where(p => p.Status == AccountProductStatus.Active).ToList();
            Assert.Equal(active.Sum(p => p.ContractedArr), account.Arr);
            switch (account.Status)
            {
                case AccountStatus.Churned:
                    Assert.Empty(active);
                    Assert.NotEmpty(rows);
                    break;
                case AccountStatus.Active:
                    Assert.NotEmpty(active);
                    break;
                case AccountStatus.Prospect:
                    Assert.Empty(rows);
                    break;
            }
        }

        foreach (var row in data.AccountProducts)
        {
            var account = accounts[row.AccountId];
            var product = products[row.ProductId];
            Assert.Equal(row.OrgId, account.OrgId);
            Assert.Equal(row.OrgId, product.OrgId);
            Assert.True(row.StartDate >= DateOnly.FromDateTime(account.CreatedAt), $"ap {row.Id} starts before its account");
            if (row.EndDate is { } end) Assert.True(row.StartDate <= end, $"ap {row.Id} ends before it starts");
            Assert.InRange(row.AdoptionPct, 0m, 100m);
            Assert.InRange(row.SeatsActive, 0, row.SeatsLicensed);
            Assert.True(row.ContractedArr > 0);
            switch (row.Status)
            {
                case AccountProductStatus.Active:
                    Assert.Null(row.EndDate);
                    Assert.True(row.StartDate < AsOf);
                    break;
                case AccountProductStatus.Churned:
                    Assert.NotNull(row.EndDate);
                    Assert.True(row.EndDate < AsOf);
                    break;
                case AccountProductStatus.Pending:
                    Assert.Null(row.EndDate);
                    Assert.True(row.StartDate >= AsOf);
                    break;
                default:
                    Assert.Fail($"unknown status {row.Status}");
                    break;
            }
            Assert.True(row.StartDate >= AsOf.AddMonths(-36));
        }

        foreach (var order in orders)
        {
            var account = accounts[order.AccountId];
            Assert.Equal(order.OrgId, account.OrgId);
            Assert.Equal(DateTimeKind.Utc, order.PlacedAt.Kind);
            Assert.True(order.PlacedAt >= account.CreatedAt, $"{order.ExternalId} placed before its account existed");
            Assert.True(order.PlacedAt >= AsOfInstant.AddMonths(-24) && order.PlacedAt < AsOfInstant, $"{order.ExternalId} outside the window");
            Assert.True(order.GrossRevenue > 0);
            Assert.InRange(order.Discounts, 0m, order.GrossRevenue);
            Assert.InRange(order.RefundedAmount, 0m, order.GrossRevenue - order.Discounts);
            Assert.Equal(order.RefundedAmount > 0, order.RefundedAt is not null);
            if (order.RefundedAt is { } refundedAt)
            {
                Assert.Equal(DateTimeKind.Utc, refundedAt.Kind);
                Assert.True(refundedAt >= order.PlacedAt && refundedAt < AsOfInstant, $"{order.ExternalId} refund time");
                Assert.Equal(OrderStatus.Paid, order.Status);
            }
            Assert.True(order.Cogs >= 0 && order.ShippingCost >= 0 && order.Fees >= 0);
            Assert.Contains(order.SourceName, new[] { "web", "pos", "mobile_app", "partner" });
            Assert.Contains(order.PaymentGateway, new[] { "stripe", "paypal", "adyen", "manual" });
            Assert.All(order.Tags, tag => Assert.Contains(tag, new[] { "vip", "wholesale", "subscription", "promo" }));
        }
    }

    [Fact]
    public void Generate_MediumScale_HasTheVarietyAnalyticsNeed()
    {
        var data = Medium.Value;
        var orders = MediumOrders.Value;
        var zones = data.Organizations.ToDictionary(o => o.Id, o => TimeZoneInfo.FindSystemTimeZoneById(o.TimeZone));
        DateTime Local(Order o) => TimeZoneInfo.ConvertTimeFromUtc(o.PlacedAt, zones[o.OrgId]);

        Assert.Contains(orders, o => o.Status == OrderStatus.Voided);
        Assert.Contains(orders, o => o.Status == OrderStatus.Pending);
        Assert.Contains(orders, o => o.RefundedAmount == o.GrossRevenue - o.Discounts && o.RefundedAmount > 0);
        Assert.Contains(orders, o => o.RefundedAmount > 0 && o.RefundedAmount < o.GrossRevenue - o.Discounts);
        Assert.Contains(orders, o => o.RefundedAt is { } at && (at.Year, at.Month) != (o.PlacedAt.Year, o.PlacedAt.Month));
        Assert.Contains(orders, o => o.Discounts > 0);
        Assert.Contains(orders, o => o.UtmSource is not null && o.UtmMedium is not null && o.UtmCampaign is not null &&
                                     o.UtmContent is not null && o.UtmTerm is not null);
        Assert.Equal(["mobile_app", "partner", "pos", "web"], orders.Select(o => o.SourceName).Distinct().Order());
        Assert.Equal(["adyen", "manual", "paypal", "stripe"], orders.Select(o => o.PaymentGateway).Distinct().Order());
        Assert.Equal(["promo", "subscription", "vip", "wholesale"], orders.SelectMany(o => o.Tags).Distinct().Order());
        Assert.True(orders.Select(o => o.OrderType).Distinct().Count() >= 3);

        // late evening on a month's last local day, in the local zone (the UTC date is already the next day for some)
        Assert.Contains(orders, o => Local(o) is var l && l.Hour >= 22 && l.Day == DateTime.DaysInMonth(l.Year, l.Month) &&
                                     o.PlacedAt.Day != l.Day);
        // the small hours of a DST change day, in both zones
        foreach (var org in data.Organizations)
        {
            Assert.Contains(orders, o => o.OrgId == org.Id && Local(o) is var l && l.Hour < 5 &&
                                         zones[org.Id].GetUtcOffset(l.Date) != zones[org.Id].GetUtcOffset(l.Date.AddDays(1)));
        }
        // local hours are spread over the day
        Assert.Equal(24, orders.Where(o => o.OrgId == DemoDataGenerator.NorthwindOrgId).Select(o => Local(o).Hour).Distinct().Count());

        // account lifecycles: expansion (products added later), contraction, churn, and churn followed by a return
        var rowsByAccount = data.AccountProducts.ToLookup(p => p.AccountId);
        Assert.Contains(data.Accounts, a => rowsByAccount[a.Id].Select(p => p.StartDate).Distinct().Count() > 1);
        Assert.Contains(data.AccountProducts, ended => ended.EndDate is { } end && data.AccountProducts.Any(next =>
            next.AccountId == ended.AccountId && next.ProductId == ended.ProductId && next.StartDate == end &&
            next.ContractedArr < ended.ContractedArr));
        Assert.Contains(data.Accounts, a => a.Status == AccountStatus.Churned);
        Assert.Contains(data.Accounts, a => a.Status == AccountStatus.Active && rowsByAccount[a.Id] is var rows &&
                                            rows.Any(ended => ended.EndDate is { } end && rows.All(r => r.StartDate <= end || r.StartDate > end.AddDays(30)) &&
                                                              rows.Where(r => r.StartDate > end).Any() &&
                                                              !rows.Any(r => r.StartDate <= end && (r.EndDate is null || r.EndDate > end))));
        Assert.Contains(data.AccountProducts, p => p.Status == AccountProductStatus.Pending);

        // health relates to churn
        var northwind = data.Accounts.Where(a => a.OrgId == DemoDataGenerator.NorthwindOrgId).ToList();
        var churnedHealth = northwind.Where(a => a.Status == AccountStatus.Churned).Average(a => a.HealthScore);
        var activeHealth = northwind.Where(a => a.Status == AccountStatus.Active).Average(a => a.HealthScore);
        Assert.True(activeHealth - churnedHealth > 10, $"active {activeHealth:0.0} vs churned {churnedHealth:0.0}");
    }

    [Fact]
    public void Generate_MediumScale_HasCoAdoptionStructure()
    {
        var data = Medium.Value;
        var northwind = data.Accounts.Where(a => a.OrgId == DemoDataGenerator.NorthwindOrgId).Select(a => a.Id).ToHashSet();
        var owners = data.AccountProducts.Where(p => northwind.Contains(p.AccountId))
            .GroupBy(p => p.ProductId).ToDictionary(g => g.Key, g => g.Select(p => p.AccountId).ToHashSet());
        var core = data.Products.Single(p => p.OrgId == DemoDataGenerator.NorthwindOrgId && p.ExternalId == "prod-01");

        Assert.True(owners[core.Id].Count > 0.8 * northwind.Count, $"core owned by {owners[core.Id].Count} of {northwind.Count}");

        var strongPairs = 0;
        foreach (var (a, ownersOfA) in owners)
        foreach (var (b, ownersOfB) in owners)
        {
            if (a == b || ownersOfA.Count < 20) continue;
            var conditional = (double)ownersOfA.Count(ownersOfB.Contains) / ownersOfA.Count;
            var baseRate = (double)ownersOfB.Count / northwind.Count;
            if (conditional > 0.4 && conditional > 2.5 * baseRate) strongPairs++;
        }
        Assert.True(strongPairs >= 3, $"{strongPairs} strong pairs");

        // in a strong pair the target starts after the source
        var analytics = data.Products.Single(p => p.OrgId == 1 && p.ExternalId == "prod-04").Id;
        var reporting = data.Products.Single(p => p.OrgId == 1 && p.ExternalId == "prod-05").Id;
        var firstStart = data.AccountProducts.GroupBy(p => (p.AccountId, p.ProductId)).ToDictionary(g => g.Key, g => g.Min(p => p.StartDate));
        var both = owners[analytics].Where(owners[reporting].Contains).ToList();
        Assert.NotEmpty(both);
        Assert.True(both.Count(id => firstStart[(id, reporting)] > firstStart[(id, analytics)]) > 0.8 * both.Count);
    }

    [Fact]
    public void Generate_NonPositiveScale_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoDataGenerator.Generate(1, 0, AsOf));
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoDataGenerator.Generate(1, double.NaN, AsOf));
    }

    private static double Share<T>(IReadOnlyCollection<T> items, Func<T, bool> predicate) =>
        (double)items.Count(predicate) / items.Count;

    private static void AssertUnique<T>(IEnumerable<T> values)
    {
        var list = values.ToList();
        Assert.Equal(list.Count, list.Distinct().Count());
    }
}
