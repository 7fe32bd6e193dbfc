using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Cohorts.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Cohorts;

[Collection(CohortApiCollection.Name)]
public sealed class MachineApiTests(SeededApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ApiScopes.ReadSummary)]
    [InlineData(ApiScopes.AnalyticsRead)]
    public async Task MachineKeyFilter_KeyWithoutScope_Returns403InProductShape(string scope)
    {
        using var services = app.Factory.Services.CreateScope();
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "k"), new Claim(CohortClaims.OrgId, "1"),
            new Claim(CohortClaims.Scope, ApiScopes.CohortsRead)], "ApiKey");
        var http = new DefaultHttpContext { RequestServices = services.ServiceProvider, User = new ClaimsPrincipal(identity) };
        http.Response.Body = new MemoryStream();
        var called = false;

        var result = await new MachineKeyFilter(scope, CashRunwayError.Respond)
            .InvokeAsync(new DefaultEndpointFilterInvocationContext(http), _ => { called = true; return ValueTask.FromResult<object?>(null); });
        await ((IResult)result!).ExecuteAsync(http);

        Assert.False(called);
        Assert.Equal(StatusCodes.Status403Forbidden, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Response.Body, cancellationToken: Ct);
        Assert.Contains(scope, body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("1234.50", "1234.5")]
    [InlineData("0.000", "0")]
    [InlineData("-0.001", "0")]
    [InlineData("100", "100")]
    [InlineData("2.345", "2.35")]
    [InlineData("-12.3456", "-12.35")]
    [InlineData("12345678901234567.1", "12345678901234567.1")]
    public void CanonicalDecimal_Format_InvariantNoTrailingZeros(string input, string expected) =>
        Assert.Equal(expected, CanonicalDecimal.Format(decimal.Parse(input, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public async Task OpenApi_Anonymous_ListsEveryCompatRoute()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        var response = await client.GetAsync("/openapi/v1.json", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("paths");
        foreach (var route in new[]
        {
            "/api/agent/cohorts/retention", "/api/agent/cohorts/summary", "/db-mgmt/api/query-cohort-analysis",
            "/api/v1/group/{group_id}/deal/{deal_id}/data/customer-cohorts", "/api/v1/group/{group_id}/deal/{deal_id}/data/cohorts",
            "/api/v1/group/{group_id}/deal/{deal_id}/data/user-accounting", "/api/v1/group/{group_id}/deal/{deal_id}/data/growth-accounting",
        })
            Assert.True(paths.TryGetProperty(route, out _), route);
        var retention = paths.GetProperty("/api/agent/cohorts/retention").GetProperty("get");
        Assert.Equal("CashRunwayCohortRetention", retention.GetProperty("operationId").GetString());
        Assert.True(retention.GetProperty("responses").TryGetProperty("429", out _));
    }
}
