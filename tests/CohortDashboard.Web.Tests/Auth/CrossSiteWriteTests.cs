using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Auth;

/// <summary>
/// The probe's cross-site writes, as a signed-in admin's browser would send them from another site: refused before
/// anything runs (the audit log, which records every write, does not grow).
/// </summary>
public sealed class CrossSiteWriteTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/recompute")]
    [InlineData("/api/cohorts/definitions")]
    [InlineData("/api/expansion/affinity")]
    [InlineData("/api/expansion/signals")]
    public async Task Post_FormFromAnotherOrigin_403AndNothingRuns(string path)
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var before = await AuditCountAsync(admin);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }) };
        request.Headers.Remove("Origin");
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await admin.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await AuditCountAsync(admin));
    }

    [Fact]
    public async Task CreateCustomCohort_TextPlainJsonFromAnotherSite_403AndNoCohort()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var request = CustomCohortRequest("text/plain", "evil-cross-site");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await admin.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("evil-cross-site", await admin.GetStringAsync("/api/cohorts/definitions?cohort_type=custom", Cancel));
    }

    [Fact]
    public async Task CreateCustomCohort_TextPlainFromOurOwnPage_415AndNoCohort()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var request = CustomCohortRequest("text/plain", "plain-text-cohort");

        using var response = await admin.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.DoesNotContain("plain-text-cohort", await admin.GetStringAsync("/api/cohorts/definitions?cohort_type=custom", Cancel));
    }

    [Fact]
    public async Task CreateCustomCohort_JsonFromOurOwnPage_Created()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var request = CustomCohortRequest("application/json", "same-origin-cohort");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        using var response = await admin.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Post_CookieWithNeitherOriginNorFetchMetadata_403()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var before = await AuditCountAsync(admin);
        admin.DefaultRequestHeaders.Remove("Origin");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/expansion/affinity");

        using var response = await admin.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await AuditCountAsync(admin));
    }

    [Fact]
    public async Task Post_SameSiteButOtherOriginFetchMetadata_403()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/expansion/affinity");
        request.Headers.Add("Sec-Fetch-Site", "same-site");

        using var response = await admin.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Post_ApiKeyFromAnotherOrigin_Unaffected()
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var request = CustomCohortRequest("application/json", "key-cohort");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static HttpRequestMessage CustomCohortRequest(string contentType, string name)
    {
        var body = $$$"""{"name": "{{{name}}}", "filter_criteria": {"and": [{"field": "account.segment", "op": "equals", "value": "SMB"}]}}""";
        return new HttpRequestMessage(HttpMethod.Post, "/api/cohorts/definitions/custom")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, contentType),
        };
    }

    private static async Task<int> AuditCountAsync(HttpClient admin)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/audit?page_size=1", Cancel);
        return page.GetProperty("total").GetInt32();
    }
}
