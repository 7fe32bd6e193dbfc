using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Security;

public sealed class RequestLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Api_FloodFromOneClient_Returns429ProblemWithRetryAfter()
    {
        await using var factory = new CohortAppFactory();
        factory.Settings["RateLimits:ApiPerMinute"] = "5";
        using var client = new HttpClient { BaseAddress = factory.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.GetAsync("/api/expansion/affinity", Ct);
            statuses.Add(response.StatusCode);
            if (i == 5)
            {
                Assert.NotNull(response.Headers.RetryAfter);
                var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
                Assert.Equal(429, problem.GetProperty("status").GetInt32());
            }
        }
        // Pages are not counted against the API's limit.
        using var page = await client.GetAsync("/signin", Ct);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), (HttpStatusCode)429], statuses);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task CashRunwayRoute_Flood_Returns429InItsErrorShape()
    {
        await using var factory = new CohortAppFactory();
        factory.Settings["RateLimits:ApiPerMinute"] = "1";
        using var client = new HttpClient { BaseAddress = factory.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);

        using var first = await client.GetAsync("/api/agent/cohorts/summary", Ct);
        using var second = await client.GetAsync("/api/agent/cohorts/summary", Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.True(JsonDocument.Parse(await second.Content.ReadAsStringAsync(Ct)).RootElement.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task SignIn_RepeatedAttempts_Returns429AfterTheLimit()
    {
        await using var factory = new CohortAppFactory();
        factory.Settings["RateLimits:SignInPerMinute"] = "3";
        using var client = DemoSession.CreateClient(factory);

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await DemoSession.SignInAsync(client, "demo-nobody");
            statuses.Add((int)response.StatusCode);
        }

        Assert.Equal([302, 302, 302, 429], statuses);
    }
}
