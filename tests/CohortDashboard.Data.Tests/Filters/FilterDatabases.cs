using CohortDashboard.Data.Columnar;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CohortDashboard.Data.Tests.Filters;

/// <summary>
/// A small hand-built dataset for filter translation (org 1 in America/New_York, fiscal year from February; org 2 as a
/// decoy), in a real database. Ids are fixed so tests can name the rows they expect.
/// </summary>
public abstract class FilterDatabase : IAsyncLifetime
{
    public const long OrgId = 1;

    /// <summary>Why this database is unavailable (tests skip), or null.</summary>
    public string? SkipReason { get; protected set; }

    protected abstract DbContextOptions<CohortDbContext> Options { get; }

    public CohortDbContext ForOrg() => new(Options, OrgScope.For(OrgId));

    private readonly string _columnarDirectory = Path.Combine(Path.GetTempPath(), "cohortdashboard-tests", "columnar-" + Guid.NewGuid().ToString("N"));
    private readonly SemaphoreSlim _columnarBuild = new(1, 1);
    private ColumnarStore? _columnar;

    /// <summary>The org's columnar store, built from this database on first use.</summary>
    public async Task<ColumnarStore> ColumnarAsync()
    {
        await _columnarBuild.WaitAsync();
        try
        {
            if (_columnar is not null) return _columnar;
            var store = new ColumnarStore(_columnarDirectory, _ => ForOrg());
            await using var db = ForOrg();
            await store.BuildAsync(db, TestContext.Current.CancellationToken);
            return _columnar = store;
        }
        finally
        {
            _columnarBuild.Release();
        }
    }

    protected void DisposeColumnar()
    {
        _columnar?.Dispose();
        try { if (Directory.Exists(_columnarDirectory)) Directory.Delete(_columnarDirectory, recursive: true); } catch (IOException) { }
    }

    protected CohortDbContext System() => new(Options, OrgScope.System());

    public abstract ValueTask InitializeAsync();

    public abstract ValueTask DisposeAsync();

    protected async Task SeedAsync()
    {
        await using var db = System();
        await DatabaseInitializer.MigrateAsync(db, TestContext.Current.CancellationToken);

        db.Organizations.AddRange(
            new Organization { Id = OrgId, Name = "Filters", Currency = "USD", TimeZone = "America/New_York", FiscalYearStartMonth = 2 },
            new Organization { Id = 2, Name = "Decoy", Currency = "EUR", TimeZone = "Europe/Berlin" });
        db.Accounts.AddRange(
            Account(1, Segment.Enterprise, "EMEA", "rep-1", "business", Utc(2025, 2, 10, 15), AccountStatus.Active, 120_000m, 80),
            // 2025-04-30 23:30 in New York: still April locally, so fiscal 2025-Q1 (Feb-Apr) despite the May UTC date.
            Account(2, Segment.MidMarket, "NA", "rep-2", "consumer", Utc(2025, 5, 1, 3, 30), AccountStatus.Churned, 40_000m, 50),
            Account(3, Segment.Smb, "NA", "rep-1", "business", Utc(2025, 1, 15, 12), AccountStatus.Prospect, 5_000m, 51),
            // 2025-05-01 00:30 in New York: fiscal 2025-Q2.
            Account(4, Segment.Smb, "APAC", "rep-3", "business", Utc(2025, 5, 1, 4, 30), AccountStatus.Active, 0m, 20),
            Account(5, Segment.Smb, "NA", "rep-1", "business", Utc(2025, 3, 1), AccountStatus.Active, 9_000m, 90, orgId: 2));
        db.Orders.AddRange(
            Order(101, 1, Utc(2025, 3, 1), OrderStatus.Paid, 100m, 10m, "web", ["vip", "promo"], "google"),
            Order(102, 1, Utc(2025, 4, 1), OrderStatus.Paid, 50m, 0m, "pos", ["Promo"], null),
            // Voided and earlier than the first paid order: never an account's first qualifying order.
            Order(103, 1, Utc(2025, 2, 20), OrderStatus.Voided, 500m, 0m, "pos", [], null),
            Order(104, 2, Utc(2025, 6, 1, 10), OrderStatus.Paid, 200m, 0m, "web", ["50%_off"], "Google"),
            // Same instant as 104: the tie goes to the lower id, so this one is returning.
            Order(105, 2, Utc(2025, 6, 1, 10), OrderStatus.Paid, 30m, 0m, null, [], null),
            // Pending, so account 3's first paid order is 108 unless pending orders count.
            Order(106, 3, Utc(2025, 7, 1), OrderStatus.Pending, 10m, 0m, "web", ["500off"], null),
            Order(107, 4, Utc(2025, 8, 1), OrderStatus.Paid, 1000m, 100m, "partner", ["wholesale", "vip"], "facebook"),
            Order(108, 3, Utc(2025, 7, 2), OrderStatus.Paid, 20m, 0m, "pos", [], null),
            Order(109, 5, Utc(2025, 7, 2), OrderStatus.Paid, 20m, 0m, "web", ["vip"], "google", orgId: 2));
        var at = Utc(2025, 9, 1);
        db.CohortDefinitions.AddRange(
            Cohort(10, "Vintage 2025-Q1", CohortType.Vintage, "2025-Q1"),
            Cohort(11, "Vintage 2024-Q4", CohortType.Vintage, "2024-Q4"),
            Cohort(12, "SMB", CohortType.Segment, "SMB"),
            Cohort(13, "North America", CohortType.Territory, "NA"),
            Cohort(14, "Rep 1", CohortType.Rep, "rep-1"),
            Cohort(15, "Big, outside NA", CohortType.Custom, "",
                """{"and":[{"field":"account.arr","op":"greater_than_or_equals","value":5000},{"field":"cohort.id","op":"not_equals","value":13}]}"""),
            Cohort(16, "Self", CohortType.Custom, "", """{"and":[{"field":"cohort.id","op":"equals","value":16}]}"""),
            Cohort(17, "Ping", CohortType.Custom, "", """{"and":[{"field":"cohort.id","op":"equals","value":18}]}"""),
            Cohort(18, "Pong", CohortType.Custom, "", """{"or":[{"field":"cohort.id","op":"equals","value":17}]}"""),
            Cohort(19, "Broken", CohortType.Custom, "", """{"and":[{"field":"orders.value","op":"greater_than","value":1}]}"""));
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);

        CohortDefinition Cohort(long id, string name, CohortType type, string value, string? criteria = null) => new()
        {
            Id = id, OrgId = OrgId, Name = name, CohortType = type, GroupingField = type.ToSnake(),
            // Custom cohorts have no grouping value of their own; the id keeps the (type, field, value) key unique.
            GroupingValue = type == CohortType.Custom ? "custom-" + id : value,
            FilterCriteria = criteria, CreatedAt = at, UpdatedAt = at,
        };
    }

    private static DateTime Utc(int y, int m, int d, int h = 0, int min = 0) => new(y, m, d, h, min, 0, DateTimeKind.Utc);

    private static Account Account(long id, Segment segment, string territory, string owner, string userType, DateTime createdAt,
        AccountStatus status, decimal arr, int health, long orgId = OrgId) => new()
    {
        Id = id, OrgId = orgId, ExternalId = "acc-" + id, Name = "Account " + id, Segment = segment, Territory = territory,
        OwnerId = owner, UserType = userType, CreatedAt = createdAt, Status = status, Arr = arr, HealthScore = health,
    };

    private static Order Order(long id, long accountId, DateTime placedAt, OrderStatus status, decimal gross, decimal discounts,
        string? source, List<string> tags, string? utmSource, long orgId = OrgId) => new()
    {
        Id = id, OrgId = orgId, AccountId = accountId, ExternalId = "ord-" + id, PlacedAt = placedAt, Status = status,
        GrossRevenue = gross, Discounts = discounts, SourceName = source, Tags = tags, UtmSource = utmSource,
    };
}

/// <summary>The dataset in a SQLite file.</summary>
public sealed class SqliteFilterDatabase : FilterDatabase
{
    private readonly TestDatabase _database = new("filters");

    protected override DbContextOptions<CohortDbContext> Options => _database.Options;

    public override async ValueTask InitializeAsync() => await SeedAsync();

    public override ValueTask DisposeAsync()
    {
        DisposeColumnar();
        _database.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The dataset in a throwaway database on the PostgreSQL server named by <c>COHORTDASHBOARD_TEST_POSTGRES</c>; without
/// it the tests skip.
/// </summary>
public sealed class PostgreSqlFilterDatabase : FilterDatabase
{
    private const string EnvironmentVariable = "COHORTDASHBOARD_TEST_POSTGRES";
    private string? _adminConnectionString;
    private string? _name;
    private DbContextOptions<CohortDbContext>? _options;

    protected override DbContextOptions<CohortDbContext> Options => _options!;

    public override async ValueTask InitializeAsync()
    {
        var server = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            SkipReason = $"{EnvironmentVariable} is not set; no PostgreSQL server to test against.";
            return;
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        _adminConnectionString = builder.ToString();
        _name = "cohort_filters_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAdminAsync($"CREATE DATABASE {_name}");
        builder.Database = _name;
        _options = (DbContextOptions<CohortDbContext>)DataServiceCollectionExtensions
            .ConfigureDbContext(new DbContextOptionsBuilder<CohortDbContext>(), DatabaseProvider.PostgreSQL, builder.ToString()).Options;
        await SeedAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        DisposeColumnar();
        if (_name is not null) await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    private async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
