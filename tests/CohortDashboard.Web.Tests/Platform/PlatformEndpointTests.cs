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

    [Theory]
    [InlineData("/api/expansion/signals")]
    [InlineData("/api/no-such-route")]
    public async Task ApiPost_NotSignedIn_StatusKeptWithProblemDetailsNotTheNotFoundPage(string path)
    {
        using var client = DemoSession.CreateClient(app.Factory);
        var response = await client.PostAsJsonAsync(path, new { }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("<html", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ApiGet_UnknownRouteSignedIn_404ProblemDetails()
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Analyst);
        var response = await client.GetAsync("/api/no-such-route", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
