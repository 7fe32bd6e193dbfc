using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Cohorts.Api;
using CohortDashboard.Web.Features.ApiKeys;

namespace CohortDashboard.Web.Tests.Cohorts;

[Collection(CohortApiCollection.Name)]
public sealed class CashRunwayCohortApiTests(SeededApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<(HttpResponseMessage Response, JsonElement Body)> SendAsync(string path, string? bearer = CohortAppFactory.TestApiKey) =>
        CohortApiReference.GetJsonAsync(app, path, bearer);

    [Theory]
    [InlineData("retention")]
    [InlineData("customers")]
    [InlineData("revenue")]
    public async Task Retention_EachMetric_MatchesEngineOverDatabaseOrders(string metric)
    {
        var (response, body) = await SendAsync($"/api/agent/cohorts/retention?metric={metric}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var reference = await CohortApiReference.LoadAsync(app);
        var calendar = reference.Calendar(Granularity.Month);
        var asOf = calendar.IndexOf(reference.Today);
        var matrix = reference.Matrix(calendar, CohortMeasure.NetRevenue, asOf - 11, asOf, 12);
        Assert.Equal(["asOfDate", "currency", "metric", "periodLabels", "cohorts", "redactedItemCount", "notesForAgent"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(reference.Today.ToString("yyyy-MM-dd"), body.GetProperty("asOfDate").GetString());
        Assert.Equal("USD", body.GetProperty("currency").GetString());
        Assert.Equal(metric, body.GetProperty("metric").GetString());
        Assert.Equal(Enumerable.Range(0, 12).Select(k => $"M{k}"), body.GetProperty("periodLabels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(0, body.GetProperty("redactedItemCount").GetInt32());
        Assert.Empty(body.GetProperty("notesForAgent").EnumerateArray());

        var expectedRows = matrix.Rows.Where(r => r.Size > 0).ToList();
        var rows = body.GetProperty("cohorts").EnumerateArray().ToList();
        Assert.Equal(expectedRows.Count, rows.Count);
        Assert.True(rows.Count >= 6, "the demo data acquires customers most months");
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(["cohort", "cohortSize", "values"], rows[i].EnumerateObject().Select(p => p.Name));
            Assert.Equal(expectedRows[i].Label, rows[i].GetProperty("cohort").GetString());
            Assert.Equal(expectedRows[i].Size, rows[i].GetProperty("cohortSize").GetInt32());
            var values = rows[i].GetProperty("values").EnumerateArray().ToList();
            Assert.Equal(12, values.Count);
            for (var k = 0; k < 12; k++)
            {
                var cell = expectedRows[i].Cells[k];
                if (cell is null) { Assert.Equal(JsonValueKind.Null, values[k].ValueKind); continue; }
                switch (metric)
                {
                    case "retention": Assert.Equal(Math.Round(cell.Retention!.Value, 4), values[k].GetDecimal()); break;
                    case "customers": Assert.Equal(cell.Customers, values[k].GetInt32()); break;
                    default: Assert.Equal(Math.Round(cell.Value!.Value, 2), decimal.Parse(values[k].GetString()!, System.Globalization.CultureInfo.InvariantCulture)); break;
                }
            }
        }
        // Offsets whose period starts after today (by the app's clock) are null, whatever day of the month this runs.
        for (var i = 0; i < rows.Count; i++)
            for (var k = asOf - expectedRows[i].Period + 1; k < 12; k++)
                Assert.Equal(JsonValueKind.Null, rows[i].GetProperty("values")[k].ValueKind);
        Assert.InRange(asOf - expectedRows[^1].Period, 0, 10); // so the newest row has future offsets to check
        Assert.Equal("active", response.Headers.GetValues("X-CashRunway-Subscription").Single());
        Assert.Equal("demo", response.Headers.GetValues("X-CashRunway-Plan").Single());
        Assert.InRange(int.Parse(response.Headers.GetValues("X-CashRunway-Quota-Remaining").Single()), 0, QuotaLimit.Default.Credits - 1);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", response.Headers.GetValues("X-CashRunway-Quota-Reset").Single());
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData("0", 1)]
    [InlineData("-5", 1)]
    [InlineData("20", 12)]
    [InlineData("99999999999999999999999", 12)]
    [InlineData("month", -1)]
    public async Task Retention_Periods_ClampedOr400(string periods, int columns)
    {
        var (response, body) = await SendAsync($"/api/agent/cohorts/retention?metric=customers&granularity=month&periods={periods}");
        if (columns < 0)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("periods", body.GetProperty("error").GetString());
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(columns, body.GetProperty("periodLabels").GetArrayLength());
        Assert.All(body.GetProperty("cohorts").EnumerateArray(), row => Assert.Equal(columns, row.GetProperty("values").GetArrayLength()));
    }

    [Theory]
    [InlineData("/api/agent/cohorts/retention?granularity=week", "week")]
    [InlineData("/api/agent/cohorts/retention?granularity=day", "granularity")]
    [InlineData("/api/agent/cohorts/retention?metric=ltv", "metric")]
    public async Task Retention_Unsupported_Returns400ErrorBody(string path, string mentions)
    {
        var (response, body) = await SendAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["error"], body.EnumerateObject().Select(p => p.Name));
        Assert.Contains(mentions, body.GetProperty("error").GetString());
        Assert.False(response.Headers.Contains("X-CashRunway-Plan"));
    }

    [Fact]
    public async Task Retention_HostileMetric_Returns400()
    {
        // 4,000 characters: longer request lines are refused by Kestrel itself (414) before any route runs.
        var (response, body) = await SendAsync("/api/agent/cohorts/retention?metric=" + new string('x', 4_000));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(JsonValueKind.String, body.GetProperty("error").ValueKind);
    }

    [Theory]
    [InlineData("/api/agent/cohorts/retention", null)]
    [InlineData("/api/agent/cohorts/retention", "wrong-key")]
    [InlineData("/api/agent/cohorts/summary", null)]
    [InlineData("/api/agent/cohorts/summary", "wrong-key")]
    public async Task AgentRoutes_NoOrBadKey_Returns401ErrorBody(string path, string? key)
    {
        var (response, body) = await SendAsync(path, key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Retention_CookieSession_Returns401()
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var response = await client.GetAsync("/api/agent/cohorts/retention", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(JsonValueKind.String, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task Summary_DemoKey_KpisTopCohortsAndNotesMatchEngine()
    {
        var (response, body) = await SendAsync("/api/agent/cohorts/summary");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var reference = await CohortApiReference.LoadAsync(app);
        var calendar = reference.Calendar(Granularity.Month);
        var asOf = calendar.IndexOf(reference.Today);
        var matrix = reference.Matrix(calendar, CohortMeasure.Ltv, asOf - 11, asOf, 4);
        var window = matrix.Rows.Skip(6).ToList();
        var prior = matrix.Rows.Take(6).ToList();

        Assert.Equal(reference.Today.ToString("yyyy-MM-dd"), body.GetProperty("asOfDate").GetString());
        Assert.Equal(calendar.StartDate(asOf - 5).ToString("yyyy-MM-dd"), body.GetProperty("window").GetProperty("from").GetString());
        Assert.Equal(calendar.EndDate(asOf - 6).ToString("yyyy-MM-dd"), body.GetProperty("priorWindow").GetProperty("to").GetString());
        Assert.Equal(0, body.GetProperty("redactedItemCount").GetInt32());
        var kpis = body.GetProperty("kpis");
        var newCustomers = kpis.GetProperty("newCustomers");
        Assert.Equal(window.Sum(r => r.Size), newCustomers.GetProperty("value").GetInt32());
        Assert.Equal(prior.Sum(r => r.Size), newCustomers.GetProperty("prior").GetInt32());
        Assert.Equal(window.Sum(r => r.Size) - prior.Sum(r => r.Size), newCustomers.GetProperty("delta").GetInt32());

        // M1 retention by hand: customers / size summed over cohorts whose M1 is over.
        static decimal? M(List<CohortRow> rows, int k)
        {
            var done = rows.Where(r => r.Size > 0 && r.Cells[k] is { InProgress: false }).ToList();
            return done.Count == 0 ? null : Math.Round((decimal)done.Sum(r => r.Cells[k]!.Customers) / done.Sum(r => r.Size), 4);
        }
        Assert.Equal(M(window, 1), kpis.GetProperty("m1Retention").GetProperty("value").GetDecimal());
        Assert.Equal(M(prior, 1), kpis.GetProperty("m1Retention").GetProperty("prior").GetDecimal());
        Assert.Equal(M(prior, 3), kpis.GetProperty("m3Retention").GetProperty("prior").GetDecimal());

        var start = calendar.StartUtc(asOf - 5);
        var windowNet = reference.Orders
            .Where(o => o.Status == Data.Model.OrderStatus.Paid && o.PlacedAt >= start)
            .Sum(o => o.GrossRevenue - o.Discounts - (o.RefundedAt is null ? o.RefundedAmount : 0m))
            + reference.Orders.Where(o => o.Status == Data.Model.OrderStatus.Paid && o.RefundedAt >= start && o.RefundedAt < calendar.EndUtc(asOf)).Sum(o => o.RefundedAmount) * -1;
        Assert.Equal(Math.Round(windowNet, 2), decimal.Parse(kpis.GetProperty("netRevenue").GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        var top = body.GetProperty("topCohorts").EnumerateArray().ToList();
        var expectedTop = matrix.Rows.Where(r => r.Size > 0 && r.Cells[3] is { InProgress: false })
            .OrderByDescending(r => r.Cells[3]!.Retention).ThenByDescending(r => r.Period).Take(3).ToList();
        Assert.Equal(expectedTop.Select(r => r.Label), top.Select(t => t.GetProperty("cohort").GetString()));
        var notes = body.GetProperty("notesForAgent").EnumerateArray().ToList();
        Assert.Contains(notes, n => n.GetProperty("kind").GetString() == "m1_trend");
        Assert.All(notes, n => Assert.False(string.IsNullOrWhiteSpace(n.GetProperty("text").GetString())));
        Assert.True(response.Headers.Contains("X-CashRunway-Quota-Remaining"));
    }
}
