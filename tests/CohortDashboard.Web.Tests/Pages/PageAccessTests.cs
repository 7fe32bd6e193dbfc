using System.Net;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Pages;

/// <summary>Every page, server-rendered for every demo role: who may see it, and what it shows.</summary>
public sealed class PageAccessTests(SeededApp app) : IClassFixture<SeededApp>
{
    public static TheoryData<string, string, string> AllowedPages()
    {
        var data = new TheoryData<string, string, string>();
        var pages = new[] { ("/", "Overview"), ("/cohorts", "Cohorts"), ("/account-cohorts", "Account cohorts"), ("/affinity", "Affinity"), ("/signals", "Signals") };
        foreach (var subject in new[] { DemoSession.Admin, DemoSession.Analyst, DemoSession.AccountManager })
            foreach (var (path, heading) in pages)
                data.Add(subject, path, heading);
        data.Add(DemoSession.Admin, "/admin", "Admin");
        return data;
    }

    [Theory]
    [MemberData(nameof(AllowedPages))]
    public async Task Page_AllowedRole_RendersWithShellAndHeading(string subject, string path, string heading)
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, subject);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<h1>{heading}</h1>", html.Replace(" tabindex=\"-1\"", ""));
        Assert.Contains("data-testid=\"org-name\">Northwind Learning<", html);
        Assert.Contains("href=\"/signals\"", html);
    }

    [Theory]
    [InlineData(DemoSession.Analyst, "Analyst")]
    [InlineData(DemoSession.AccountManager, "Account manager")]
    public async Task AdminPage_NonAdmin_ShowsNotAuthorized(string subject, string roleName)
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, subject);

        using var redirect = await client.GetAsync("/admin", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("/not-authorized?ReturnUrl=", redirect.Headers.Location!.OriginalString, StringComparison.Ordinal); // relative, not from Host
        var html = await client.GetStringAsync(redirect.Headers.Location, TestContext.Current.CancellationToken);

        Assert.Contains("Not authorized", html);
        Assert.Contains(roleName, html);
        Assert.DoesNotContain("href=\"/admin\"", html);
    }

    [Fact]
    public async Task TopBar_SignedIn_ShowsUserRoleAndOrg()
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.AccountManager);
        var html = await client.GetStringAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains("data-testid=\"user-role\"", html);
        Assert.Contains("Account manager", html);
        Assert.Contains("Northwind Learning", html);
    }

    [Fact]
    public async Task Overview_OtherOrgsAdmin_SeesOnlyItsOwnOrg()
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        var html = await client.GetStringAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains("data-testid=\"org-name\">Contoso Retail<", html);
        Assert.DoesNotContain("Northwind", html);
    }

    [Fact]
    public async Task UnknownPath_SignedIn_Returns404WithFriendlyPage()
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Analyst);
        using var response = await client.GetAsync("/no-such-page", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
