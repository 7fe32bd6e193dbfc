using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data.Cohorts;
using CohortDashboard.Data.Columnar;
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

        var (_, actual) = await ReadAsync(db, request, ReadFromOrdersForced);

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

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task ReadColumnar_AnyGranularityAndSettings_IdenticalToReference(Granularity granularity, bool pending, bool voided, bool byOrderDate)
    {
        var request = Request(granularity, pending, voided, byOrderDate);
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (_, actual) = await ReadAsync(db, request, async (d, r, sink, ct) =>
        {
            await using var duck = fixture.Columnar.TryOpen(CohortFactsFixture.OrgId, await OrgDataVersion.CurrentAsync(d, ct));
            Assert.NotNull(duck);
            await ColumnarFactSource.ReadAsync(duck, d, r, sink, ct);
            return new CohortFactPath(false, "forced", UsesColumnar: true);
        });

        AssertSameFacts(Reference(request, _ => true), actual);
    }

    [Theory]
    [InlineData("Asia/Tokyo", null)]
    [InlineData("America/New_York", "2026-03-10")]
    public async Task ReadAsync_OffTheFactsPathWithColumnarStore_ReadsTheStoreIdenticalToReference(string zone, string? asOf)
    {
        var request = Request(Granularity.Month, false, false, false, asOf is null ? null : DateOnly.Parse(asOf), LocalCalendar.FindTimeZone(zone));
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (path, actual) = await ReadAsync(db, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, fixture.Columnar, ct));

        Assert.True(path.UsesColumnar, path.Reason);
        AssertSameFacts(Reference(request, _ => true), actual);
    }

    [Fact]
    public async Task ReadAsync_OrderAndAccountFilterWithColumnarStore_ReadsTheStoreMatchingOnly()
    {
        var filter = FilterGroup.Or(
            new FilterCondition(FilterFields.OrderSourceName, FilterOperator.Equal, FilterValue.Of("web")),
            FilterGroup.And(
                new FilterCondition(FilterFields.AccountSegment, FilterOperator.Equal, FilterValue.Of("SMB")),
                new FilterCondition(FilterFields.OrderValue, FilterOperator.GreaterThan, FilterValue.Of(100m))));
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);
        // Account leaves of an order filter are subqueries of the context they are read with.
        var context = FilterTranslationContext.Create(db, await db.Organizations.AsNoTracking().SingleAsync(Ct), []);
        var request = Request(Granularity.Month, false, false, false) with
        {
            OrderFilter = FilterExpressions.ForOrders(filter, context),
            OrderFilterNode = filter,
            FilterContext = context,
            AccountFilter = FilterExpressions.ForAccounts(
                new FilterCondition(FilterFields.AccountSegment, FilterOperator.NotEqual, FilterValue.Of("Enterprise")), context),
        };

        var (path, actual) = await ReadAsync(db, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, fixture.Columnar, ct));
        var (_, orders) = await ReadAsync(db, request, ReadFromOrdersForced);

        Assert.True(path.UsesColumnar, path.Reason);
        Assert.NotEmpty(actual);
        var matching = fixture.Orders
            .Where(o => fixture.Accounts[o.Order.CustomerId].Segment != Segment.Enterprise)
            .Where(o => o.Row.SourceName == "web" || (fixture.Accounts[o.Order.CustomerId].Segment == Segment.Smb && o.Row.GrossRevenue - o.Row.Discounts > 100m))
            .Select(o => o.Order).ToHashSet();
        AssertSameFacts(Reference(request, matching.Contains), actual);
        AssertSameFacts(orders, actual);
    }

    [Fact]
    public async Task ColumnarStore_DataChangedThenRebuilt_ReadsOrdersMeanwhileThenTheNewData()
    {
        using var database = new TestDatabase("columnar-rebuild");
        await database.MigrateAsync();
        await using (var system = database.System())
            await Demo.DemoSeeder.SeedIfEmptyAsync(system, 0.01, CohortFactsFixture.AsOf, 3, Ct);
        using var directory = new TempDirectory();
        using var store = new ColumnarStore(directory.Path, id => database.For(id));
        await using var db = database.For(CohortFactsFixture.OrgId);
        await store.BuildAsync(db, Ct);
        var request = Request(Granularity.Month, false, false, false, zone: LocalCalendar.FindTimeZone("Asia/Tokyo"));
        var account = await db.Accounts.OrderBy(a => a.Id).Select(a => a.Id).FirstAsync(Ct);
        var (_, before) = await ReadAsync(db, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, store, ct));

        // An import's effect: a new order and the data version bumped in the same transaction.
        await using (var write = database.For(CohortFactsFixture.OrgId))
        {
            await using var transaction = await write.Database.BeginTransactionAsync(Ct);
            write.Orders.Add(new Order { AccountId = account, ExternalId = "columnar-new", PlacedAt = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc), GrossRevenue = 7m });
            await write.SaveChangesAsync(Ct);
            await OrgDataVersion.MarkChangedAsync(write, Ct);
            await transaction.CommitAsync(Ct);
        }
        var (stalePath, meanwhile) = await ReadAsync(db, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, store, ct));
        await store.RefreshInBackground(CohortFactsFixture.OrgId);
        var (freshPath, after) = await ReadAsync(db, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, store, ct));
        var (_, orders) = await ReadAsync(db, request, ReadFromOrdersForced);

        Assert.False(stalePath.UsesColumnar, "a store behind the primary's data version is never read");
        Assert.True(freshPath.UsesColumnar, freshPath.Reason);
        Assert.Equal(await OrgDataVersion.CurrentAsync(db, Ct), store.VersionOf(CohortFactsFixture.OrgId));
        AssertSameFacts(orders, meanwhile);
        AssertSameFacts(orders, after);
        Assert.NotEqual(before[account], after[account]);
    }

    [Fact]
    public async Task ColumnarStore_BuildInterruptedMidway_PreviousStoreStillAnswersAndNextBuildCompletes()
    {
        using var database = new TestDatabase("columnar-crash");
        await database.MigrateAsync();
        await using (var system = database.System())
            await Demo.DemoSeeder.SeedIfEmptyAsync(system, 0.01, CohortFactsFixture.AsOf, 3, Ct);
        using var directory = new TempDirectory();
        await using var db = database.For(CohortFactsFixture.OrgId);
        var request = Request(Granularity.Week, false, false, false);
        long previousVersion;
        Dictionary<long, IReadOnlyList<CohortFact>> previous;
        using (var store = new ColumnarStore(directory.Path, id => database.For(id)))
        {
            await store.BuildAsync(db, Ct);
            previousVersion = await OrgDataVersion.CurrentAsync(db, Ct);
            previous = await ReadColumnarAsync(store, db, request, previousVersion);
            await OrgDataVersion.MarkChangedAsync(db, Ct);

            await Assert.ThrowsAsync<IOException>(() => store.BuildAsync(db, Ct, afterFirstRows: () => throw new IOException("power cut (simulated)")));

            Assert.Single(Directory.GetFiles(directory.Path, "*.building"));
            Assert.Equal(previousVersion, store.VersionOf(CohortFactsFixture.OrgId));
            AssertSameFacts(previous, await ReadColumnarAsync(store, db, request, previousVersion));
        }

        // A restarted instance over the same directory: the complete file is found, the half-written one ignored.
        using var restarted = new ColumnarStore(directory.Path, id => database.For(id));
        Assert.Equal(previousVersion, restarted.VersionOf(CohortFactsFixture.OrgId));
        AssertSameFacts(previous, await ReadColumnarAsync(restarted, db, request, previousVersion));
        var rebuilt = await restarted.BuildAsync(db, Ct);

        Assert.NotNull(rebuilt);
        Assert.Equal(previousVersion + 1, restarted.VersionOf(CohortFactsFixture.OrgId));
        Assert.Empty(Directory.GetFiles(directory.Path, "*.building"));
        Assert.Single(Directory.GetFiles(directory.Path, "*.duckdb"));
        AssertSameFacts(previous, await ReadColumnarAsync(restarted, db, request, previousVersion + 1));
    }

    private static async Task<Dictionary<long, IReadOnlyList<CohortFact>>> ReadColumnarAsync(ColumnarStore store, CohortDbContext db,
        CohortFactRequest request, long version)
    {
        await using var duck = store.TryOpen(CohortFactsFixture.OrgId, version);
        Assert.NotNull(duck);
        var facts = new Dictionary<long, IReadOnlyList<CohortFact>>();
        await ColumnarFactSource.ReadAsync(duck, db, request, (account, customerFacts) => facts.Add(account, customerFacts), Ct);
        Assert.NotEmpty(facts);
        return facts;
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cohortdashboard-tests", "columnar-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
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

    private static async Task<CohortFactPath> ReadFromOrdersForced(CohortDbContext db, CohortFactRequest request,
        Action<long, IReadOnlyList<CohortFact>> sink, CancellationToken ct)
    {
        await CohortFactSource.ReadFromOrdersAsync(db, request, sink, ct);
        return new CohortFactPath(false, "forced");
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
