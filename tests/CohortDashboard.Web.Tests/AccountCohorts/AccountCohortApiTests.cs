using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Analytics.AccountCohorts;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.AccountCohorts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.AccountCohorts;

/// <summary>The Pillar cohorts API (seed 000) and our /api/cohorts additions over real Kestrel and a real SQLite file.</summary>
public sealed class AccountCohortApiTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] DefinitionFields =
        ["id", "org_id", "name", "cohort_type", "grouping_field", "grouping_value", "filter_criteria", "member_count"];

    private HttpClient ApiKeyClient()
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        return client;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Segment(string segment) =>
        $$"""{"and": [{"field": "account.segment", "op": "equals", "value": "{{segment}}"}]}""";

    private async Task<T> WithDbAsync<T>(long orgId, Func<CohortDbContext, Task<T>> action)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, orgId);
        return await action(db);
    }

    private async Task<List<JsonElement>> DefinitionsAsync(HttpClient client, string query = "")
    {
        var body = await client.GetFromJsonAsync<JsonElement>("/api/cohorts/definitions" + query, Ct);
        var list = body.GetProperty("definitions").EnumerateArray().ToList();
        Assert.Equal(list.Count, body.GetProperty("count").GetInt32());
        return list;
    }

    [Fact]
    public async Task PostDefinitions_Twice_SecondInsertsNothingAndRefreshesEveryDefinition()
    {
        using var client = ApiKeyClient();
        using var first = await client.PostAsync("/api/cohorts/definitions", null, Ct);
        using var second = await client.PostAsync("/api/cohorts/definitions", null, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var body = await JsonAsync(second);
        Assert.Equal(["breakdown", "inserted", "success", "total_cohorts", "updated"], body.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["rep", "segment", "territory", "vintage"], body.GetProperty("breakdown").EnumerateObject().Select(p => p.Name).Order());
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal(0, body.GetProperty("inserted").GetInt32());
        var total = body.GetProperty("total_cohorts").GetInt32();
        Assert.Equal(total, body.GetProperty("updated").GetInt32());
        Assert.Equal(total, body.GetProperty("breakdown").EnumerateObject().Sum(p => p.Value.GetInt32()));
        Assert.Equal(3, body.GetProperty("breakdown").GetProperty("segment").GetInt32());
        var auto = (await DefinitionsAsync(client)).Count(d => d.GetProperty("cohort_type").GetString() != "custom");
        Assert.Equal(total, auto);
    }

    [Fact]
    public async Task GetDefinitions_ByType_SeedFieldsAndMemberCountsMatchTheAccounts()
    {
        using var client = ApiKeyClient();
        (await client.PostAsync("/api/cohorts/definitions", null, Ct)).Dispose();

        var segments = await DefinitionsAsync(client, "?cohort_type=segment");
        var vintages = await DefinitionsAsync(client, "?cohort_type=vintage");

        Assert.All(segments, d => Assert.Equal(DefinitionFields.Order(), d.EnumerateObject().Select(p => p.Name).Order()));
        Assert.All(segments, d => Assert.Equal("segment", d.GetProperty("cohort_type").GetString()));
        Assert.All(segments, d => Assert.Equal(JsonValueKind.Null, d.GetProperty("filter_criteria").ValueKind));
        Assert.All(segments, d => Assert.Equal("1", d.GetProperty("org_id").GetString()));
        var accounts = await WithDbAsync(DemoDataGenerator.NorthwindOrgId, db => db.Accounts.ToListAsync(Ct));
        foreach (var d in segments)
        {
            var value = d.GetProperty("grouping_value").GetString();
            Assert.Equal("Segment " + value, d.GetProperty("name").GetString());
            Assert.Equal(accounts.Count(a => a.Segment.ToWire() == value), d.GetProperty("member_count").GetInt32());
        }
        Assert.All(vintages, d => Assert.Matches(@"^Vintage \d{4}-Q[1-4]$", d.GetProperty("name").GetString()));
        Assert.Equal(accounts.Count, vintages.Sum(d => d.GetProperty("member_count").GetInt32()));
        // Northwind's fiscal year and timezone decide the quarter of each account's local creation date.
        var org = await WithDbAsync(DemoDataGenerator.NorthwindOrgId, db => db.Organizations.SingleAsync(Ct));
        var zone = LocalCalendar.FindTimeZone(org.TimeZone);
        var expected = accounts.GroupBy(a => VintageNames.Name(a.CreatedAt, zone, org.FiscalYearStartMonth))
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(e => e.Key), vintages.Select(d => new KeyValuePair<string, int>(
            d.GetProperty("name").GetString()!, d.GetProperty("member_count").GetInt32())).OrderBy(e => e.Key));
    }

    [Fact]
    public async Task GetDefinitions_UnknownType_ValidationProblem()
    {
        using var client = ApiKeyClient();
        using var response = await client.GetAsync("/api/cohorts/definitions?cohort_type=planet", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await JsonAsync(response);
        Assert.Contains("planet", body.GetProperty("errors").GetProperty("cohort_type")[0].GetString());
    }

    [Fact]
    public async Task PostDefinitions_Analyst_Forbidden()
    {
        using var analyst = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Analyst);
        using var response = await analyst.PostAsync("/api/cohorts/definitions", null, Ct);
        using var read = await analyst.GetAsync("/api/cohorts/definitions", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task CreateCustom_UnknownField_ErrorNamesTheNodePath()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var response = await admin.PostAsync("/api/cohorts/definitions/custom", Body("""
            {"name": "Bad field", "filter_criteria": {"and": [{"field": "account.segment", "op": "equals", "value": "SMB"},
                                                              {"field": "account.shoe_size", "op": "equals", "value": "9"}]}}
            """), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await JsonAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("filter_criteria.and.1.field", out var messages), errors.ToString());
        Assert.Contains("account.shoe_size", messages[0].GetString());
    }

    [Fact]
    public async Task CreateCustom_OperatorNotForField_ErrorNamesTheNodePath()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var response = await admin.PostAsync("/api/cohorts/definitions/custom", Body("""
            {"name": "Bad op", "filter_criteria": {"or": [{"not": {"field": "account.segment", "op": "greater_than", "value": "SMB"}}]}}
            """), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await JsonAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("filter_criteria.or.0.not.op", out _), errors.ToString());
    }

    [Fact]
    public async Task CreateCustom_OrderField_RejectedForAnAccountCohort()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var response = await admin.PostAsync("/api/cohorts/definitions/custom", Body("""
            {"name": "Orders", "filter_criteria": {"and": [{"field": "orders.source_name", "op": "equals", "value": "web"}]}}
            """), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await JsonAsync(response)).GetProperty("errors").TryGetProperty("filter_criteria.and.0.field", out _));
    }

    [Fact]
    public async Task CreateCustom_DuplicateName_ErrorOnName()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var json = $$"""{"name": "Twice named", "filter_criteria": {{Segment("SMB")}}}""";
        using var first = await admin.PostAsync("/api/cohorts/definitions/custom", Body(json), Ct);
        using var second = await admin.PostAsync("/api/cohorts/definitions/custom", Body(json), Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        var errors = (await JsonAsync(second)).GetProperty("errors");
        Assert.Contains("Twice named", errors.GetProperty("name")[0].GetString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"name\": \"No criteria\"}")]
    public async Task CreateCustom_MalformedBody_ValidationProblem(string json)
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var response = await admin.PostAsync("/api/cohorts/definitions/custom", Body(json), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(JsonValueKind.Object, (await JsonAsync(response)).GetProperty("errors").ValueKind);
    }

    [Fact]
    public async Task CustomCohort_CreatePreviewUpdateDelete_LiveCountsMatchTheAccounts()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var accounts = await WithDbAsync(DemoDataGenerator.NorthwindOrgId, db => db.Accounts.ToListAsync(Ct));
        var smb = accounts.Count(a => a.Segment == Data.Model.Segment.Smb);
        var healthyEnterprise = accounts.Count(a => a.Segment == Data.Model.Segment.Enterprise && a.HealthScore >= 60);
        var enterpriseJson = """{"and": [{"field": "account.segment", "op": "equals", "value": "Enterprise"}, {"field": "account.health_score", "op": "greater_than_or_equals", "value": 60}]}""";

        using var preview = await admin.PostAsync("/api/cohorts/definitions/custom/preview", Body($$"""{"filter_criteria": {{Segment("SMB")}}}"""), Ct);
        using var created = await admin.PostAsync("/api/cohorts/definitions/custom", Body($$"""{"name": "All SMB", "filter_criteria": {{Segment("SMB")}}}"""), Ct);
        var definition = await JsonAsync(created);
        var id = definition.GetProperty("id").GetString();
        using var updated = await admin.PutAsync($"/api/cohorts/definitions/custom/{id}",
            Body($$"""{"name": "Healthy enterprise", "filter_criteria": {{enterpriseJson}}}"""), Ct);
        var listed = (await DefinitionsAsync(admin, "?cohort_type=custom")).Single(d => d.GetProperty("id").GetString() == id);
        using var deleted = await admin.DeleteAsync($"/api/cohorts/definitions/custom/{id}", Ct);
        using var deletedAgain = await admin.DeleteAsync($"/api/cohorts/definitions/custom/{id}", Ct);

        Assert.Equal(smb, (await JsonAsync(preview)).GetProperty("member_count").GetInt32());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(smb, definition.GetProperty("member_count").GetInt32());
        Assert.Equal("custom", definition.GetProperty("cohort_type").GetString());
        Assert.Equal("SMB", definition.GetProperty("filter_criteria").GetProperty("and")[0].GetProperty("value").GetString());
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Healthy enterprise", listed.GetProperty("name").GetString());
        Assert.Equal(healthyEnterprise, listed.GetProperty("member_count").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
        Assert.DoesNotContain(await DefinitionsAsync(admin), d => d.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task CustomCohort_AnotherOrgsId_NotFoundAndUntouched()
    {
        using var contoso = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        using var northwind = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var created = await contoso.PostAsync("/api/cohorts/definitions/custom",
            Body($$"""{"name": "Contoso SMB", "filter_criteria": {{Segment("SMB")}}}"""), Ct);
        var id = (await JsonAsync(created)).GetProperty("id").GetString();

        using var put = await northwind.PutAsync($"/api/cohorts/definitions/custom/{id}",
            Body($$"""{"name": "Stolen", "filter_criteria": {{Segment("SMB")}}}"""), Ct);
        using var delete = await northwind.DeleteAsync($"/api/cohorts/definitions/custom/{id}", Ct);
        using var snapshots = await northwind.GetAsync($"/api/cohorts/snapshots?cohort_id={id}", Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, snapshots.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        var still = (await DefinitionsAsync(contoso, "?cohort_type=custom")).Single(d => d.GetProperty("id").GetString() == id);
        Assert.Equal("Contoso SMB", still.GetProperty("name").GetString());
        Assert.DoesNotContain(await DefinitionsAsync(northwind), d => d.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Recompute_ThenSnapshots_SegmentArrAddsUpToTheContractsInForceAtMonthEnd()
    {
        using var client = ApiKeyClient();
        (await client.PostAsync("/api/cohorts/definitions", null, Ct)).Dispose();
        using var recompute = await client.PostAsync("/api/cohorts/snapshots/recompute", null, Ct);
        Assert.True(recompute.IsSuccessStatusCode, $"{(int)recompute.StatusCode} {await recompute.Content.ReadAsStringAsync(Ct)}");
        var result = await JsonAsync(recompute);
        var to = result.GetProperty("to").GetString()!;
        var from = DateOnly.ParseExact(to, "yyyy-MM", CultureInfo.InvariantCulture).AddMonths(-3).ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var body = await client.GetFromJsonAsync<JsonElement>($"/api/cohorts/snapshots?cohort_type=segment&from={from}&to={to}", Ct);

        Assert.Equal(HttpStatusCode.OK, recompute.StatusCode);
        Assert.Equal(36, DateOnly.ParseExact(to, "yyyy-MM", CultureInfo.InvariantCulture).Year * 12 + DateOnly.ParseExact(to, "yyyy-MM", CultureInfo.InvariantCulture).Month
                         - DateOnly.ParseExact(result.GetProperty("from").GetString()!, "yyyy-MM", CultureInfo.InvariantCulture).Year * 12
                         - DateOnly.ParseExact(result.GetProperty("from").GetString()!, "yyyy-MM", CultureInfo.InvariantCulture).Month + 1);
        var rows = body.GetProperty("snapshots").EnumerateArray().ToList();
        Assert.Equal(rows.Count, body.GetProperty("count").GetInt32());
        Assert.All(rows, r => Assert.InRange(string.CompareOrdinal(r.GetProperty("period").GetString(), from), 0, int.MaxValue));
        Assert.All(rows, r => Assert.Equal("segment", r.GetProperty("cohort_type").GetString()));
        // Independent of the engine's series: the ARR in force at the last day of the month, straight from the rows.
        var contracts = await WithDbAsync(DemoDataGenerator.NorthwindOrgId, db => db.AccountProducts.ToListAsync(Ct));
        var month = DateOnly.ParseExact(to, "yyyy-MM", CultureInfo.InvariantCulture);
        var lastDay = month.AddMonths(1).AddDays(-1);
        var inForce = contracts.Where(c => c.Status != AccountProductStatus.Pending && c.StartDate <= lastDay
                                            && (c.EndDate is { } end ? end > lastDay : c.Status != AccountProductStatus.Churned))
            .Sum(c => c.ContractedArr);
        var latest = rows.Where(r => r.GetProperty("period").GetString() == to).ToList();
        Assert.Equal(3, latest.Count);
        Assert.Equal(inForce, latest.Sum(r => r.GetProperty("total_arr").GetDecimal()));
        foreach (var r in rows.Where(r => r.GetProperty("starting_arr").GetDecimal() > 0))
        {
            var start = r.GetProperty("starting_arr").GetDecimal();
            var expected = Math.Round((start + r.GetProperty("expansion_arr").GetDecimal() - r.GetProperty("contraction_arr").GetDecimal()
                                       - r.GetProperty("churn_arr").GetDecimal()) / start * 100m, 2, MidpointRounding.AwayFromZero);
            Assert.Equal(expected, r.GetProperty("nrr").GetDecimal());
            Assert.InRange(r.GetProperty("grr").GetDecimal(), 0m, 100m);
        }
    }

    [Theory]
    [InlineData("from=2025-13")]
    [InlineData("to=yesterday")]
    [InlineData("cohort_id=abc")]
    [InlineData("from=2025-06&to=2025-01")]
    public async Task GetSnapshots_MalformedQuery_ValidationProblem(string query)
    {
        using var client = ApiKeyClient();
        using var response = await client.GetAsync("/api/cohorts/snapshots?" + query, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task GetVintageCurves_Months12_OneCurvePerVintageFromFullRetention()
    {
        using var client = ApiKeyClient();
        (await client.PostAsync("/api/cohorts/definitions", null, Ct)).Dispose();

        var body = await client.GetFromJsonAsync<JsonElement>("/api/cohorts/vintage-curves?cohort_type=vintage&months=12", Ct);
        using var bad = await client.GetAsync("/api/cohorts/vintage-curves?months=37", Ct);

        var curves = body.GetProperty("curves").EnumerateArray().ToList();
        Assert.NotEmpty(curves);
        Assert.Equal(12, body.GetProperty("months").GetInt32());
        Assert.All(curves, c =>
        {
            Assert.StartsWith("Vintage ", c.GetProperty("name").GetString());
            var points = c.GetProperty("points").EnumerateArray().ToList();
            Assert.InRange(points.Count, 1, 13);
            Assert.Equal(100m, points[0].GetProperty("retention_pct").GetDecimal());
            Assert.Equal(c.GetProperty("starting_accounts").GetInt32(), points[0].GetProperty("accounts_remaining").GetInt32());
            // Accounts remaining only ever fall or come back; never above the start.
            Assert.All(points, p => Assert.InRange(p.GetProperty("accounts_remaining").GetInt32(), 0, c.GetProperty("starting_accounts").GetInt32()));
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task SettingsChange_MarksStaleUntilRecompute_AndThresholdsDriveAnomalies()
    {
        using var client = ApiKeyClient();
        (await client.PostAsync("/api/cohorts/definitions", null, Ct)).Dispose();
        (await client.PostAsync("/api/cohorts/snapshots/recompute", null, Ct)).Dispose();
        var before = await client.GetFromJsonAsync<JsonElement>("/api/cohorts/anomalies", Ct);

        using (var put = await client.PutAsync("/api/settings", Body("{\"nrr_warning_below\": 1000, \"churn_definition\": \"logo\"}"), Ct))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var stale = await client.GetFromJsonAsync<JsonElement>("/api/cohorts/anomalies", Ct);
        using var recompute = await client.PostAsync("/api/cohorts/snapshots/recompute", null, Ct);
        var after = await client.GetFromJsonAsync<JsonElement>("/api/cohorts/anomalies?severity=warning", Ct);
        var snapshots = await client.GetFromJsonAsync<JsonElement>("/api/cohorts/snapshots", Ct);

        Assert.False(before.GetProperty("stale").GetBoolean());
        Assert.True(stale.GetProperty("stale").GetBoolean());
        Assert.Equal("logo", (await JsonAsync(recompute)).GetProperty("churn_definition").GetString());
        Assert.False(after.GetProperty("stale").GetBoolean());
        Assert.False(snapshots.GetProperty("stale").GetBoolean());
        // Every finished snapshot month with an NRR under 1000 % (and not under the critical 90 %) is now a low-NRR
        // warning; the latest month is the running one (snapshots go to the current month) and is never judged.
        var rows = snapshots.GetProperty("snapshots").EnumerateArray().ToList();
        var running = rows.Select(s => s.GetProperty("period").GetString()).Max(StringComparer.Ordinal);
        var expected = rows.Count(s => s.GetProperty("period").GetString() != running
            && s.GetProperty("nrr").ValueKind == JsonValueKind.Number && s.GetProperty("nrr").GetDecimal() is < 1000m and >= 90m);
        Assert.DoesNotContain(after.GetProperty("anomalies").EnumerateArray(), a => a.GetProperty("period").GetString() == running);
        var lowNrr = after.GetProperty("anomalies").EnumerateArray().Where(a => a.GetProperty("type").GetString() == "low_nrr").ToList();
        Assert.Equal(expected, lowNrr.Count);
        Assert.All(after.GetProperty("anomalies").EnumerateArray(), a => Assert.Equal("warning", a.GetProperty("severity").GetString()));
        Assert.All(lowNrr, a => Assert.Equal(1000m, a.GetProperty("threshold").GetDecimal()));

        using var reset = await client.PutAsync("/api/settings", Body("{\"nrr_warning_below\": 100, \"churn_definition\": \"revenue\"}"), Ct);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
    }

    [Fact]
    public async Task GetComparison_AfterRecompute_HighestNrrBestLowestWorst()
    {
        using var client = ApiKeyClient();
        (await client.PostAsync("/api/cohorts/definitions", null, Ct)).Dispose();
        (await client.PostAsync("/api/cohorts/snapshots/recompute", null, Ct)).Dispose();

        var body = await client.GetFromJsonAsync<JsonElement>("/api/cohorts/comparison?cohort_type=vintage", Ct);

        var ranked = body.GetProperty("cohorts").EnumerateArray().Where(c => c.GetProperty("nrr").ValueKind == JsonValueKind.Number).ToList();
        Assert.True(ranked.Select(c => c.GetProperty("nrr").GetDecimal()).Distinct().Count() >= 2);
        var max = ranked.Max(c => c.GetProperty("nrr").GetDecimal());
        var min = ranked.Min(c => c.GetProperty("nrr").GetDecimal());
        Assert.All(ranked, c => Assert.Equal(
            c.GetProperty("nrr").GetDecimal() == max ? "best" : c.GetProperty("nrr").GetDecimal() == min ? "worst" : "normal",
            c.GetProperty("label").GetString()));
        Assert.Equal(1, ranked[0].GetProperty("rank").GetInt32());
    }
}
