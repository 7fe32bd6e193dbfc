using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Cohorts;

/// <summary>An unexpected failure behind Upstack's route still answers in Upstack's <c>{message}</c> shape.</summary>
public sealed class UpstackErrorShapeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Query_DatabaseFailsMidRequest_Answers500InUpstackShapeWithoutDetails()
    {
        // A real failure: the table the query reads is gone, in an app of its own. Without the columnar store, which
        // would otherwise answer from its own copy of the orders (built at start-up).
        await using var app = new CohortAppFactory { Settings = { ["Columnar:Enabled"] = "false" } };
        await using (var scope = app.Services.CreateAsyncScope())
        await using (var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider))
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE orders RENAME TO orders_gone", Ct);
        }
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/db-mgmt/api/query-cohort-analysis")
        {
            Content = new StringContent(
                """{"pixelId":"demo-pixel","granularity":"month","measures":["orders.customers_cohort"],"dateRange":{"start":"2025-01-01","end":"2025-03-31"}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", CohortAppFactory.TestApiKey);
        request.Headers.Add("x-pixel-id", "demo-pixel");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(["message"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("An unexpected error occurred.", body.GetProperty("message").GetString());
    }
}
