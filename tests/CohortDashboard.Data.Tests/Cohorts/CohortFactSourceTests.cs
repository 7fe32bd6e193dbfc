using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data.Cohorts;
using CohortDashboard.Data.Filters;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Tests.Cohorts;

/// <summary>
/// Both SQL paths of <see cref="CohortFactSource"/> must hand the engine exactly the facts the in-memory reference
/// (<see cref="CohortFacts.FromOrders"/>) computes from the same orders, for every granularity and order setting.
/// </summary>
public sealed class CohortFactSourceTests(CohortFactsFixture fixture) : IClassFixture<CohortFactsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeZoneInfo NewYork = LocalCalendar.FindTimeZone("America/New_York");

    public static TheoryData<Granularity, bool, bool, bool> Variants => new()
    {
        { Granularity.Month, false, false, false },
        { Granularity.Month, true, true, true },
        { Granularity.Quarter, false, false, false },
        { Granularity.Year, true, false, true },
        { Granularity.Week, false, false, false },
        { Granularity.Week, false, true, true },
        { Granularity.Day, true, false, false },
    };

    private static CohortFactRequest Request(Granularity granularity, bool pending, bool voided, bool refundsOnOrderDate,
        DateOnly? asOf = null, TimeZoneInfo? zone = null)
    {
        var calendar = new PeriodCalendar(granularity, zone ?? NewYork);
        var asOfDate = asOf ?? CohortFactsFixture.AsOf;
        var first = calendar.IndexOf(granularity == Granularity.Day ? asOfDate.AddDays(-60) : asOfDate.AddMonths(-14));
        return new CohortFactRequest(calendar, new CohortOrderSettings(pending, voided, refundsOnOrderDate), first, asOfDate);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task ReadAsync_OrgTimezone_ReadsFactsIdenticalToReference(Granularity granularity, bool pending, bool voided, bool byOrderDate)
    {
        var request = Request(granularity, pending, voided, byOrderDate);
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (path, actual) = await ReadAsync(db, request, CohortFactSource.ReadAsync);

        Assert.True(path.UsesFacts, path.Reason);
        AssertSameFacts(Reference(request, _ => true), actual);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task ReadFromOrdersAsync_AnyGranularity_IdenticalToReference(Granularity granularity, bool pending, bool voided, bool byOrderDate)
    {
        var request = Request(granularity, pending, voided, byOrderDate);
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (_, actual) = await ReadAsync(db, request, async (d, r, sink, ct) =>
        {
            await CohortFactSource.ReadFromOrdersAsync(d, r, sink, ct);
            return new CohortFactPath(false, "forced");
        });

        AssertSameFacts(Reference(request, _ => true), actual);
    }

    [Fact]
    public async Task ReadAsync_OtherTimezone_ReadsOrdersAndMatchesReference()
    {
        var request = Request(Granularity.Month, false, false, false, zone: LocalCalendar.FindTimeZone("Asia/Tokyo"));
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (path, actual) = await ReadAsync(db, request, CohortFactSource.ReadAsync);

        Assert.False(path.UsesFacts);
        Assert.Contains("Asia/Tokyo", path.Reason);
        AssertSameFacts(Reference(request, _ => true), actual);
    }

    [Fact]
    public async Task ReadAsync_AsOfInsideTheFactsRange_ReadsOrdersAndLeavesLaterOrdersOut()
    {
        var request = Request(Granularity.Month, false, false, false, asOf: new DateOnly(2026, 3, 10));
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (path, actual) = await ReadAsync(db, request, CohortFactSource.ReadAsync);

        Assert.False(path.UsesFacts);
        Assert.Contains("as-of", path.Reason);
        AssertSameFacts(Reference(request, _ => true), actual);
        Assert.DoesNotContain(actual.Values.SelectMany(f => f), f => f.Period > request.AsOfPeriod);
    }

    [Fact]
    public async Task ReadAsync_AccountFilter_FactsMatchReferenceForMatchingAccountsOnly()
    {
        var request = Request(Granularity.Month, false, false, false) with
        {
            AccountFilter = FilterExpressions.ForAccounts(
                new FilterCondition(FilterFields.AccountSegment, FilterOperator.Equal, FilterValue.Of("SMB")), Translation()),
        };
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (path, actual) = await ReadAsync(db, request, CohortFactSource.ReadAsync);

        Assert.True(path.UsesFacts);
        Assert.NotEmpty(actual);
        AssertSameFacts(Reference(request, o => fixture.Accounts[o.CustomerId].Segment == Segment.Smb), actual);
    }

    [Fact]
    public async Task ReadAsync_OrderFilter_ReadsOrdersMatchingOnly()
    {
        var request = Request(Granularity.Month, false, false, false) with
        {
            OrderFilter = FilterExpressions.ForOrders(
                new FilterCondition(FilterFields.OrderSourceName, FilterOperator.Equal, FilterValue.Of("web")), Translation()),
        };
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (path, actual) = await ReadAsync(db, request, CohortFactSource.ReadAsync);

        Assert.False(path.UsesFacts);
        Assert.NotEmpty(actual);
        var web = fixture.Orders.Where(o => o.Row.SourceName == "web").Select(o => o.Order).ToHashSet();
        AssertSameFacts(Reference(request, web.Contains), actual);
    }

    [Fact]
    public async Task ChoosePathAsync_FactsNeverBuilt_ReadsOrders()
    {
        using var database = new TestDatabase("no-facts");
        await database.MigrateAsync();
        await using (var system = database.System())
            await Demo.DemoSeeder.SeedIfEmptyAsync(system, 0.01, CohortFactsFixture.AsOf, 3, Ct);
        await using var db = database.For(CohortFactsFixture.OrgId);

        var path = await CohortFactSource.ChoosePathAsync(db, Request(Granularity.Month, false, false, false), Ct);

        Assert.False(path.UsesFacts);
        Assert.Contains("not been built", path.Reason);
    }

    [Fact]
    public async Task RebuildAsync_FailsHalfway_PreviousFactsStay()
    {
        using var database = new TestDatabase("rebuild-fails");
        await database.MigrateAsync();
        await using (var system = database.System())
            await Demo.DemoSeeder.SeedIfEmptyAsync(system, 0.01, CohortFactsFixture.AsOf, 3, Ct);
        await using var db = database.For(CohortFactsFixture.OrgId);
        var first = await CustomerFacts.RebuildAsync(db, Ct);
        var build = await db.CohortFactBuilds.AsNoTracking().SingleAsync(Ct);
        var lastAccount = await db.Accounts.MaxAsync(a => a.Id, Ct);
        using (var raw = database.OpenRaw())
        {
            using var trigger = raw.CreateCommand();
            trigger.CommandText = $"CREATE TRIGGER fail_late BEFORE INSERT ON customer_facts WHEN NEW.account_id = {lastAccount} " +
                                  "BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END;";
            trigger.ExecuteNonQuery();
        }
        await using (var orders = database.For(CohortFactsFixture.OrgId))
        {
            // Give the last account an order so the rebuild reaches it only after writing the other facts.
            var account = await orders.Accounts.SingleAsync(a => a.Id == lastAccount, Ct);
            orders.Orders.Add(new Order { AccountId = account.Id, ExternalId = "late-order", PlacedAt = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc), GrossRevenue = 5m });
            await orders.SaveChangesAsync(Ct);
        }

        await Assert.ThrowsAnyAsync<Exception>(() => CustomerFacts.RebuildAsync(db, Ct));

        Assert.Equal(first.Rows, await db.CustomerFacts.LongCountAsync(Ct));
        Assert.Equal(build.BuiltAt, (await db.CohortFactBuilds.AsNoTracking().SingleAsync(Ct)).BuiltAt);
    }

    [Fact]
    public async Task RebuildAsync_Twice_SameRowsAndOtherOrgUntouched()
    {
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);
        await using var contoso = fixture.Database.For(Demo.DemoDataGenerator.ContosoOrgId);
        var before = await Snapshot(db);
        var contosoBefore = await contoso.CustomerFacts.LongCountAsync(Ct);

        var result = await CustomerFacts.RebuildAsync(db, Ct);

        Assert.Equal(before, await Snapshot(db));
        Assert.Equal(before.Count, result.Rows);
        Assert.Equal(fixture.Orders.Count, result.Orders);
        Assert.Equal(contosoBefore, await contoso.CustomerFacts.LongCountAsync(Ct));
        Assert.True(contosoBefore > 0);
    }

    private static async Task<List<string>> Snapshot(CohortDbContext db) =>
        (await db.CustomerFacts.AsNoTracking().ToListAsync(Ct))
        .Select(f => $"{f.Grain}/{f.AccountId}/{f.Period}/{f.Status}/{f.Orders}/{f.Gross}/{f.Discounts}/{f.RefundsByOrderDate}/{f.RefundsByRefundDate}/{f.Cogs}/{f.Shipping}/{f.Fees}")
        .Order(StringComparer.Ordinal)
        .ToList();

    private FilterTranslationContext Translation()
    {
        var db = fixture.Database.For(CohortFactsFixture.OrgId);
        var org = db.Organizations.AsNoTracking().Single();
        return FilterTranslationContext.Create(db, org, []);
    }

    private delegate Task<CohortFactPath> Reader(CohortDbContext db, CohortFactRequest request,
        Action<long, IReadOnlyList<CohortFact>> sink, CancellationToken ct);

    private static async Task<(CohortFactPath Path, Dictionary<long, IReadOnlyList<CohortFact>> Facts)> ReadAsync(
        CohortDbContext db, CohortFactRequest request, Reader read)
    {
        var facts = new Dictionary<long, IReadOnlyList<CohortFact>>();
        var path = await read(db, request, (account, customerFacts) => facts.Add(account, customerFacts), Ct);
        return (path, facts);
    }

    /// <summary>The engine's in-memory facts for the same orders, folded as the source folds them (earlier periods → first − 1).</summary>
    private Dictionary<long, IReadOnlyList<CohortFact>> Reference(CohortFactRequest request, Func<CohortOrder, bool> include)
    {
        var orders = fixture.Orders.Select(o => o.Order).Where(include);
        var reference = new Dictionary<long, IReadOnlyList<CohortFact>>();
        foreach (var (customer, facts) in CohortFacts.FromOrders(orders, request.Calendar, request.Settings, request.AsOfEndUtc))
        {
            var folded = facts
                .GroupBy(f => Math.Max(f.Period, request.FirstPeriod - 1))
                .Select(g => g.Aggregate(new CohortFact(g.Key, 0, 0m, 0m, 0m, 0m, 0m, 0m), (sum, f) => sum.Plus(f)))
                .ToList();
            reference.Add(customer, folded);
        }
        return reference;
    }

    private static void AssertSameFacts(Dictionary<long, IReadOnlyList<CohortFact>> expected, Dictionary<long, IReadOnlyList<CohortFact>> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (customer, facts) in expected)
            Assert.Equal(facts, actual[customer]);
    }
}
