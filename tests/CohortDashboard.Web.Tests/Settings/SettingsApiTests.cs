using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Cohorts;
using CohortDashboard.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Settings;

/// <summary><c>GET/PUT /api/settings</c> over the real app: round trips, refusals, access, org isolation and what a change does to numbers.</summary>
public sealed class SettingsApiTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static DateTime Utc(int y, int m, int d, int h = 12, int min = 0) => new(y, m, d, h, min, 0, DateTimeKind.Utc);

    private async Task<(OwnOrg Org, HttpClient Client)> OwnOrgAsync(string timeZone = "UTC")
    {
        var org = await OwnOrg.CreateAsync(app.Factory, timeZone);
        return (org, await DemoSession.SignedInClientAsync(app.Factory, org.AdminSubject));
    }

    private static async Task<JsonElement> PutAsync(HttpClient client, string json, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PutAsync("/api/settings", Body(json), Ct);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    [Theory]
    [InlineData("name", "\"Acme Europe\"")]
    [InlineData("timezone", "\"Asia/Tokyo\"")]
    [InlineData("currency", "\"GBP\"")]
    [InlineData("fiscal_year_start_month", "4")]
    [InlineData("upstack_pixel_id", "\"px-roundtrip-1\"")]
    [InlineData("count_pending_orders", "true")]
    [InlineData("count_voided_orders", "true")]
    [InlineData("refund_date_attribution", "\"order_date\"")]
    [InlineData("churn_definition", "\"logo\"")]
    [InlineData("confidence_high_min_sample", "50")]
    [InlineData("confidence_medium_min_sample", "5")]
    [InlineData("signal_weights", """{"affinity":0.3,"readiness":0.3,"health":0.2,"propensity":0.2}""")]
    [InlineData("priority_cutoffs", "[0.9,0.7,0.5,0.3]")]
    [InlineData("cross_sell_max_products", "4")]
    [InlineData("max_signals_per_account", "5")]
    [InlineData("nrr_warning_below", "95.5")]
    [InlineData("nrr_critical_below", "80")]
    [InlineData("health_decline_points", "12.5")]
    [InlineData("churn_acceleration_periods", "3")]
    [InlineData("anomaly_min_cohort_size", "10")]
    public async Task Put_OneSetting_RoundTripsThroughGet_AndAuditsBeforeAndAfter(string key, string json)
    {
        var (org, client) = await OwnOrgAsync();
        if (key == "upstack_pixel_id") json = $"\"px-{org.Id}\"";
        if (key == "name") json = $"\"Acme Europe {org.Id}\"";
        var before = await client.GetFromJsonAsync<JsonElement>("/api/settings", Ct);

        var put = await PutAsync(client, $"{{\"{key}\": {json}}}");
        var got = await client.GetFromJsonAsync<JsonElement>("/api/settings", Ct);

        using var expected = JsonDocument.Parse(json);
        Assert.True(JsonElement.DeepEquals(expected.RootElement, got.GetProperty(key)), $"{key}: {got.GetProperty(key)}");
        Assert.Equal(put.ToString(), got.ToString());
        // Everything else is as it was.
        foreach (var property in before.EnumerateObject().Where(p => p.Name != key))
            Assert.True(JsonElement.DeepEquals(property.Value, got.GetProperty(property.Name)), property.Name);
        var audit = await org.WithScopeAsync(app.Factory, sp => sp.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContext()
            .AuditEvents.Where(e => e.Action == SettingsService.AuditAction).SingleAsync(Ct));
        Assert.Equal(org.AdminSubject, audit.Actor);
        Assert.Equal([key], JsonDocument.Parse(audit.After!).RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(JsonElement.DeepEquals(before.GetProperty(key), JsonDocument.Parse(audit.Before!).RootElement.GetProperty(key)));
    }

    [Fact]
    public async Task Put_SeveralBadFields_400NamingEachAndNothingSaved()
    {
        var (_, client) = await OwnOrgAsync();
        var before = await client.GetFromJsonAsync<JsonElement>("/api/settings", Ct);

        var problem = await PutAsync(client,
            """{"timezone": "Eastern Standard Time", "currency": "usd", "signal_weights": {"affinity": 0.9}, "priority_cutoffs": [0.1, 0.2, 0.3, 0.4], "count_pending_orders": true}""",
            HttpStatusCode.BadRequest);

        Assert.Equal(["currency", "priority_cutoffs", "signal_weights", "timezone"],
            problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(before.ToString(), (await client.GetFromJsonAsync<JsonElement>("/api/settings", Ct)).ToString());
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{not json")]
    [InlineData("\"timezone\"")]
    public async Task Put_NotAJsonObject_400ProblemDetails(string body)
    {
        var (_, client) = await OwnOrgAsync();

        var problem = await PutAsync(client, body, HttpStatusCode.BadRequest);

        Assert.True(problem.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task Put_NameOfAnotherOrg_400AndNotRenamed()
    {
        var (_, client) = await OwnOrgAsync();

        var problem = await PutAsync(client, """{"name": "northwind learning"}""", HttpStatusCode.BadRequest);

        Assert.Equal(["name"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Access_AnalystAndAnonymous_Refused_ApiKeyAllowed()
    {
        using var analyst = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Analyst);
        using var anonymous = DemoSession.CreateClient(app.Factory);
        using var key = DemoSession.CreateClient(app.Factory);
        key.DefaultRequestHeaders.Add("X-API-Key", CohortAppFactory.TestApiKey);

        using (var r = await analyst.GetAsync("/api/settings", Ct)) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (var r = await analyst.PutAsync("/api/settings", Body("{}"), Ct)) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (var r = await anonymous.GetAsync("/api/settings", Ct)) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await key.GetAsync("/api/settings", Ct)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Theory]
    [InlineData("import:write", 403, 403)]
    [InlineData("cohorts:read", 200, 403)]
    [InlineData("READ_SUMMARY", 200, 403)]
    [InlineData("settings:write", 200, 200)]
    public async Task Access_ApiKeyScopes_ReadWithAnyReadScope_WriteOnlyWithSettingsWrite(string scope, int get, int put)
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var created = await admin.PostAsJsonAsync("/api/keys", new { name = "settings " + scope, scopes = new[] { scope } }, Ct);
        created.EnsureSuccessStatusCode();
        using var key = DemoSession.CreateClient(app.Factory);
        key.DefaultRequestHeaders.Add("X-API-Key", (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString());

        using var getResponse = await key.GetAsync("/api/settings", Ct);
        using var putResponse = await key.PutAsync("/api/settings", Body("{}"), Ct);

        Assert.Equal((get, put), ((int)getResponse.StatusCode, (int)putResponse.StatusCode));
    }

    [Fact]
    public async Task OrgScope_ContosoAdmin_ReadsAndChangesOnlyContoso()
    {
        using var contoso = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        async Task<Organization> OrgAsync(long id)
        {
            await using var scope = app.Factory.Services.CreateAsyncScope();
            await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, id);
            return await db.Organizations.AsNoTracking().SingleAsync(Ct);
        }
        var northwindBefore = await OrgAsync(DemoDataGenerator.NorthwindOrgId);
        var contosoBefore = await OrgAsync(DemoDataGenerator.ContosoOrgId);

        var got = await contoso.GetFromJsonAsync<JsonElement>("/api/settings", Ct);
        var newCap = contosoBefore.Settings.CrossSellMaxProducts + 1;
        await PutAsync(contoso, $"{{\"cross_sell_max_products\": {newCap}}}");

        Assert.Equal(contosoBefore.Name, got.GetProperty("name").GetString());
        Assert.Equal(newCap, (await OrgAsync(DemoDataGenerator.ContosoOrgId)).Settings.CrossSellMaxProducts);
        Assert.Equal(northwindBefore.Settings.CrossSellMaxProducts, (await OrgAsync(DemoDataGenerator.NorthwindOrgId)).Settings.CrossSellMaxProducts);
        await PutAsync(contoso, $"{{\"cross_sell_max_products\": {contosoBefore.Settings.CrossSellMaxProducts}}}");
    }

    private static decimal?[] Values(CohortRow row) => row.Cells.Select(c => c?.Value).ToArray();

    private Task<CohortResult> AnalyzeAsync(OwnOrg org, CohortMeasure measure, int month, int offsets) =>
        org.WithScopeAsync(app.Factory, sp => sp.GetRequiredService<CohortService>().AnalyzeAsync(new CohortQuery
        {
            Measure = measure, Offsets = offsets, From = new DateOnly(2026, month, 1), To = new DateOnly(2026, month, 1),
            AsOf = new DateOnly(2026, 4, 30),
        }, Ct));

    [Fact]
    public async Task Put_RefundDateAttribution_MovesTheRefundAsTheEngineTestSays()
    {
        // CohortEngineTests.Build_RefundInLaterMonth_FollowsTheAttributionSetting: $100 in January, $30 refunded on 5 March.
        var (org, client) = await OwnOrgAsync();
        await org.AddOrdersAsync(app.Factory, ("A1", Utc(2026, 1, 5), OrderStatus.Paid, 100m, 30m, Utc(2026, 3, 5)));

        var byRefundDate = (await AnalyzeAsync(org, CohortMeasure.NetRevenue, 1, 3)).Analysis.Groups.Single().Rows.Single();
        await PutAsync(client, """{"refund_date_attribution": "order_date"}""");
        var byOrderDate = (await AnalyzeAsync(org, CohortMeasure.NetRevenue, 1, 3)).Analysis.Groups.Single().Rows.Single();

        Assert.Equal([100m, 0m, -30m], Values(byRefundDate));
        Assert.Equal([70m, 0m, 0m], Values(byOrderDate));
    }

    [Fact]
    public async Task Put_CountPendingOrders_PendingCustomerJoinsTheCohortAsTheEngineTestSays()
    {
        // CohortEngineTests.Build_PendingAndVoidedOrders_CountOnlyWhenSettingsSaySo: one paid and one pending $100 order.
        var (org, client) = await OwnOrgAsync();
        await org.AddOrdersAsync(app.Factory,
            ("A1", Utc(2026, 1, 5), OrderStatus.Paid, 100m, 0m, null), ("A2", Utc(2026, 1, 6), OrderStatus.Pending, 100m, 0m, null));

        var paidOnly = (await AnalyzeAsync(org, CohortMeasure.GrossRevenue, 1, 1)).Analysis.Groups.Single().Rows.Single();
        await PutAsync(client, """{"count_pending_orders": true}""");
        var withPending = (await AnalyzeAsync(org, CohortMeasure.GrossRevenue, 1, 1)).Analysis.Groups.Single().Rows.Single();

        Assert.Equal((1, 100m), (paidOnly.Size, paidOnly.Cells[0]!.Value));
        Assert.Equal((2, 200m), (withPending.Size, withPending.Cells[0]!.Value));
    }

    [Fact]
    public async Task Put_Timezone_RecomputesInTheBackground_AndLateEveningOrderMovesToItsLocalMonth()
    {
        // 03:30 UTC on 1 February is 22:30 on 31 January in New York.
        var (org, client) = await OwnOrgAsync("UTC");
        await org.AddOrdersAsync(app.Factory, ("A1", Utc(2026, 2, 1, 3, 30), OrderStatus.Paid, 50m, 0m, null));
        async Task<(int January, int February)> SizesAsync()
        {
            var rows = (await org.WithScopeAsync(app.Factory, sp => sp.GetRequiredService<CohortService>().AnalyzeAsync(new CohortQuery
            {
                Measure = CohortMeasure.Customers, Offsets = 1, From = new DateOnly(2026, 1, 1), To = new DateOnly(2026, 2, 1), AsOf = new DateOnly(2026, 4, 30),
            }, Ct))).Analysis.Groups.Single().Rows;
            return (rows.Single(r => r.Start.Month == 1).Size, rows.Single(r => r.Start.Month == 2).Size);
        }
        var inUtc = await SizesAsync();

        await PutAsync(client, """{"timezone": "America/New_York"}""");
        await app.Factory.Services.GetRequiredService<SettingsRecompute>().WhenIdle(org.Id).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        var (staleSince, recomputes) = await org.WithScopeAsync(app.Factory, async sp =>
        {
            await using var db = DatabaseInitializer.CreateOrgContext(sp, org.Id);
            return (await db.Organizations.Select(o => o.ResultsStaleSince).SingleAsync(Ct),
                await db.AuditEvents.CountAsync(e => e.Action == "recompute.all" && e.Actor == org.AdminSubject, Ct));
        });
        var afterChange = await org.WithScopeAsync(app.Factory, sp => sp.GetRequiredService<CohortService>().AnalyzeAsync(new CohortQuery
        {
            Measure = CohortMeasure.Customers, Offsets = 1, From = new DateOnly(2026, 1, 1), To = new DateOnly(2026, 2, 1), AsOf = new DateOnly(2026, 4, 30),
        }, Ct));

        Assert.Equal((0, 1), inUtc);
        Assert.Null(staleSince);
        Assert.Equal(1, recomputes);
        Assert.True(afterChange.Path.UsesColumnar, afterChange.Path.Reason);
        Assert.Equal((1, 0), await SizesAsync());
    }

    [Fact]
    public async Task Put_SignalWeights_MarksResultsStaleAndPagesSaySo_CurrencyDoesNot()
    {
        var (org, client) = await OwnOrgAsync();
        Task<DateTime?> StaleAsync() => org.WithScopeAsync(app.Factory, async sp =>
        {
            await using var db = DatabaseInitializer.CreateOrgContext(sp, org.Id);
            return await db.Organizations.Select(o => o.ResultsStaleSince).SingleAsync(Ct);
        });

        async Task<bool[]> PagesSayStaleAsync()
        {
            var pages = new List<bool>();
            // The Cohorts page loads its results (and their stale notice) after the first render, so only these two here.
            foreach (var path in new[] { "/affinity", "/signals" })
                pages.Add((await client.GetStringAsync(path, Ct)).Contains("data-testid=\"results-stale\"", StringComparison.Ordinal));
            return [.. pages];
        }

        await PutAsync(client, """{"currency": "JPY"}""");
        var afterCurrency = (await StaleAsync(), await PagesSayStaleAsync());
        await PutAsync(client, """{"signal_weights": {"affinity": 0.3, "readiness": 0.35}}""");

        Assert.Null(afterCurrency.Item1);
        Assert.Equal(new[] { false, false }, afterCurrency.Item2);
        Assert.NotNull(await StaleAsync());
        Assert.Equal(new[] { true, true }, await PagesSayStaleAsync());
    }
}
