using System.Net;
using System.Net.Http.Headers;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Auth;

/// <summary>The app as deployed (Production, demo sign-in allowed), where the probe saw blank 500s.</summary>
public sealed class ProductionApp : IAsyncLifetime
{
    public CohortAppFactory Factory { get; } = new() { EnvironmentName = "Production", Settings = { ["Auth:AllowDemo"] = "true" } };

    public ValueTask InitializeAsync()
    {
        _ = Factory.BaseAddress;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <summary>Every bad sign-in form is a plain 400 page that echoes nothing, in Production as in Development.</summary>
public sealed class SignInFormTests(ProductionApp production) : IClassFixture<ProductionApp>
{
    private const string SecretAuthorization = "Bearer secret-authorization-value-123";
    private const string SecretCookie = "probe=secret-cookie-value-456";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string> Environments => ["Production", "Development"];

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task SignInDemo_StaleToken_400PageExpiredNoSecrets(string environment)
    {
        await WithAppAsync(environment, async factory =>
        {
            using var other = DemoSession.CreateClient(factory);
            var staleToken = await DemoSession.AntiforgeryTokenAsync(other); // belongs to another browser's cookie
            using var client = DemoSession.CreateClient(factory);
            await DemoSession.AntiforgeryTokenAsync(client);

            var (status, body) = await PostWithSecretsAsync(factory, client, "/signin/demo", new() { ["subject"] = DemoSession.Admin, ["__RequestVerificationToken"] = staleToken });

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("The page expired", body);
            AssertNoSecrets(body);
        });
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task SignInDemo_TamperedToken_400NoSecrets(string environment)
    {
        await WithAppAsync(environment, async factory =>
        {
            using var client = DemoSession.CreateClient(factory);
            var token = await DemoSession.AntiforgeryTokenAsync(client);

            var (status, body) = await PostWithSecretsAsync(factory, client, "/signin/demo", new() { ["subject"] = DemoSession.Admin, ["__RequestVerificationToken"] = token[..^4] + "AAAA" });

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("The page expired", body);
            AssertNoSecrets(body);
        });
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task SignInDemo_NotAForm_400NoSecrets(string environment)
    {
        await WithAppAsync(environment, async factory =>
        {
            using var client = DemoSession.CreateClient(factory);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/signin/demo") { Content = new StringContent("""{"subject":"demo-admin"}""", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Authorization", SecretAuthorization);
            using var sender = DemoSession.ReplayClient(factory, SecretCookie);

            using var response = await sender.SendAsync(request, Cancel);
            var body = await response.Content.ReadAsStringAsync(Cancel);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            AssertNoSecrets(body);
        });
    }

    [Theory]
    [InlineData("/cohorts\t")]
    [InlineData("/\tevil.example")]
    [InlineData("/cohorts\r\nSet-Cookie: x=y")]
    [InlineData("/\\evil.example")]
    public async Task SignInDemo_ReturnUrlWithControlCharacters_RedirectsHomeNot500(string returnUrl)
    {
        using var client = DemoSession.CreateClient(production.Factory);

        using var response = await DemoSession.SignInAsync(client, DemoSession.Admin, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignOut_StaleToken_400PageExpiredAndStillSignedIn()
    {
        await using var factory = new CohortAppFactory();
        using var client = await DemoSession.SignedInClientAsync(factory, DemoSession.Analyst);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = "CfDJ8stale" });

        using var response = await client.PostAsync("/signout", form, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("The page expired", body);
        AssertNoSecrets(body);
        using var me = await client.GetAsync("/api/me", Cancel);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/version")]
    public async Task Diagnostics_AnonymousInProduction_401(string path)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = production.Factory.BaseAddress };

        using var response = await client.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/version")]
    public async Task Diagnostics_ApiKeyInProduction_200(string path)
    {
        using var client = new HttpClient { BaseAddress = production.Factory.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);

        using var response = await client.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Diagnostics_AdminOnlyConfigured_AdminSession200AnalystSession403()
    {
        await using var factory = new CohortAppFactory { Settings = { ["Auth:AnonymousDiagnostics"] = "false" } };
        using var admin = await DemoSession.SignedInClientAsync(factory, DemoSession.Admin);
        using var analyst = await DemoSession.SignedInClientAsync(factory, DemoSession.Analyst);

        using var adminResponse = await admin.GetAsync("/openapi/v1.json", Cancel);
        using var analystResponse = await analyst.GetAsync("/version", Cancel);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden), (adminResponse.StatusCode, analystResponse.StatusCode));
    }

    [Fact]
    public async Task PageRedirectToSignIn_ForgedHostHeader_LocationIsRelative()
    {
        using var client = DemoSession.CreateClient(production.Factory);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cohorts");
        request.Headers.Host = "evil.example";

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin?ReturnUrl=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    private async Task WithAppAsync(string environment, Func<CohortAppFactory, Task> test)
    {
        if (environment == "Production")
        {
            await test(production.Factory);
            return;
        }
        await using var development = new CohortAppFactory();
        await test(development);
    }

    /// <summary>Posts with the client's cookies plus a secret cookie and a secret Authorization header.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> PostWithSecretsAsync(CohortAppFactory factory, HttpClient client, string path, Dictionary<string, string> fields)
    {
        var cookies = DemoSession.CookieHeader(client);
        using var sender = DemoSession.ReplayClient(factory, cookies.Length == 0 ? SecretCookie : cookies + "; " + SecretCookie);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.TryAddWithoutValidation("Authorization", SecretAuthorization);
        using var response = await sender.SendAsync(request, Cancel);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Cancel));
    }

    private static void AssertNoSecrets(string body)
    {
        Assert.DoesNotContain("secret-authorization-value", body);
        Assert.DoesNotContain("secret-cookie-value", body);
        Assert.DoesNotContain("RequestVerificationToken", body);
        Assert.DoesNotContain("Antiforgery", body);
    }
}
