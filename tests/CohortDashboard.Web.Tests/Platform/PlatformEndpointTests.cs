using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Platform;

public sealed class PlatformEndpointTests(SeededApp app) : IClassFixture<SeededApp>
{
    [Fact]
    public async Task Healthz_DatabaseAnswers_Returns200Healthy()
    {
        using var client = app.Factory.CreateClient();
        var response = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetString());
    }

    [Fact]
    public async Task Version_Anonymous_ReturnsVersionCommitAndProvider()
    {
        using var client = app.Factory.CreateClient();
        var body = await client.GetFromJsonAsync<JsonElement>("/version", TestContext.Current.CancellationToken);
        Assert.Equal("Sqlite", body.GetProperty("provider").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", body.GetProperty("version").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("commit").GetString()));
    }
}
