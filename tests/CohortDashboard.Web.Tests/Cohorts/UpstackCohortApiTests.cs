using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Cohorts;

[Collection(CohortApiCollection.Name)]
public sealed class UpstackCohortApiTests(SeededApp app)
{
    private const string Path = "/db-mgmt/api/query-cohort-analysis";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(string json, string? key = CohortAppFactory.TestApiKey,
        string? pixel = "demo-pixel")
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Add("x-api-key", key);
        if (pixel is not null) request.Headers.Add("x-pixel-id", pixel);
        var response = await client.SendAsync(request, Ct);
        return (response, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    private static string Body(string start, string end, string granularity = "month", string measures =
        "[\"orders.customers_cohort\",\"orders.cohort_retention_percent\",\"orders.ltv_cohort_net_revenue\",\"orders.ltv_cohort_gross_revenue\",\"orders.avg_order_value_cohort\",\"orders.cohort_cm1\",\"orders.cohort_cm2\"]",
        string extra = "") =>
        $$"""{"pixelId":"demo-pixel","granularity":"{{granularity}}","measures":{{measures}},"dateRange":{"start":"{{start}}","end":"{{end}}"}{{extra}}}""";

    [Fact]
    public async Task Query_AllSevenMeasures_RowsMatchEngine()
    {
        var reference = await CohortApiReference.LoadAsync(app);
        var calendar = reference.Calendar(Granularity.Month);
        var asOf = calendar.IndexOf(reference.Today);
        var start = calendar.StartDate(asOf - 5);
        var (response, body) = await PostAsync(Body(start.ToString("yyyy-MM-dd"), reference.Today.AddDays(40).ToString("yyyy-MM-dd")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var result = Assert.Single(body.GetProperty("results").EnumerateArray());
        Assert.Equal("month", result.GetProperty("granularity").GetString());
        Assert.Empty(result.GetProperty("dimensions").EnumerateArray());
        var details = result.GetProperty("measureDetails").EnumerateArray().ToList();
        Assert.Equal(7, details.Count);
        Assert.All(details, d => Assert.False(d.GetProperty("hasPacing").GetBoolean()));
        Assert.True(details.Single(d => d.GetProperty("measure").GetString() == "orders.cohort_retention_percent").GetProperty("isPercentage").GetBoolean());

        var measures = new (string Id, CohortMeasure Measure, decimal Scale)[]
        {
            ("orders.customers_cohort", CohortMeasure.Customers, 1m), ("orders.cohort_retention_percent", CohortMeasure.Retention, 100m),
            ("orders.ltv_cohort_net_revenue", CohortMeasure.Ltv, 1m), ("orders.ltv_cohort_gross_revenue", CohortMeasure.GrossLtv, 1m),
            ("orders.avg_order_value_cohort", CohortMeasure.Aov, 1m), ("orders.cohort_cm1", CohortMeasure.Cm1, 1m), ("orders.cohort_cm2", CohortMeasure.Cm2, 1m),
        };
        var rows = result.GetProperty("data").GetProperty("primary").EnumerateArray().ToList();
        var matrices = measures.Select(m => reference.Matrix(calendar, m.Measure, asOf - 5, asOf, 36)).ToList();
        var expectedCount = matrices[0].Rows.Where(r => r.Size > 0).Sum(r => r.Cells.Count(c => c is not null));
        Assert.Equal(expectedCount, rows.Count);
        foreach (var row in rows)
        {
            var cohortStart = DateOnly.Parse(row.GetProperty("dt").GetString()!);
            var k = row.GetProperty("period").GetInt32();
            var period = calendar.IndexOf(cohortStart);
            Assert.Equal(calendar.StartDate(period + k).ToString("yyyy-MM-dd"), row.GetProperty("start").GetString());
            Assert.Equal(calendar.EndDate(period + k).ToString("yyyy-MM-dd"), row.GetProperty("end").GetString());
            for (var m = 0; m < measures.Length; m++)
            {
                var cell = matrices[m].Rows.Single(r => r.Period == period).Cells[k]!;
                var value = row.GetProperty(measures[m].Id);
                if (cell.Value is null) Assert.Equal(JsonValueKind.Null, value.ValueKind);
                else Assert.Equal(Math.Round(cell.Value.Value * measures[m].Scale, 4, MidpointRounding.AwayFromZero), value.GetDecimal());
            }
        }
        var customers = details.Single(d => d.GetProperty("measure").GetString() == "orders.customers_cohort");
        Assert.Equal(rows.Sum(r => r.GetProperty("orders.customers_cohort").GetDecimal()), customers.GetProperty("primarySum").GetDecimal());
    }

    [Fact]
    public async Task Query_WeekWithTimezoneAndFilter_Returns200()
    {
        var today = DateOnly.FromDateTime(app.Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        var filters = ""","filters":{"and":[{"field":"orders.customer_type","op":"in","value":["new_customer","returning_customer"]}]},"timezone":"Europe/Berlin","orderSettings":{"countPendingOrders":true,"refundDateAttribution":"original_order_date","exclusionFilters":[]}""";
        var (response, body) = await PostAsync(Body(today.AddDays(-60).ToString("yyyy-MM-dd"), today.ToString("yyyy-MM-dd"), "week", "[\"orders.customers_cohort\"]", filters));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = body.GetProperty("results")[0].GetProperty("data").GetProperty("primary").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(DayOfWeek.Monday, DateOnly.Parse(r.GetProperty("dt").GetString()!).DayOfWeek));
    }

    [Fact]
    public async Task Query_ManyErrors_Returns400WithEveryPath()
    {
        var json = """
            {"pixelId":"demo-pixel","granularity":"day","measures":["orders.customers_cohort","orders.nope"],
             "dateRange":{"start":"2026-05-01","end":"2026-13-01"},"timezone":"Mars/Olympus",
             "filters":{"and":[{"field":"orders.unknown","op":"equals","value":"x"}]},
             "orderSettings":{"countPendingOrders":"yes","refundDateAttribution":"later"}}
            """;
        var (response, body) = await PostAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        var paths = body.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("key").GetString(), string.Join('/', e.GetProperty("path").EnumerateArray().Select(p => p.GetString())))).ToList();
        Assert.Contains(("granularity", "granularity"), paths);
        Assert.Contains(("1", "measures/1").Item2, paths.Select(p => p.Item2));
        Assert.Contains(("end", "dateRange/end"), paths);
        Assert.Contains(("timezone", "timezone"), paths);
        Assert.Contains(("field", "filters/and/0/field"), paths);
        Assert.Contains(("countPendingOrders", "orderSettings/countPendingOrders"), paths);
        Assert.Contains(("refundDateAttribution", "orderSettings/refundDateAttribution"), paths);
        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString())));
    }

    [Theory]
    [InlineData("""{"pixelId":"demo-pixel","measures":[],"dateRange":{"start":"2026-02-01","end":"2026-01-01"}}""", "granularity,measures,dateRange")]
    [InlineData("""{"pixelId":"demo-pixel","granularity":"month","measures":["orders.customers_cohort"]}""", "dateRange")]
    [InlineData("""[1,2,3]""", "")]
    public async Task Query_MissingOrInvalidFields_Returns400(string json, string keys)
    {
        var (response, body) = await PostAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(keys, string.Join(',', body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("key").GetString())));
    }

    [Fact]
    public async Task Query_HostileInputs_Returns400()
    {
        var measures = "[" + string.Join(',', Enumerable.Repeat("\"orders.customers_cohort\"", 31)) + "]";
        var (response, body) = await PostAsync(Body("2026-01-01", "2026-02-01", measures: measures, extra: $",\"timezone\":\"{new string('z', 10_000)}\""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["measures", "timezone"], body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("key").GetString()));

        (response, body) = await PostAsync(Body("1900-01-01", "2026-01-01", "week", "[\"orders.customers_cohort\"]"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("dateRange", body.GetProperty("errors")[0].GetProperty("key").GetString());
    }

    [Fact]
    public async Task Query_MalformedJson_Returns400SameShape()
    {
        var (response, body) = await PostAsync("{\"pixelId\": \"demo-pixel\", ");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(JsonValueKind.String, body.GetProperty("message").ValueKind);
        Assert.Equal(JsonValueKind.Array, Assert.Single(body.GetProperty("errors").EnumerateArray()).GetProperty("path").ValueKind);
    }

    [Theory]
    [InlineData(null, "demo-pixel", 401)]
    [InlineData("bad-key", "demo-pixel", 401)]
    [InlineData(CohortAppFactory.TestApiKey, null, 401)]
    [InlineData(CohortAppFactory.TestApiKey, "contoso-pixel", 401)]
    public async Task Query_KeyOrPixelProblems_Returns401Message(string? key, string? pixel, int status)
    {
        var (response, body) = await PostAsync(Body("2026-01-01", "2026-02-01"), key, pixel);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(JsonValueKind.String, body.GetProperty("message").ValueKind);
    }

    [Fact]
    public async Task Query_BodyPixelDiffersFromHeader_Returns403()
    {
        var (response, body) = await PostAsync(Body("2026-01-01", "2026-02-01").Replace("\"pixelId\":\"demo-pixel\"", "\"pixelId\":\"contoso-pixel\""));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("pixelId", body.GetProperty("message").GetString());
    }
}
