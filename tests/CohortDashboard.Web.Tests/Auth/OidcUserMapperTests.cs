using System.Security.Claims;
using CohortDashboard.Data;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Auth.Oidc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Auth;

/// <summary>The handler's validated id_token claims → our principal, against the seeded demo orgs.</summary>
public sealed class OidcUserMapperTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly OidcSettings Settings = new() { Authority = new Uri("https://idp.example.test"), ClientId = "cohortdashboard" };

    [Fact]
    public async Task MapAsync_OrgByNameAnyCase_BuildsOurClaims()
    {
        var identity = await MapAsync(new() { ["sub"] = "u-1", ["name"] = "Carol Manager", ["role"] = "account_manager", ["org"] = "NORTHWIND learning", ["owner_id"] = "rep-01" });

        var user = CurrentUser.From(new ClaimsPrincipal(identity))!;
        Assert.Equal(("u-1", "Carol Manager", Roles.AccountManager, "Northwind Learning", "rep-01"), (user.Subject, user.Name, user.Role, user.OrgName, user.OwnerId));
        Assert.Equal(await NorthwindIdAsync(), user.OrgId);
        Assert.Equal("Cookies", identity.AuthenticationType);
    }

    [Fact]
    public async Task MapAsync_OrgByNumericId_Found()
    {
        var id = await NorthwindIdAsync();

        var identity = await MapAsync(new() { ["sub"] = "u-2", ["role"] = "analyst", ["org"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(id, CurrentUser.OrgIdOf(new ClaimsPrincipal(identity)));
        Assert.Equal("u-2", identity.Name); // no name claim: the subject stands in
    }

    [Fact]
    public async Task MapAsync_SeveralRoles_TakesTheStrongestOfOurs()
    {
        var identity = await MapAsync(new() { ["sub"] = "u-3", ["role"] = new[] { "employee", "analyst", "admin" }, ["org"] = "Northwind Learning" });

        Assert.True(new ClaimsPrincipal(identity).IsInRole(Roles.Admin));
        Assert.Single(identity.FindAll(ClaimTypes.Role));
    }

    [Theory]
    [InlineData(null, "admin", OidcNoAccessException.NoOrg)]
    [InlineData("Umbrella Corporation", "admin", OidcNoAccessException.UnknownOrg)]
    [InlineData("Northwind Learning", "viewer", OidcNoAccessException.NoRole)]
    [InlineData("Northwind Learning", null, OidcNoAccessException.NoRole)]
    public async Task MapAsync_NoUsableOrgOrRole_RefusedWithReason(string? org, string? role, string reason)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "u-4" };
        if (org is not null) claims["org"] = org;
        if (role is not null) claims["role"] = role;

        var error = await Assert.ThrowsAsync<OidcNoAccessException>(() => MapAsync(claims));

        Assert.Equal(reason, error.Code);
    }

    private async Task<ClaimsIdentity> MapAsync(Dictionary<string, object> claims)
    {
        // The mapper receives the principal the OpenID Connect handler built from a validated id_token (claim types as
        // issued, one claim per element of a JSON array).
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims.SelectMany(c => c.Value is string[] values
            ? values.Select(v => new Claim(c.Key, v))
            : [new Claim(c.Key, (string)c.Value)]), "oidc"));
        using var scope = app.Factory.Services.CreateScope();
        return await OidcUserMapper.MapAsync(principal, Settings, scope.ServiceProvider, Cancel);
    }

    private async Task<long> NorthwindIdAsync()
    {
        using var scope = app.Factory.Services.CreateScope();
        await using var db = DatabaseInitializer.CreateSystemContext(scope.ServiceProvider);
        return await db.Organizations.Where(o => o.Name == "Northwind Learning").Select(o => o.Id).SingleAsync(Cancel);
    }
}
