using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Data.Demo;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Cohorts;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Platform;

/// <summary>The per-request deadline and the per-org turns of heavy analytics routes, over real Kestrel and SQLite.</summary>
public sealed class QueryLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string UpstackBody =
        """{"pixelId":"demo-pixel","granularity":"week","timezone":"Asia/Tokyo","measures":["orders.customers_cohort"],"dateRange":{"start":"2025-01-01","end":"2025-12-31"}}""";

    private static HttpClient KeyClient(CohortAppFactory app, string key = CohortAppFactory.TestApiKey)
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    private static Task<HttpResponseMessage> UpstackAsync(HttpClient client, string pixel = "demo-pixel") =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/db-mgmt/api/query-cohort-analysis")
        {
            Content = new StringContent(UpstackBody.Replace("demo-pixel", pixel), Encoding.UTF8, "application/json"),
            Headers = { { "x-pixel-id", pixel } },
        }, Ct);

    /// <summary>The app on a clock whose timers have all run out: every heavy request starts past its deadline.</summary>
    private sealed class DeadlinePassedApp : CohortAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(new ExpiredTimers()));
        }
    }

    private sealed class ExpiredTimers : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            callback(state);
            return new Spent();
        }

        private sealed class Spent : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => false;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task HeavyRoutes_DeadlinePassed_504InEachRoutesOwnShapeOtherRoutesUnbounded()
    {
        await using var app = new DeadlinePassedApp();
        using var key = KeyClient(app);
        using var session = await DemoSession.SignedInClientAsync(app, DemoSession.Analyst);

        using var upstack = await UpstackAsync(key);
        using var cashRunway = await key.GetAsync("/api/agent/cohorts/retention", Ct);
        using var termina = await key.GetAsync("/api/v1/group/1/deal/1/data/cohorts?user_type=business&metric=revenue", Ct);
        using var download = await session.GetAsync(CohortDownloads.MatrixPath, Ct);
        using var projectedLtv = await session.GetAsync(CohortDownloads.ProjectedLtvPath, Ct);
        using var projection = await key.GetAsync("/api/cohorts/projection?measure=ltv", Ct);
        using var light = await key.GetAsync("/api/expansion/signals", Ct);

        Assert.Equal(HttpStatusCode.GatewayTimeout, upstack.StatusCode);
        Assert.Contains("was stopped", (await upstack.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.GatewayTimeout, cashRunway.StatusCode);
        Assert.Contains("was stopped", (await cashRunway.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.GatewayTimeout, termina.StatusCode);
        Assert.Contains("was stopped", (await termina.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.GatewayTimeout, download.StatusCode);
        Assert.Equal("application/problem+json", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.GatewayTimeout, projectedLtv.StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, projection.StatusCode);
        Assert.Equal("application/problem+json", projection.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, light.StatusCode);
    }

    [Fact]
    public async Task HeavyRoute_OrgTurnsTaken_QueuedThen429WithRetryAfterWhileOtherOrgIsServed()
    {
        await using var app = new CohortAppFactory
        {
            Settings = { ["Limits:HeavyQueriesPerOrg"] = "1", ["Limits:HeavyQueueSeconds"] = "1.5" },
        };
        var gate = app.Services.GetRequiredService<OrgQueryGate>();
        using var northwind = KeyClient(app);
        using var admin = await DemoSession.SignedInClientAsync(app, DemoSession.ContosoAdmin);
        using var created = await admin.PostAsJsonAsync("/api/keys", new { name = "contoso", scopes = new[] { "analytics:read" } }, Ct);
        using var contoso = KeyClient(app, (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString()!);

        // A turn freed within the queue wait serves the waiting request.
        var held = await gate.EnterAsync(DemoDataGenerator.NorthwindOrgId, TimeSpan.Zero, Ct);
        Assert.NotNull(held);
        var queued = UpstackAsync(northwind);
        await Task.Delay(300, Ct);
        Assert.False(queued.IsCompleted);
        held.Dispose();
        using var served = await queued;

        // A turn not freed in time: 429 in Upstack's shape, while the other org goes straight through.
        using var stillHeld = await gate.EnterAsync(DemoDataGenerator.NorthwindOrgId, TimeSpan.Zero, Ct);
        var refused = UpstackAsync(northwind);
        using var otherOrg = await UpstackAsync(contoso, "contoso-pixel");
        using var refusal = await refused;

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherOrg.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusal.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), refusal.Headers.RetryAfter?.Delta);
        Assert.Contains("heavy analytics", (await refusal.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("Limits:QueryTimeoutSeconds", "0")]
    [InlineData("Limits:HeavyQueriesPerOrg", "-1")]
    [InlineData("Limits:HeavyQueueSeconds", "-2")]
    public void Options_OutOfRange_RefusedWithTheKeyNamed(string key, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new(key, value)]).Build();

        var error = Assert.Throws<InvalidOperationException>(() => QueryLimitOptions.From(configuration));

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Options_Defaults_ThirtySecondsHalfTheCoresTenSecondQueue()
    {
        var options = QueryLimitOptions.From(new ConfigurationBuilder().Build());

        Assert.Equal(new QueryLimitOptions(TimeSpan.FromSeconds(30), Math.Max(1, Environment.ProcessorCount / 2), TimeSpan.FromSeconds(10)), options);
    }
}
