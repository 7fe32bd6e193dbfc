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
/// Both paths of <see cref="CohortFactSource"/> (the columnar store and the primary's orders) must hand the engine exactly
/// the facts the in-memory reference (<see cref="CohortFacts.FromOrders"/>) computes from the same orders, for every
/// granularity, timezone, as-of date and order setting; and the store must never answer from data the primary has left.
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
    public async Task ReadAsync_WithColumnarStore_ReadsTheStoreIdenticalToReference(Granularity granularity, bool pending, bool voided, bool byOrderDate)
    {
        var request = Request(granularity, pending, voided, byOrderDate);
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (path, actual) = await ReadAsync(db, request, ReadThroughStore);

        Assert.True(path.UsesColumnar, path.Reason);
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
    public async Task ReadAsync_NoColumnarStore_ReadsOrdersIdenticalToReference()
    {
        var request = Request(Granularity.Month, false, false, false, zone: LocalCalendar.FindTimeZone("Asia/Tokyo"));
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (path, actual) = await ReadAsync(db, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, null, ct));

        Assert.False(path.UsesColumnar);
        Assert.Contains("disabled", path.Reason);
        AssertSameFacts(Reference(request, _ => true), actual);
    }

    [Theory]
    [InlineData("Asia/Tokyo", null)]
    [InlineData("America/New_York", "2026-03-10")]
    [InlineData("Australia/Lord_Howe", "2026-04-05")]
    public async Task ReadAsync_OtherTimezoneOrEarlierAsOf_ReadsTheStoreAndLeavesLaterOrdersOut(string zone, string? asOf)
    {
        var request = Request(Granularity.Month, false, false, false, asOf is null ? null : DateOnly.Parse(asOf), LocalCalendar.FindTimeZone(zone));
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (path, actual) = await ReadAsync(db, request, ReadThroughStore);

        Assert.True(path.UsesColumnar, path.Reason);
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

        var (path, actual) = await ReadAsync(db, request, ReadThroughStore);

        Assert.True(path.UsesColumnar, path.Reason);
        Assert.NotEmpty(actual);
        AssertSameFacts(Reference(request, o => fixture.Accounts[o.CustomerId].Segment == Segment.Smb), actual);
    }

    [Fact]
    public async Task ReadAsync_OrderFilterWithoutItsFilterNode_ReadsOrdersMatchingOnly()
    {
        var request = Request(Granularity.Month, false, false, false) with
        {
            OrderFilter = FilterExpressions.ForOrders(
                new FilterCondition(FilterFields.OrderSourceName, FilterOperator.Equal, FilterValue.Of("web")), Translation()),
        };
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (path, actual) = await ReadAsync(db, request, ReadThroughStore);

        Assert.False(path.UsesColumnar, "the store translates the filter itself, from its node");
        Assert.NotEmpty(actual);
        var web = fixture.Orders.Where(o => o.Row.SourceName == "web").Select(o => o.Order).ToHashSet();
        AssertSameFacts(Reference(request, web.Contains), actual);
    }

    [Theory]
    [InlineData(Granularity.Month, false)]
    [InlineData(Granularity.Week, true)]
    public async Task ReadAsync_OnlyAcquiredInRange_LeavesOutExactlyTheCustomersAcquiredBefore(Granularity granularity, bool byOrderDate)
    {
        var request = Request(granularity, false, false, byOrderDate) with { OnlyAcquiredInRange = true };
        await using var db = fixture.Database.For(CohortFactsFixture.OrgId);

        var (path, actual) = await ReadAsync(db, request, ReadThroughStore);

        Assert.True(path.UsesColumnar, path.Reason);
        var all = Reference(request, _ => true);
        var acquiredInRange = all.Where(c => c.Value.First(f => f.Orders > 0).Period >= request.FirstPeriod).ToDictionary();
        Assert.NotEmpty(acquiredInRange);
        Assert.True(acquiredInRange.Count < all.Count, "the fixture has customers acquired before the range");
        AssertSameFacts(acquiredInRange, actual);
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

        var (path, actual) = await ReadAsync(db, request, ReadThroughStore);
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
    public async Task ReadAsync_StoreNeverBuilt_BuildsItThenReadsIt()
    {
        using var seeded = await SeededStore.CreateAsync("columnar-first-query");
        var (database, directory, store) = (seeded.Database, seeded.Directory, seeded.Store);
        await using var db = database.For(CohortFactsFixture.OrgId);
        var request = Request(Granularity.Month, false, false, false);

        var (path, actual) = await ReadAsync(db, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, store, ct));
        var (_, orders) = await ReadAsync(db, request, ReadFromOrdersForced);

        Assert.True(path.UsesColumnar, path.Reason);
        Assert.Single(Directory.GetFiles(directory.Path, "*.duckdb"));
        AssertSameFacts(orders, actual);
    }

    [Fact]
    public async Task ReadAsync_OrdersChanged_NeverReadsTheStaleStoreAndWaitsForTheRefresh()
    {
        using var seeded = await SeededStore.CreateAsync("columnar-rebuild");
        var (database, store) = (seeded.Database, seeded.Store);
        await using var db = database.For(CohortFactsFixture.OrgId);
        await store.BuildAsync(db, Ct);
        var request = Request(Granularity.Month, false, false, false, zone: LocalCalendar.FindTimeZone("Asia/Tokyo"));
        var account = await db.Accounts.OrderBy(a => a.Id).Select(a => a.Id).FirstAsync(Ct);
        var (_, before) = await ReadAsync(db, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, store, ct));

        // An import's effect: a new order and the versions bumped in the same transaction.
        await using (var write = database.For(CohortFactsFixture.OrgId))
        {
            await using var transaction = await write.Database.BeginTransactionAsync(Ct);
            write.Orders.Add(new Order { AccountId = account, ExternalId = "columnar-new", PlacedAt = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc), GrossRevenue = 7m });
            await write.SaveChangesAsync(Ct);
            await OrgDataVersion.MarkChangedAsync(write, Ct, ordersChanged: true);
            await transaction.CommitAsync(Ct);
        }
        // A caller that will not wait reads the primary; the stale store is never read.
        var (impatientPath, meanwhile) = await ReadAsync(db, request,
            (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, store, ct, storeWait: TimeSpan.Zero));
        var (freshPath, after) = await ReadAsync(db, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, store, ct));
        var (_, orders) = await ReadAsync(db, request, ReadFromOrdersForced);

        Assert.False(impatientPath.UsesColumnar, impatientPath.Reason);
        Assert.True(freshPath.UsesColumnar, freshPath.Reason);
        Assert.Equal(await OrgDataVersion.OrdersAsync(db, Ct), store.VersionOf(CohortFactsFixture.OrgId));
        AssertSameFacts(orders, meanwhile);
        AssertSameFacts(orders, after);
        Assert.NotEqual(before[account], after[account]);
    }

    [Fact]
    public async Task BuildAsync_WhileReadingTheOrders_DoesNotHoldUpWriters()
    {
        using var seeded = await SeededStore.CreateAsync("columnar-writers");
        var (database, store) = (seeded.Database, seeded.Store);
        await using var db = database.For(CohortFactsFixture.OrgId);
        var wrote = TimeSpan.MaxValue;

        var built = await store.BuildAsync(db, Ct, afterFirstRows: () =>
        {
            // An import or a settings save arriving mid-build; a write lock held by the build would keep it waiting
            // (here for at most the 2 s timeout, then "database is locked").
            using var writer = database.For(CohortFactsFixture.OrgId);
            writer.Database.SetCommandTimeout(2);
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            writer.Database.ExecuteSqlRaw("UPDATE organizations SET data_version = data_version + 1 WHERE id = {0}", CohortFactsFixture.OrgId);
            wrote = stopwatch.Elapsed;
        });

        Assert.NotNull(built);
        Assert.True(wrote < TimeSpan.FromSeconds(1), $"the write waited {wrote.TotalMilliseconds:N0} ms");
        Assert.Equal(1, await OrgDataVersion.CurrentAsync(db, Ct));
    }

    [Fact]
    public async Task ReadAsync_QueryOutgrowsTheStoresMemoryLimit_AnswersFromTheOrdersInstead()
    {
        using var seeded = await SeededStore.CreateAsync("columnar-memory");
        var (database, store) = (seeded.Database, seeded.Store);
        await using var db = database.For(CohortFactsFixture.OrgId);
        await store.BuildAsync(db, Ct);
        var request = Request(Granularity.Day, false, false, false);
        await using (var duck = store.TryOpen(CohortFactsFixture.OrgId, 0))
        {
            // The limit of the store's one open database (what a big org does to a small limit).
            Assert.NotNull(duck);
            ColumnarStore.Execute(duck, "SET memory_limit = '1MB'");
            await Assert.ThrowsAsync<ColumnarOutOfMemoryException>(() => ColumnarFactSource.ReadAsync(duck, db, request, (_, _) => { }, Ct));
        }

        var (path, actual) = await ReadAsync(db, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, store, ct));
        var (_, orders) = await ReadAsync(db, request, ReadFromOrdersForced);

        Assert.False(path.UsesColumnar, path.Reason);
        Assert.Contains("memory limit", path.Reason);
        AssertSameFacts(orders, actual);
    }

    [Fact]
    public async Task RefreshInBackground_BuildFailed_NoNewAttemptForAMinuteThenAgain()
    {
        using var directory = new TempDirectory();
        var clock = new HandClock(new DateTimeOffset(2026, 12, 31, 23, 59, 30, TimeSpan.Zero));
        var attempts = 0;
        Func<long, CohortDbContext> open = _ =>
        {
            attempts++;
            throw new IOException("no space left on device (simulated)");
        };
        using var store = new ColumnarStore(directory.Path, open, clock: clock);

        await store.RefreshInBackground(CohortFactsFixture.OrgId);
        await store.RefreshInBackground(CohortFactsFixture.OrgId);
        clock.Now += ColumnarStore.RetryAfterFailure - TimeSpan.FromSeconds(1);
        await store.RefreshInBackground(CohortFactsFixture.OrgId);
        var withinTheMinute = attempts;
        clock.Now += TimeSpan.FromSeconds(1);
        await store.RefreshInBackground(CohortFactsFixture.OrgId);

        Assert.Equal(1, withinTheMinute);
        Assert.Equal(2, attempts);
        Assert.Null(store.VersionOf(CohortFactsFixture.OrgId));
    }

    private sealed class HandClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task BuildAsync_OnlySettingsChanged_KeepsTheStore()
    {
        using var seeded = await SeededStore.CreateAsync("columnar-settings");
        var (database, directory, store) = (seeded.Database, seeded.Directory, seeded.Store);
        await using var db = database.For(CohortFactsFixture.OrgId);
        await store.BuildAsync(db, Ct);
        var file = Assert.Single(Directory.GetFiles(directory.Path, "*.duckdb"));

        await OrgDataVersion.MarkChangedAsync(db, Ct);

        Assert.Null(await store.BuildAsync(db, Ct));
        Assert.Equal(file, Assert.Single(Directory.GetFiles(directory.Path, "*.duckdb")));
        Assert.NotNull(store.TryOpen(CohortFactsFixture.OrgId, await OrgDataVersion.OrdersAsync(db, Ct)));
    }

    [Fact]
    public async Task BuildAsync_FileOfAnEarlierRun_ReusedForTheSameDatabaseRebuiltForARecreatedOne()
    {
        using var directory = new TempDirectory();
        var request = Request(Granularity.Month, false, false, false);
        using (var original = await SeededAsync("columnar-original", 3))
        {
            await using var db = original.For(CohortFactsFixture.OrgId);
            using (var store = new ColumnarStore(directory.Path, id => original.For(id)))
                await store.BuildAsync(db, Ct);

            using var restarted = new ColumnarStore(directory.Path, id => original.For(id));
            Assert.Null(restarted.TryOpen(CohortFactsFixture.OrgId, 0)); // found, but not yet checked against the primary
            Assert.Null(await restarted.BuildAsync(db, Ct)); // checked: the same data, reused as it is
            Assert.NotNull(restarted.TryOpen(CohortFactsFixture.OrgId, 0));
        }

        // The database deleted and made again at version 0 with other data: the old file must not answer for it.
        using var recreated = await SeededAsync("columnar-recreated", 5);
        await using var newDb = recreated.For(CohortFactsFixture.OrgId);
        using var again = new ColumnarStore(directory.Path, id => recreated.For(id));
        Assert.Equal(0, await OrgDataVersion.OrdersAsync(newDb, Ct));

        Assert.NotNull(await again.BuildAsync(newDb, Ct));
        var (path, actual) = await ReadAsync(newDb, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, again, ct));
        var (_, orders) = await ReadAsync(newDb, request, ReadFromOrdersForced);
        Assert.True(path.UsesColumnar, path.Reason);
        AssertSameFacts(orders, actual);
    }

    [Fact]
    public async Task BuildAsync_TwoOrgs_EachStoreAnswersForItsOwnOrdersOnly()
    {
        using var seeded = await SeededStore.CreateAsync("columnar-orgs");
        var (database, directory, store) = (seeded.Database, seeded.Directory, seeded.Store);
        var request = Request(Granularity.Month, false, false, false);
        foreach (var orgId in new[] { Demo.DemoDataGenerator.NorthwindOrgId, Demo.DemoDataGenerator.ContosoOrgId })
        {
            await using var db = database.For(orgId);
            var (path, actual) = await ReadAsync(db, request, (d, r, sink, ct) => CohortFactSource.ReadAsync(d, r, sink, store, ct));
            var (_, orders) = await ReadAsync(db, request, ReadFromOrdersForced);
            Assert.True(path.UsesColumnar, path.Reason);
            Assert.NotEmpty(actual);
            AssertSameFacts(orders, actual);
            Assert.All(actual.Keys, account => Assert.True(db.Accounts.Any(a => a.Id == account)));
        }
        Assert.Equal(2, Directory.GetFiles(directory.Path, "*.duckdb").Length);
    }

    [Fact]
    public async Task ColumnarStore_BuildInterruptedMidway_PreviousStoreStillAnswersAndNextBuildCompletes()
    {
        using var database = await SeededAsync("columnar-crash", 3);
        using var directory = new TempDirectory();
        await using var db = database.For(CohortFactsFixture.OrgId);
        var request = Request(Granularity.Week, false, false, false);
        long previousVersion;
        Dictionary<long, IReadOnlyList<CohortFact>> previous;
        using (var store = new ColumnarStore(directory.Path, id => database.For(id)))
        {
            await store.BuildAsync(db, Ct);
            previousVersion = await OrgDataVersion.OrdersAsync(db, Ct);
            previous = await ReadColumnarAsync(store, db, request, previousVersion);
            await OrgDataVersion.MarkChangedAsync(db, Ct, ordersChanged: true);

            await Assert.ThrowsAsync<IOException>(() => store.BuildAsync(db, Ct, afterFirstRows: () => throw new IOException("power cut (simulated)")));

            Assert.Single(Directory.GetFiles(directory.Path, "*.building"));
            Assert.Equal(previousVersion, store.VersionOf(CohortFactsFixture.OrgId));
            AssertSameFacts(previous, await ReadColumnarAsync(store, db, request, previousVersion));
        }

        // A restarted instance over the same directory: the complete file is found, the half-written one ignored.
        using var restarted = new ColumnarStore(directory.Path, id => database.For(id));
        Assert.Equal(previousVersion, restarted.VersionOf(CohortFactsFixture.OrgId));
        var rebuilt = await restarted.BuildAsync(db, Ct);

        Assert.NotNull(rebuilt);
        Assert.Equal(previousVersion + 1, restarted.VersionOf(CohortFactsFixture.OrgId));
        Assert.Empty(Directory.GetFiles(directory.Path, "*.building"));
        Assert.Single(Directory.GetFiles(directory.Path, "*.duckdb"));
        AssertSameFacts(previous, await ReadColumnarAsync(restarted, db, request, previousVersion + 1));
    }

    /// <summary>A small seeded database and a store of its own over a temporary directory, all let go together.</summary>
    private sealed class SeededStore : IDisposable
    {
        private SeededStore(TestDatabase database)
        {
            Database = database;
            Store = new ColumnarStore(Directory.Path, id => database.For(id));
        }

        public TestDatabase Database { get; }
        public TempDirectory Directory { get; } = new();
        public ColumnarStore Store { get; }

        public static async Task<SeededStore> CreateAsync(string name) => new(await SeededAsync(name, 3));

        public void Dispose()
        {
            Store.Dispose();
            Directory.Dispose();
            Database.Dispose();
        }
    }

    private static async Task<TestDatabase> SeededAsync(string name, ulong seed)
    {
        var database = new TestDatabase(name);
        await database.MigrateAsync();
        await using var system = database.System();
        await Demo.DemoSeeder.SeedIfEmptyAsync(system, 0.01, CohortFactsFixture.AsOf, seed, Ct);
        return database;
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
        return new CohortFactPath("forced");
    }

    private Task<CohortFactPath> ReadThroughStore(CohortDbContext db, CohortFactRequest request,
        Action<long, IReadOnlyList<CohortFact>> sink, CancellationToken ct) =>
        CohortFactSource.ReadAsync(db, request, sink, fixture.Columnar, ct);

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
