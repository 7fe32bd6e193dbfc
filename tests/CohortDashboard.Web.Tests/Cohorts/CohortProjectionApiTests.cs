using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Projections;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Cohorts;

namespace CohortDashboard.Web.Tests.Cohorts;

/// <summary>
/// GET /api/cohorts/projection over real Kestrel and SQLite: its numbers are the pure engine's over the database's
/// orders (<see cref="CohortApiReference"/>), so the route neither loses nor invents anything on the way.
/// </summary>
[Collection(CohortApiCollection.Name)]
public sealed class CohortProjectionApiTests(SeededApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string query) =>
        CohortApiReference.GetJsonAsync(app, "/api/cohorts/projection" + query);

    /// <summary>The engine's projection of the 40 monthly cohorts to today, 36 offsets, from the reference matrices.</summary>
    private async Task<CohortGroupProjection> ExpectedAsync()
    {
        var reference = await CohortApiReference.LoadAsync(app);
        var calendar = reference.Calendar(Granularity.Month);
        var asOf = calendar.IndexOf(reference.Today);
        var first = asOf - 39;
        var retention = reference.Matrix(calendar, CohortMeasure.Retention, first, asOf, CohortQuery.MaxOffsets, mode: RetentionMode.Unbounded);
        var ltv = reference.Matrix(calendar, CohortMeasure.Ltv, first, asOf, CohortQuery.MaxOffsets);
        return CohortProjections.Build(retention, ltv, CohortQuery.MaxOffsets - 1);
    }

    private static double? Number(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();

    [Fact]
    public async Task GetProjection_Retention_MatchesTheEngineOverDatabaseOrders()
    {
        var (response, body) = await GetAsync("?measure=retention&granularity=month");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expected = (await ExpectedAsync()).Rows.Where(r => r.Size > 0).ToList();

        Assert.Equal("retention", body.GetProperty("measure").GetString());
        Assert.Equal("customer", body.GetProperty("cohort_type").GetString());
        var cohorts = body.GetProperty("cohorts").EnumerateArray().ToList();
        Assert.Equal(expected.Count, cohorts.Count);
        Assert.True(cohorts.Count >= 12, "the demo data acquires customers most months");
        var modelled = 0;
        for (var i = 0; i < cohorts.Count; i++)
        {
            var (json, row) = (cohorts[i], expected[i].Retention);
            Assert.Equal(expected[i].Label, json.GetProperty("cohort").GetString());
            Assert.Equal(row.ObservedPeriods, json.GetProperty("last_observed_offset").GetInt32());
            if (row.Model is not { } model)
            {
                Assert.Equal(JsonValueKind.Null, json.GetProperty("model").ValueKind);
                Assert.Equal(row.NotEnoughData, json.GetProperty("not_enough_data").GetString());
                continue;
            }
            modelled++;
            Assert.Equal("sbg", json.GetProperty("model").GetString());
            Assert.Equal(model.Scope == FitScope.Pooled ? "pooled" : "cohort", json.GetProperty("fitted_on").GetString());
            var (alpha, beta) = (json.GetProperty("parameters").GetProperty("alpha").GetDouble(), json.GetProperty("parameters").GetProperty("beta").GetDouble());
            Assert.Equal(model.Fit.Alpha, alpha);
            Assert.Equal(model.Fit.Beta, beta);
            Assert.Equal(model.Fit.LogLikelihood, json.GetProperty("log_likelihood").GetDouble());
            var projected = json.GetProperty("projected").EnumerateArray().ToList();
            Assert.Equal(CohortQuery.MaxOffsets - 1 - row.ObservedPeriods, projected.Count);
            // The first projected share is the last observed one times S(τ + 1)/S(τ) of the reported α, β.
            var tau = row.ObservedPeriods;
            Assert.Equal(tau + 1, projected[0].GetProperty("offset").GetInt32());
            var continued = json.GetProperty("last_observed").GetDouble()
                            * ShiftedBetaGeometric.Survival(alpha, beta, tau + 1) / ShiftedBetaGeometric.Survival(alpha, beta, tau);
            Assert.Equal(continued, projected[0].GetProperty("value").GetDouble(), 1e-12);
            foreach (var point in projected)
            {
                var value = point.GetProperty("value").GetDouble();
                Assert.InRange(value, Number(point.GetProperty("lower")) ?? value, Number(point.GetProperty("upper")) ?? value);
            }
        }
        Assert.True(modelled > 0, "some cohort is projected");
    }

    [Fact]
    public async Task GetProjection_Ltv_ReturnsChainLadderAndTheTwelveTwentyFourThirtySixHorizons()
    {
        var (response, body) = await GetAsync("?measure=ltv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var group = await ExpectedAsync();
        var expected = group.Rows.Where(r => r.Size > 0).ToList();

        var cohorts = body.GetProperty("cohorts").EnumerateArray().ToList();
        Assert.Equal(expected.Count, cohorts.Count);
        for (var i = 0; i < cohorts.Count; i++)
        {
            var json = cohorts[i];
            Assert.Equal([12, 24, 36], json.GetProperty("ltv").EnumerateArray().Select(l => l.GetProperty("periods").GetInt32()));
            foreach (var (l, e) in json.GetProperty("ltv").EnumerateArray().Zip(expected[i].Ltv))
            {
                Assert.Equal(e.Observed, l.GetProperty("observed").GetBoolean());
                Assert.Equal(e.Value?.Value, Number(l.GetProperty("value")));
                Assert.Equal(e.Missing, l.GetProperty("missing").ValueKind == JsonValueKind.Null ? null : l.GetProperty("missing").GetString());
            }
            var projected = json.GetProperty("projected").EnumerateArray().ToList();
            if (projected.Count == 0) continue;
            Assert.Equal("chain_ladder", json.GetProperty("model").GetString());
            // The first projected LTV is the last observed one carried by the development factor from that offset.
            var last = json.GetProperty("last_observed_offset").GetInt32();
            var factor = json.GetProperty("parameters").GetProperty("development_factors").EnumerateArray().First();
            Assert.Equal(last, factor.GetProperty("from_offset").GetInt32());
            Assert.Equal(group.Factors[last].Factor, factor.GetProperty("factor").GetDouble());
            Assert.Equal(json.GetProperty("last_observed").GetDouble() * factor.GetProperty("factor").GetDouble(),
                projected[0].GetProperty("value").GetDouble(), 1e-9);
        }
        Assert.Contains(cohorts, c => c.GetProperty("projected").GetArrayLength() > 0);
    }

    [Fact]
    public async Task GetProjection_AccountsRemaining_ProjectsEachVintageCurve()
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        using var generated = await client.PostAsync("/api/cohorts/definitions", null, Ct);
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        var curves = JsonDocument.Parse(await client.GetStringAsync("/api/cohorts/vintage-curves?cohort_type=vintage", Ct)).RootElement
            .GetProperty("curves").EnumerateArray().ToList();

        var (response, body) = await GetAsync("?measure=accounts_remaining&cohort_type=vintage");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cohorts = body.GetProperty("cohorts").EnumerateArray().ToList();
        Assert.Equal(curves.Select(c => c.GetProperty("cohort_id").GetString()), cohorts.Select(c => c.GetProperty("cohort_id").GetString()));
        Assert.NotEmpty(cohorts);
        foreach (var (json, curve) in cohorts.Zip(curves))
        {
            var points = curve.GetProperty("points").EnumerateArray().ToList();
            Assert.Equal(curve.GetProperty("starting_accounts").GetInt32(), json.GetProperty("size").GetInt32());
            Assert.Equal(points.Count - 1, json.GetProperty("last_observed_offset").GetInt32());
            if (json.GetProperty("model").ValueKind == JsonValueKind.Null) continue;
            var projected = json.GetProperty("projected").EnumerateArray().ToList();
            Assert.Equal(points.Count, projected[0].GetProperty("offset").GetInt32());
            Assert.Equal(36, projected[^1].GetProperty("offset").GetInt32());
        }
    }

    [Theory]
    [InlineData("?measure=churn", "measure")]
    [InlineData("?granularity=hour", "granularity")]
    [InlineData("?measure=retention&cohort_type=vintage", "cohort_type")]
    [InlineData("?measure=accounts_remaining&cohort_type=customer", "cohort_type")]
    [InlineData("?measure=accounts_remaining&granularity=week", "granularity")]
    public async Task GetProjection_BadQuery_Returns400ProblemNamingTheParameter(string query, string parameter)
    {
        var (response, body) = await GetAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Fact]
    public async Task OpenApi_ProjectionRoute_IsDocumented()
    {
        var (response, body) = await CohortApiReference.GetJsonAsync(app, "/openapi/v1.json", bearer: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var get = body.GetProperty("paths").GetProperty("/api/cohorts/projection").GetProperty("get");
        Assert.Equal(["granularity", "measure", "cohort_type"], get.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task CompatRoute_AfterProjection_KeepsNullForUnstartedCells()
    {
        var (projection, _) = await GetAsync("?measure=retention");
        Assert.Equal(HttpStatusCode.OK, projection.StatusCode);

        var (response, body) = await CohortApiReference.GetJsonAsync(app, "/api/agent/cohorts/retention?metric=retention");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The newest cohort has started only its first offsets; every later one stays null (the projection has values there).
        var newest = body.GetProperty("cohorts").EnumerateArray().Last().GetProperty("values").EnumerateArray().ToList();
        var started = newest.TakeWhile(v => v.ValueKind == JsonValueKind.Number).Count();
        Assert.InRange(started, 1, newest.Count - 1);
        Assert.All(newest.Skip(started), v => Assert.Equal(JsonValueKind.Null, v.ValueKind));
    }
}
