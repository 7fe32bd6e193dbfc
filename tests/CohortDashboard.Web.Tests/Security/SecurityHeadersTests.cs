using System.Net;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Security;

public sealed class SecurityHeadersTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/signin", null)]
    [InlineData("/", DemoSession.Analyst)]
    [InlineData("/api/expansion/signals", DemoSession.Analyst)]
    [InlineData("/api/expansion/signals", null)]
    [InlineData("/no-such-page", DemoSession.Analyst)]
    [InlineData("/favicon.svg", null)]
    public async Task Response_AnyKind_CarriesTheSecurityHeaders(string path, string? subject)
    {
        using var client = subject is null ? DemoSession.CreateClient(app.Factory) : await DemoSession.SignedInClientAsync(app.Factory, subject);

        using var response = await client.GetAsync(path, Ct);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task SignInCookie_IsHttpOnlyAndSameSiteLax()
    {
        using var client = DemoSession.CreateClient(app.Factory);
        using var response = await DemoSession.SignInAsync(client, DemoSession.Analyst);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".CohortDashboard.Auth="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Production_Https_SendsHstsAndSecureCookies()
    {
        // Outside Development the app sends HSTS on HTTPS responses and marks its cookies Secure; on plain-HTTP loopback
        // (as here) HSTS must not be sent, and the cookie is still Secure so a browser would not send it back over HTTP.
        await using var factory = new CohortAppFactory { EnvironmentName = "Production" };
        factory.Settings["Auth:AllowDemo"] = "true";
        using var client = DemoSession.CreateClient(factory);

        using var page = await client.GetAsync("/signin", Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery."));
        Assert.Contains("httponly", antiforgery, StringComparison.OrdinalIgnoreCase);
    }
}
