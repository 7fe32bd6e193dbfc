using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Platform;

namespace CohortDashboard.Web.Tests.Platform;

/// <summary>
/// Requests that once answered 500 or ended the process, each answered with a 4xx in the route's own error shape, over
/// the real app on Kestrel. The preview route answers ProblemDetails; Upstack's answers <c>{message, errors}</c>.
/// </summary>
public sealed class HostileInputTests(SeededApp app) : IClassFixture<SeededApp>
{
    private const string PreviewPath = "/api/cohorts/definitions/custom/preview";
    private const string UpstackPath = "/db-mgmt/api/query-cohort-analysis";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient KeyClient()
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        return client;
    }

    private static StringContent Json(string json) => new(json, new UTF8Encoding(false), "application/json");

    private static string PreviewBody(string filter) => $$"""{"filter_criteria":{{filter}}}""";

    private static string UpstackBody(string filter) =>
        $$"""{"pixelId":"demo-pixel","granularity":"month","measures":["orders.customers_cohort"],"dateRange":{"start":"2025-01-01","end":"2025-06-30"},"filters":{{filter}}}""";

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, HttpContent content)
    {
        using var client = KeyClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (path == UpstackPath) request.Headers.Add("x-pixel-id", "demo-pixel");
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static IEnumerable<string> Messages(string path, JsonElement body) => path == UpstackPath
        ? body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("message").GetString()!)
        : body.GetProperty("errors").EnumerateObject().SelectMany(p => p.Value.EnumerateArray().Select(m => m.GetString()!));

    private static void AssertRouteShape(string path, JsonElement body)
    {
        if (path == UpstackPath)
        {
            Assert.Equal("Invalid request body.", body.GetProperty("message").GetString());
            Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.Equal(JsonValueKind.Array, e.GetProperty("path").ValueKind));
        }
        else
        {
            Assert.Equal(400, body.GetProperty("status").GetInt32());
            Assert.Equal(JsonValueKind.Object, body.GetProperty("errors").ValueKind);
        }
    }

    private async Task AssertStillServingAsync()
    {
        var (status, body) = await PostAsync(PreviewPath, Json(PreviewBody("""{"and":[{"field":"account.segment","op":"equals","value":"SMB"}]}""")));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("member_count").GetInt32() > 0);
    }

    private static string Wrap(string path, string filter) => path == UpstackPath ? UpstackBody(filter) : PreviewBody(filter);

    private static string Field(string path) => path == UpstackPath ? "orders.value" : "account.arr";

    public static TheoryData<string> Routes => new() { PreviewPath, UpstackPath };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Filter_TwentyThousandLeaves_Returns400AndTheProcessKeepsServing(string path)
    {
        var leaf = $$"""{"field":"{{Field(path)}}","op":"equals","value":1}""";
        var filter = $$"""{"or":[{{string.Join(",", Enumerable.Repeat(leaf, 20_000))}}]}""";

        var (status, body) = await PostAsync(path, Json(Wrap(path, filter)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertRouteShape(path, body);
        Assert.Contains(Messages(path, body), m => m.Contains($"more than {FilterLimits.MaxConditions} conditions"));
        await AssertStillServingAsync();
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Filter_InWithTwentyThousandValues_Returns400NamingTheValueAndTheProcessKeepsServing(string path)
    {
        var filter = $$"""{"and":[{"field":"{{Field(path)}}","op":"in","value":[{{string.Join(",", Enumerable.Range(1, 20_000))}}]}]}""";

        var (status, body) = await PostAsync(path, Json(Wrap(path, filter)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertRouteShape(path, body);
        Assert.Contains(Messages(path, body), m => m.Contains("20,000 items; at most 1,000"));
        if (path == UpstackPath)
            Assert.Contains(body.GetProperty("errors").EnumerateArray(),
                e => e.GetProperty("path").EnumerateArray().Select(s => s.GetString()).SequenceEqual(["filters", "and", "0", "value"]));
        else Assert.True(body.GetProperty("errors").TryGetProperty("filter_criteria.and.0.value", out _));
        await AssertStillServingAsync();
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Filter_LongText_Returns400NamingTheLimitWithoutEchoingIt(string path)
    {
        var huge = new string('x', 1_000_000);
        var filter = $$"""{"and":[{"field":"orders.source_name","op":"equals","value":"{{huge}}"}]}""";
        if (path == PreviewPath) filter = filter.Replace("orders.source_name", "account.territory");

        var (status, body) = await PostAsync(path, Json(Wrap(path, filter)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertRouteShape(path, body);
        Assert.True(body.GetRawText().Length < 2_000, "the answer must not echo the value");
        Assert.Contains(Messages(path, body), m => m.Contains($"at most {FilterLimits.MaxStringLength}"));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Body_OverOneMebibyte_Returns400NamingTheLimit(string path)
    {
        var (status, body) = await PostAsync(path, Json($$"""{"pad":"{{new string(' ', JsonBody.MaxBytes)}}"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(Messages(path, body), m => m.Contains("1,024 KiB"));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Body_LoneSurrogateEscape_Returns400AtItsPath(string path)
    {
        var filter = """{"and":[{"field":"account.territory","op":"equals","value":"\ud800"}]}""";

        var (status, body) = await PostAsync(path, Json(Wrap(path, filter)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertRouteShape(path, body);
        Assert.Contains(Messages(path, body), m => m.Contains("not valid Unicode"));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Body_InvalidUtf8_Returns400(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(Wrap(path, """{"and":[{"field":"account.territory","op":"equals","value":"@@"}]}"""));
        var at = Array.IndexOf(bytes, (byte)'@');
        bytes[at] = 0xFF;
        bytes[at + 1] = 0xFE;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var (status, body) = await PostAsync(path, content);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertRouteShape(path, body);
    }

    [Theory]
    [InlineData("""{"field":"account.created_at","op":"less_than","value":"9999-12-31"}""", "outside the dates")]
    [InlineData("""{"field":"account.created_at","op":"greater_than","value":"0001-01-01"}""", "outside the dates")]
    [InlineData("""{"field":"cohort.id","op":"equals","value":99999999999999999999}""", "cohort definition id")]
    public async Task Preview_ValueOutOfRange_Returns400(string condition, string message)
    {
        var (status, body) = await PostAsync(PreviewPath, Json(PreviewBody($$"""{"and":[{{condition}}]}""")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(Messages(PreviewPath, body), m => m.Contains(message));
    }

    [Fact]
    public async Task Upstack_DateAtTheEndOfTime_Returns400InUpstackShape()
    {
        var (status, body) = await PostAsync(UpstackPath,
            Json(UpstackBody("""{"and":[{"field":"account.created_at","op":"less_than","value":"9999-12-31"}]}""")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertRouteShape(UpstackPath, body);
    }

    [Fact]
    public async Task SignalsPatch_LoneSurrogate_Returns400KeyedByTheField()
    {
        using var client = KeyClient();
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/expansion/signals")
        {
            Content = Json("""{"signal_id":"1","status":"\ud800"}"""),
        };

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(body.GetProperty("errors").TryGetProperty("status", out _));
    }

    [Theory]
    [InlineData("/api/cohorts/comparison?period=0001-01", "period")]
    [InlineData("/api/cohorts/comparison?period=9999-12", "period")]
    [InlineData("/api/cohorts/snapshots?from=0001-01", "from")]
    public async Task AccountCohortReads_MonthOutOfRange_Returns400(string url, string field)
    {
        using var client = KeyClient();

        using var response = await client.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("measure")]
    [InlineData("granularity")]
    [InlineData("cohort_type")]
    public async Task Projection_LongValue_Returns400WithoutEchoingIt(string parameter)
    {
        using var client = KeyClient();
        var value = "\u202E" + new string('x', 3_000);

        var measure = parameter == "measure" ? "" : "measure=accounts_remaining&";

        using var response = await client.GetAsync($"/api/cohorts/projection?{measure}{parameter}={Uri.EscapeDataString(value)}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadAsStringAsync(Ct)).Length < 2_000, "the answer must not echo the value");
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Theory]
    [InlineData("/cohorts/export/matrix.csv?to=0001-01-01", "'to' must be a date")]
    [InlineData("/cohorts/export/matrix.csv?from=9999-12-31", "'from' must be a date")]
    [InlineData("/cohorts/export/customers.csv?cohort=abc&offset=0&group=all", "whole numbers")]
    [InlineData("/cohorts/export/customers.csv", "whole numbers")]
    public async Task Downloads_BadQuery_Returns400ProblemNotTheErrorPage(string url, string message)
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Analyst);

        using var response = await client.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains(message, text);
        Assert.DoesNotContain("   at ", text);
    }

    [Theory]
    [InlineData("""{"name":"x","scopes":["analytics:read"],"quota_window_hours":1e308}""", "POST", "quota_window_hours")]
    [InlineData("""{"name":"\u0000hidden","scopes":["analytics:read"]}""", "POST", "name")]
    [InlineData("""{"name":"evil\u202Etxt.exe","scopes":["analytics:read"]}""", "POST", "name")]
    [InlineData("""{"quota_window_hours":1e308}""", "PATCH", "quota_window_hours")]
    public async Task ApiKeys_BadValues_Return400KeyedByTheField(string json, string method, string field)
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var path = "/api/keys";
        if (method == "PATCH")
        {
            using var created = await admin.PostAsync("/api/keys", Json("""{"name":"to patch","scopes":["analytics:read"]}"""), Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            path += "/" + (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("api_key").GetProperty("id").GetString();
        }

        using var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Json(json) }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
    }

    [Fact]
    public async Task ApiKeys_LoneSurrogateInName_Returns400()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);

        using var response = await admin.PostAsync("/api/keys", Json("""{"name":"\ud800","scopes":["analytics:read"]}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
