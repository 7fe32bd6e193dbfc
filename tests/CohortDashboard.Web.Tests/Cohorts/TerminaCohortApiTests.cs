using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Cohorts;

[Collection(CohortApiCollection.Name)]
public sealed class TerminaCohortApiTests(SeededApp app)
{
    private const string Base = "/api/v1/group/1/deal/1/data";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<(HttpResponseMessage Response, JsonElement Body)> SendAsync(string path, string? bearer = CohortAppFactory.TestApiKey) =>
        CohortApiReference.GetJsonAsync(app, path, bearer);

    [Theory]
    [InlineData("revenue", "M")]
    [InlineData("gtv", "Q")]
    [InlineData("orders", "A")]
    public async Task CustomerCohorts_Business_RowsMatchEngineTable(string metric, string freq)
    {
        var (response, body) = await SendAsync($"{Base}/customer-cohorts?user_type=business&metric={metric}&freq={freq}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var reference = await CohortApiReference.LoadAsync(app);
        var (granularity, periods) = freq switch { "Q" => (Granularity.Quarter, 8), "A" => (Granularity.Year, 3), _ => (Granularity.Month, 24) };
        var calendar = reference.Calendar(granularity);
        var asOf = calendar.IndexOf(reference.Today);
        Func<CohortFact, decimal> amount = metric switch { "gtv" => f => f.Gross, "orders" => f => f.Orders, _ => f => f.Net };
        var table = new CustomerCohortTable(asOf - periods + 1, asOf, amount);
        foreach (var (id, facts) in reference.Facts(calendar, a => a.UserType == "business")) table.Add(id, facts);
        var totals = table.CohortTotals().ToDictionary(t => (t.Cohort, t.Offset));

        var rows = body.EnumerateArray().ToList();
        Assert.Equal(table.Customers.Sum(c => c.Amounts.Count), rows.Count);
        Assert.NotEmpty(rows);
        Assert.Equal(["cohort", "user_id", "period", "cohort_size_amount", "logo_retention", "amount", "amount_retention", "ltv"],
            rows[0].EnumerateObject().Select(p => p.Name));
        var byUser = table.Customers.ToDictionary(c => reference.Accounts[c.CustomerId].ExternalId);
        foreach (var row in rows)
        {
            var customer = byUser[row.GetProperty("user_id").GetString()!];
            Assert.Equal("business", reference.Accounts[customer.CustomerId].UserType);
            var period = row.GetProperty("period").GetInt32();
            var total = totals[(customer.Cohort, period)];
            Assert.Equal(calendar.Label(customer.Cohort), row.GetProperty("cohort").GetString());
            Assert.Equal(customer.Amounts[period], row.GetProperty("amount").GetDecimal());
            Assert.Equal(customer.Active[period] ? 1 : 0, row.GetProperty("logo_retention").GetInt32());
            Assert.Equal(total.CohortSizeAmount, row.GetProperty("cohort_size_amount").GetDecimal());
            Assert.Equal(Math.Round(total.Ltv, 6), row.GetProperty("ltv").GetDecimal());
        }
        Assert.Matches(freq switch { "Q" => @"^\d{4}-Q[1-4]$", "A" => @"^\d{4}$", _ => @"^\d{4}-\d\d$" }, rows[0].GetProperty("cohort").GetString());
    }

    [Fact]
    public async Task Cohorts_Revenue_AggregatesMatchHandCountsFromCustomerRows()
    {
        var (_, cohorts) = await SendAsync($"{Base}/cohorts?user_type=consumer&metric=revenue");
        var (_, users) = await SendAsync($"{Base}/customer-cohorts?user_type=consumer&metric=revenue");
        var userRows = users.EnumerateArray().ToList();
        var rows = cohorts.EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var members = userRows.Where(u => u.GetProperty("cohort").GetString() == row.GetProperty("cohort").GetString()
                && u.GetProperty("period").GetInt32() == row.GetProperty("period").GetInt32()).ToList();
            Assert.Equal(members.Count, row.GetProperty("cohort_size").GetInt32());
            Assert.Equal(members.Sum(m => m.GetProperty("logo_retention").GetInt32()), row.GetProperty("users").GetInt32());
            Assert.Equal(members.Sum(m => m.GetProperty("amount").GetDecimal()), row.GetProperty("amount").GetDecimal());
            Assert.Equal(members[0].GetProperty("ltv").GetDecimal(), row.GetProperty("ltv").GetDecimal());
        }
    }

    [Fact]
    public async Task UserAndGrowthAccounting_Business_IdentitiesHoldAndMatchEngine()
    {
        var (userResponse, users) = await SendAsync($"{Base}/user-accounting?user_type=business");
        var (_, growth) = await SendAsync($"{Base}/growth-accounting?user_type=business&metric=revenue");
        Assert.Equal(HttpStatusCode.OK, userResponse.StatusCode);

        var reference = await CohortApiReference.LoadAsync(app);
        var calendar = reference.Calendar(Granularity.Month);
        var asOf = calendar.IndexOf(reference.Today);
        var expected = new GrowthAccounting(asOf - 23, asOf, f => f.Net);
        foreach (var (id, facts) in reference.Facts(calendar, a => a.UserType == "business")) expected.Add(id, facts);
        var periods = expected.Periods();

        var userRows = users.EnumerateArray().ToList();
        var growthRows = growth.EnumerateArray().ToList();
        Assert.Equal(24, userRows.Count);
        Assert.Equal(24, growthRows.Count);
        for (var i = 0; i < 24; i++)
        {
            var u = userRows[i];
            Assert.Equal(calendar.Label(periods[i].Period), u.GetProperty("period").GetString());
            Assert.Equal(periods[i].ActiveUsers, u.GetProperty("active_users").GetInt32());
            Assert.Equal(u.GetProperty("active_users").GetInt32(),
                u.GetProperty("new_users").GetInt32() + u.GetProperty("retained_users").GetInt32() + u.GetProperty("resurrected_users").GetInt32());
            Assert.Equal(periods[i].ChurnedUsers, u.GetProperty("churned_users").GetInt32());
            if (i > 0)
                Assert.Equal(userRows[i - 1].GetProperty("active_users").GetInt32(), u.GetProperty("retained_users").GetInt32() + u.GetProperty("churned_users").GetInt32());
            Assert.Equal(periods[i].Revenue, growthRows[i].GetProperty("revenue").GetDecimal());
            Assert.Equal(periods[i].Churned, growthRows[i].GetProperty("churned").GetDecimal());
            Assert.Equal(periods[i].New, growthRows[i].GetProperty("new").GetDecimal());
        }
    }

    [Theory]
    [InlineData("customer-cohorts?metric=revenue", "user_type", "missing")]
    [InlineData("customer-cohorts?user_type=business", "metric", "missing")]
    [InlineData("customer-cohorts?user_type=business&metric=profit", "metric", "enum")]
    [InlineData("customer-cohorts?user_type=alien&metric=revenue", "user_type", "enum")]
    [InlineData("cohorts?user_type=business&metric=revenue&freq=W", "freq", "enum")]
    [InlineData("growth-accounting?user_type=business", "metric", "missing")]
    public async Task Routes_InvalidQuery_Returns422NamingParameter(string pathAndQuery, string parameter, string type)
    {
        var (response, body) = await SendAsync($"{Base}/{pathAndQuery}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = Assert.Single(body.GetProperty("detail").EnumerateArray());
        Assert.Equal(["query", parameter], detail.GetProperty("loc").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(type, detail.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(detail.GetProperty("msg").GetString()));
    }

    [Fact]
    public async Task CustomerCohorts_HostileParameters_Returns422ForEach()
    {
        var (response, body) = await SendAsync($"/api/v1/group/abc/deal/1/data/customer-cohorts?user_type=business&metric=revenue");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(["path", "group_id"], body.GetProperty("detail")[0].GetProperty("loc").EnumerateArray().Select(l => l.GetString()));

        (response, body) = await SendAsync($"{Base}/customer-cohorts?user_type={new string('b', 3_000)}&metric={new string('m', 3_000)}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(2, body.GetProperty("detail").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/v1/group/2/deal/1/data/customer-cohorts?user_type=business&metric=revenue")]   // Contoso's group
    [InlineData("/api/v1/group/1/deal/2/data/cohorts?user_type=business&metric=revenue")]
    [InlineData("/api/v1/group/99/deal/99/data/user-accounting?user_type=business")]
    public async Task Routes_OtherOrgsOrUnknownGroupDeal_Returns403(string path)
    {
        var (response, body) = await SendAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(JsonValueKind.String, body.GetProperty("detail").ValueKind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-key")]
    public async Task Routes_NoOrBadKey_Returns401(string? key)
    {
        var (response, body) = await SendAsync($"{Base}/customer-cohorts?user_type=business&metric=revenue", key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(JsonValueKind.String, body.GetProperty("detail").ValueKind);
    }
}
