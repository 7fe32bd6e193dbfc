using System.Net;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Auth;

/// <summary>
/// The provider hands out one broken id_token at a time (test-only switch in server.mjs); the framework handler must
/// refuse each, the person must land on the sign-in page's error and stay signed out. Its own provider, since the
/// switch is global to it.
/// </summary>
public sealed class OidcTokenRejectionTests(OidcApp app) : IClassFixture<OidcApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public Task Callback_TamperedSignature_RejectedNotSignedIn() => AssertRejectedAsync("bad-signature");

    [Fact]
    public Task Callback_WrongAudience_RejectedNotSignedIn() => AssertRejectedAsync("wrong-audience");

    [Fact]
    public Task Callback_WrongIssuer_RejectedNotSignedIn() => AssertRejectedAsync("wrong-issuer");

    [Fact]
    public Task Callback_ExpiredToken_RejectedNotSignedIn() => AssertRejectedAsync("expired");

    [Fact]
    public Task Callback_MismatchedNonce_RejectedNotSignedIn() => AssertRejectedAsync("wrong-nonce");

    [Fact]
    public Task Callback_AlgNone_RejectedNotSignedIn() => AssertRejectedAsync("alg-none");

    [Fact]
    public async Task Callback_NormalTokenAfterBrokenOnes_SignsIn()
    {
        // The switch really is the only difference: the same flow with an intact token succeeds.
        await app.Provider.SetIdTokenModeAsync("normal");
        using var client = DemoSession.CreateClient(app.Factory);

        using var callback = await OidcHttpSignIn.SignInAsync(client, "alice");

        Assert.Equal("/", callback.Headers.Location!.OriginalString);
        using var me = await client.GetAsync("/api/me", Cancel);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    private async Task AssertRejectedAsync(string mode)
    {
        await app.Provider.SetIdTokenModeAsync(mode);
        try
        {
            using var client = DemoSession.CreateClient(app.Factory);

            using var callback = await OidcHttpSignIn.SignInAsync(client, "alice");

            Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
            Assert.Equal("/signin?error=oidc-token-rejected", callback.Headers.Location!.OriginalString);
            Assert.DoesNotContain(DemoSession.CookieHeader(client).Split("; "), c => c.StartsWith(".CohortDashboard.Auth=", StringComparison.Ordinal));
            using var me = await client.GetAsync("/api/me", Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
            var page = await client.GetStringAsync("/signin?error=oidc-token-rejected", Cancel);
            Assert.Contains("could not be verified", page);
        }
        finally
        {
            await app.Provider.SetIdTokenModeAsync("normal");
        }
    }
}
