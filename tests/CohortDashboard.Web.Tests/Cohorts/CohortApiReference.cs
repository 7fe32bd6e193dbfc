using System.Net.Http.Headers;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;
using CohortDashboard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Cohorts;

/// <summary>One seeded app shared by the compat API test classes.</summary>
[CollectionDefinition(Name)]
public sealed class CohortApiCollection : ICollectionFixture<SeededApp>
{
    public const string Name = "cohort-apis";
}

/// <summary>
/// The independent reference for the compat APIs' numbers: the demo org's orders read straight from the database and
/// turned into facts by the in-memory engine (<see cref="CohortFacts.FromOrders"/>), not by the SQL fact paths.
/// </summary>
public sealed class CohortApiReference
{
    public required Organization Org { get; init; }
    public required List<Order> Orders { get; init; }
    public required Dictionary<long, Account> Accounts { get; init; }
    /// <summary>The app's own clock (an injected <see cref="TimeProvider"/>), so expectations follow whatever it reads.</summary>
    public required TimeProvider Clock { get; init; }
    public DateOnly Today => LocalCalendar.LocalDate(Clock.GetUtcNow().UtcDateTime, Zone);
    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(Org.TimeZone);

    public static async Task<CohortApiReference> LoadAsync(SeededApp app, long orgId = DemoDataGenerator.NorthwindOrgId)
    {
        using var scope = app.Factory.Services.CreateScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        var org = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == orgId);
        var orders = await db.Orders.AsNoTracking().Where(o => o.OrgId == orgId).ToListAsync();
        var accounts = await db.Accounts.AsNoTracking().Where(a => a.OrgId == orgId).ToDictionaryAsync(a => a.Id);
        return new CohortApiReference
        {
            Org = org, Orders = orders, Accounts = accounts, Clock = app.Factory.Services.GetRequiredService<TimeProvider>(),
        };
    }

    public PeriodCalendar Calendar(Granularity granularity, string? timeZone = null) =>
        new(granularity, timeZone is null ? Zone : TimeZoneInfo.FindSystemTimeZoneById(timeZone), Org.FiscalYearStartMonth);

    /// <summary>Per-customer facts up to <paramref name="asOf"/> (default today), paid orders only, refunds by refund date.</summary>
    public List<(long CustomerId, IReadOnlyList<CohortFact> Facts)> Facts(PeriodCalendar calendar, Func<Account, bool>? accounts = null,
        DateOnly? asOf = null, CohortOrderSettings? settings = null)
    {
        var end = LocalCalendar.LocalMidnightToUtc((asOf ?? LocalCalendar.LocalDate(Clock.GetUtcNow().UtcDateTime, calendar.Zone)).AddDays(1), calendar.Zone);
        var orders = Orders
            .Where(o => accounts is null || accounts(Accounts[o.AccountId]))
            .Select(o => new CohortOrder(o.AccountId, o.PlacedAt, o.Status switch
            {
                OrderStatus.Paid => CohortOrderStatus.Paid,
                OrderStatus.Pending => CohortOrderStatus.Pending,
                _ => CohortOrderStatus.Voided,
            }, o.GrossRevenue, o.Discounts, o.RefundedAmount, o.RefundedAt, o.Cogs, o.ShippingCost, o.Fees));
        return CohortFacts.FromOrders(orders, calendar, settings ?? CohortOrderSettings.Default, end).ToList();
    }

    /// <summary>The engine's matrix over <see cref="Facts"/> for cohorts first..last.</summary>
    public CohortMatrix Matrix(PeriodCalendar calendar, CohortMeasure measure, int first, int last, int offsets, DateOnly? asOf = null,
        CohortOrderSettings? settings = null)
    {
        var accumulator = new CohortAccumulator(first, last, calendar.IndexOf(asOf ?? LocalCalendar.LocalDate(Clock.GetUtcNow().UtcDateTime, calendar.Zone)), offsets);
        foreach (var (id, facts) in Facts(calendar, asOf: asOf, settings: settings)) accumulator.AddCustomer(id, CohortMatrixBuilder.AllGroup, facts);
        return CohortMatrixBuilder.Build(accumulator, calendar, measure, RetentionMode.Bounded).Groups[0];
    }

    /// <summary>GETs <paramref name="path"/> on the real socket (Bearer <paramref name="bearer"/> when set) and reads the JSON body.</summary>
    public static async Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> GetJsonAsync(SeededApp app, string path,
        string? bearer = CohortAppFactory.TestApiKey)
    {
        using var client = DemoSession.CreateClient(app.Factory);
        var response = await client.SendAsync(Get(path, bearer), TestContext.Current.CancellationToken);
        return (response, await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(
            response.Content, TestContext.Current.CancellationToken));
    }

    public static HttpRequestMessage Get(string path, string? bearer = CohortAppFactory.TestApiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }
}
