using System.Net;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Auth;

public sealed class StartupGuardTests
{
    [Fact]
    public async Task Start_ProductionWithoutAnySignInMethod_RefusesWithClearMessage()
    {
        await using var factory = new CohortAppFactory { EnvironmentName = "Production" };
        factory.Settings["Demo:Seed"] = "false";

        var error = Assert.ThrowsAny<Exception>(() => factory.StartServer());

        Assert.Contains("No sign-in method is configured", error.ToString());
    }

    [Fact]
    public async Task Start_ProductionWithAllowDemo_StartsAndServesSignIn()
    {
        await using var factory = new CohortAppFactory { EnvironmentName = "Production" };
        factory.Settings["Auth:AllowDemo"] = "true";
        using var client = DemoSession.CreateClient(factory);

        using var response = await client.GetAsync("/signin", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Start_OidcAuthorityWithoutClientId_RefusesWithClearMessage()
    {
        await using var factory = new CohortAppFactory();
        factory.Settings["Authentication:Oidc:Authority"] = "http://127.0.0.1:9/";

        var error = Assert.ThrowsAny<Exception>(() => factory.StartServer());

        Assert.Contains("Authentication:Oidc:ClientId is missing", error.ToString());
    }

    [Fact]
    public async Task Start_ProductionWithPlainHttpRemoteAuthority_RefusesWithClearMessage()
    {
        await using var factory = new CohortAppFactory { EnvironmentName = "Production" };
        factory.Settings["Authentication:Oidc:Authority"] = "http://idp.example.com/";
        factory.Settings["Authentication:Oidc:ClientId"] = "cohortdashboard";

        var error = Assert.ThrowsAny<Exception>(() => factory.StartServer());

        Assert.Contains("is not https", error.ToString());
    }

    [Fact]
    public async Task Start_ProductionWithLoopbackHttpAuthority_StartsWithOidcInsteadOfDemo()
    {
        await using var factory = new CohortAppFactory { EnvironmentName = "Production" };
        factory.Settings["Authentication:Oidc:Authority"] = "http://127.0.0.1:9/";
        factory.Settings["Authentication:Oidc:ClientId"] = "cohortdashboard";
        factory.Settings["Auth:AllowDemo"] = "true"; // an identity provider wins: demo sign-in stays off
        using var client = DemoSession.CreateClient(factory);

        var html = await client.GetStringAsync("/signin", TestContext.Current.CancellationToken);

        Assert.Contains("data-testid=\"signin-oidc\"", html);
        Assert.DoesNotContain("data-testid=\"demo-user-", html);
    }
}
