using CohortDashboard.Web.Features.Auth.Oidc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace CohortDashboard.Web.Tests.Auth;

public sealed class OidcSettingsTests
{
    [Fact]
    public void FromConfiguration_NoAuthority_NoProvider()
    {
        Assert.Null(OidcSettings.FromConfiguration(Section(new() { ["ClientId"] = "x" }), Environment("Production")));
    }

    [Fact]
    public void FromConfiguration_OnlyRequiredKeys_UsesDocumentedDefaults()
    {
        var settings = OidcSettings.FromConfiguration(
            Section(new() { ["Authority"] = "https://login.example.com/tenant/", ["ClientId"] = "cd" }), Environment("Production"))!;

        Assert.Equal(("openid profile", "role", "org", "name", "owner_id"), (settings.Scopes, settings.RoleClaim, settings.OrgClaim, settings.NameClaim, settings.OwnerClaim));
        Assert.Null(settings.ClientSecret);
        Assert.Equal("login.example.com", settings.ButtonName);
        Assert.Equal("https://login.example.com/tenant/.well-known/openid-configuration", settings.MetadataAddress);
        Assert.True(settings.RequireHttpsMetadata);
        Assert.Equal("query", settings.ResponseMode);
    }

    [Fact]
    public void FromConfiguration_ClaimNamesAndDisplayNameGiven_Used()
    {
        var settings = OidcSettings.FromConfiguration(Section(new()
        {
            ["Authority"] = "https://idp.example.com", ["ClientId"] = "cd", ["RoleClaim"] = "groups", ["OrgClaim"] = "tenant",
            ["NameClaim"] = "preferred_username", ["OwnerClaim"] = "rep", ["Scopes"] = "openid profile email", ["DisplayName"] = "Acme SSO",
        }), Environment("Production"))!;

        Assert.Equal(("groups", "tenant", "preferred_username", "rep", "openid profile email", "Acme SSO"),
            (settings.RoleClaim, settings.OrgClaim, settings.NameClaim, settings.OwnerClaim, settings.Scopes, settings.ButtonName));
    }

    [Theory]
    [InlineData("http://localhost:5091", "Production")]
    [InlineData("http://127.0.0.1:5091", "Production")]
    [InlineData("http://[::1]:5091", "Production")]
    [InlineData("http://idp.internal:8080", "Development")]
    public void FromConfiguration_HttpOnLoopbackOrInDevelopment_Accepted(string authority, string environment)
    {
        var settings = OidcSettings.FromConfiguration(Section(new() { ["Authority"] = authority, ["ClientId"] = "cd" }), Environment(environment))!;

        Assert.False(settings.RequireHttpsMetadata);
    }

    [Fact]
    public void FromConfiguration_FormPostResponseMode_Used()
    {
        var settings = OidcSettings.FromConfiguration(
            Section(new() { ["Authority"] = "https://idp.example.com", ["ClientId"] = "cd", ["ResponseMode"] = "FORM_POST" }), Environment("Production"))!;

        Assert.Equal("form_post", settings.ResponseMode);
    }

    [Theory]
    [InlineData("http://idp.internal:8080", "is not https")]
    [InlineData("ftp://idp.example.com", "absolute https URL")]
    [InlineData("idp.example.com", "absolute https URL")]
    [InlineData("https://idp.example.com", "ResponseMode", "fragment")]
    public void FromConfiguration_UnsafeOrInvalidAuthorityInProduction_Refused(string authority, string message, string? responseMode = null)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            OidcSettings.FromConfiguration(Section(new() { ["Authority"] = authority, ["ClientId"] = "cd", ["ResponseMode"] = responseMode }), Environment("Production")));

        Assert.Contains(message, error.Message);
    }

    private static IConfiguration Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static IHostEnvironment Environment(string name) => new TestEnvironment { EnvironmentName = name };

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "";
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
