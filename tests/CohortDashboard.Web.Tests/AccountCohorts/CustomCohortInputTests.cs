using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.AccountCohorts;

/// <summary>Custom cohorts refuse criteria that close a cycle of any length, and names no one should store.</summary>
public sealed class CustomCohortInputTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient KeyClient()
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        return client;
    }

    private static StringContent Body(string name, string criteria) =>
        new($$"""{"name":"{{name}}","filter_criteria":{{criteria}}}""", Encoding.UTF8, "application/json");

    private static string Segment(string segment) => $$"""{"and":[{"field":"account.segment","op":"equals","value":"{{segment}}"}]}""";

    private static string MemberOf(string id) => $$"""{"and":[{"field":"cohort.id","op":"equals","value":{{id}}}]}""";

    private static async Task<string> CreateAsync(HttpClient client, string name, string criteria)
    {
        using var response = await client.PostAsync("/api/cohorts/definitions/custom", Body(name, criteria), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PutAsync(HttpClient client, string id, string name, string criteria)
    {
        using var response = await client.PutAsync($"/api/cohorts/definitions/custom/{id}", Body(name, criteria), Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    private static string Error(JsonElement body, string key) => body.GetProperty("errors").GetProperty(key)[0].GetString()!;

    [Fact]
    public async Task Update_TwoCohortsReferringToEachOther_Returns400NamingTheCycle()
    {
        using var client = KeyClient();
        var a = await CreateAsync(client, "Cycle A", Segment("SMB"));
        var b = await CreateAsync(client, "Cycle B", MemberOf(a));

        var (status, body) = await PutAsync(client, a, "Cycle A", MemberOf(b));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"cohort {a} ('Cycle A') → cohort {b} ('Cycle B') → cohort {a} ('Cycle A')", Error(body, "filter_criteria"));
        // Nothing was written: B still counts A's SMB accounts.
        var definitions = await client.GetFromJsonAsync<JsonElement>("/api/cohorts/definitions?cohort_type=custom", Ct);
        var stored = definitions.GetProperty("definitions").EnumerateArray().Single(d => d.GetProperty("id").GetString() == a);
        Assert.Equal("SMB", stored.GetProperty("filter_criteria").GetProperty("and")[0].GetProperty("value").GetString());
        Assert.True(definitions.GetProperty("definitions").EnumerateArray().Single(d => d.GetProperty("id").GetString() == b)
            .GetProperty("member_count").GetInt32() > 0);
    }

    [Fact]
    public async Task Update_CycleThroughThreeCohorts_Returns400NamingEveryStep()
    {
        using var client = KeyClient();
        var a = await CreateAsync(client, "Ring A", Segment("Enterprise"));
        var b = await CreateAsync(client, "Ring B", MemberOf(a));
        var c = await CreateAsync(client, "Ring C", $$"""{"or":[{"field":"account.segment","op":"equals","value":"SMB"},{"field":"cohort.id","op":"in","value":[{{b}}]}]}""");

        var (status, body) = await PutAsync(client, a, "Ring A", $$$"""{"not":{"and":[{"field":"cohort.id","op":"not_equals","value":{{{c}}}}]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"cohort {a} ('Ring A') → cohort {c} ('Ring C') → cohort {b} ('Ring B') → cohort {a} ('Ring A')", Error(body, "filter_criteria"));
    }

    [Fact]
    public async Task Update_ItselfDirectly_Returns400NamingTheCycle()
    {
        using var client = KeyClient();
        var a = await CreateAsync(client, "Selfish", Segment("SMB"));

        var (status, body) = await PutAsync(client, a, "Selfish", MemberOf(a));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"cohort {a} ('Selfish') → cohort {a} ('Selfish')", Error(body, "filter_criteria"));
    }

    [Fact]
    public async Task Update_ReferringToAChainWithoutCycle_Succeeds()
    {
        using var client = KeyClient();
        var a = await CreateAsync(client, "Chain A", Segment("SMB"));
        var b = await CreateAsync(client, "Chain B", MemberOf(a));
        var c = await CreateAsync(client, "Chain C", Segment("Enterprise"));

        var (status, _) = await PutAsync(client, c, "Chain C", MemberOf(b));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("nul\\u0000name", "U+0000")]
    [InlineData("evil\\u202Etxt.exe", "U+202E")]
    public async Task Create_NameWithControlOrOverride_Returns400(string name, string message)
    {
        using var client = KeyClient();

        using var response = await client.PostAsync("/api/cohorts/definitions/custom", Body(name, Segment("SMB")), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, Error(await response.Content.ReadFromJsonAsync<JsonElement>(Ct), "name"));
    }

    [Fact]
    public async Task Create_MegabyteName_Returns400WithoutEchoingIt()
    {
        using var client = KeyClient();

        using var response = await client.PostAsync("/api/cohorts/definitions/custom", Body(new string('n', 1_000_000), Segment("SMB")), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(text.Length < 2_000, "the answer must not echo the name");
    }
}
