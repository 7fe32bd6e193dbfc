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
    public async Task Start_OidcAuthorityConfiguredBeforeSupport_RefusesInsteadOfSilentlyUsingDemo()
    {
        await using var factory = new CohortAppFactory();
        factory.Settings["Authentication:Oidc:Authority"] = "http://127.0.0.1:9/";

        var error = Assert.ThrowsAny<Exception>(() => factory.StartServer());

        Assert.Contains("OpenID Connect", error.ToString());
    }
}
