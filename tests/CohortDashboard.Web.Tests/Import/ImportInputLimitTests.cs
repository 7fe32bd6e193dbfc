using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Import;

/// <summary>Values an import refuses (too long, invisible characters, invalid Unicode) and bodies of the wrong shape.</summary>
public sealed class ImportInputLimitTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, JsonElement Body, string Text)> PostAsync(string body, string contentType)
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        using var response = await client.PostAsync("/api/import/accounts", new StringContent(body, new UTF8Encoding(false), contentType), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    private static string Csv(string externalId, string name) =>
        $"external_id,name,segment,created_at,status\n{externalId},{name},SMB,2025-06-01,active\n";

    [Theory]
    [InlineData("external_id", 1_000_000)]
    [InlineData("name", 257)]
    public async Task Csv_ValueOverTheColumnWidth_Returns400NamingTheLengthAndLimit(string column, int length)
    {
        var huge = new string('x', length);
        var csv = column == "external_id" ? Csv(huge, "Fine") : Csv("LIMIT-1", huge);

        var (status, body, text) = await PostAsync(csv, "text/csv");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(column, error.GetProperty("column").GetString());
        Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The value is {length:N0} characters long; at most 256 are allowed."),
            error.GetProperty("problem").GetString());
        Assert.True(text.Length < 2_000, "the answer must not echo the value");
    }

    [Theory]
    [InlineData("Nul\u0000Corp", "U+0000")]
    [InlineData("\u202Egnp.exe", "U+202E")]
    public async Task Csv_NameWithControlOrOverride_Returns400(string name, string code)
    {
        var (status, body, _) = await PostAsync(Csv("LIMIT-2", name), "text/csv");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("name", error.GetProperty("column").GetString());
        Assert.Contains(code, error.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task Json_LoneSurrogate_Returns400AtTheRow()
    {
        var (status, body, _) = await PostAsync(
            """[{"external_id":"\ud800","name":"x","segment":"SMB","created_at":"2025-06-01","status":"active"}]""", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(2, error.GetProperty("row").GetInt32());
        Assert.Contains("not valid Unicode", error.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task Json_LoneSurrogateInAFieldName_Returns400()
    {
        var (status, body, _) = await PostAsync("""[{"\udc00":"x"}]""", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("field name is not valid Unicode", body.GetProperty("errors")[0].GetProperty("problem").GetString());
    }

    [Theory]
    [InlineData("""{"external_id":"A"}""")]
    [InlineData("42")]
    public async Task Json_BodyNotAnArray_Returns400InOurWordsNotDotNetTypes(string json)
    {
        var (status, body, text) = await PostAsync(json, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("The body is not a JSON array of objects", body.GetProperty("errors")[0].GetProperty("problem").GetString());
        Assert.DoesNotContain("System.", text);
        Assert.DoesNotContain("`1", text);
    }
}
