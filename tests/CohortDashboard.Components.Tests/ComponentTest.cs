using System.Net;
using System.Security.Claims;
using Bunit;
using CohortDashboard.Web.Components.Charts;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Theme;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace CohortDashboard.Components.Tests;

/// <summary>
/// A bUnit context with what our components need: MudBlazor's services and loose JS interop (MudBlazor calls into its
/// own script, which a test has no browser for). Components that read data get the real app's services through
/// <see cref="UseApp"/>.
/// </summary>
public abstract class ComponentTest : BunitContext
{
    protected ComponentTest()
    {
        Services.AddMudServices();
        Services.AddCharts().AddScoped<ThemeState>();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>Renders <typeparamref name="T"/> with parameters given by name, as the page would pass them.</summary>
    protected IRenderedComponent<T> RenderWith<T>(Dictionary<string, object?> parameters) where T : IComponent =>
        Render<T>(builder =>
        {
            builder.OpenComponent<T>(0);
            foreach (var (name, value) in parameters) builder.AddComponentParameter(1, name, value);
            builder.CloseComponent();
        });

    /// <summary>The rendered markup with entities decoded, so assertions read as the page reads ("·", "–", "&amp;").</summary>
    protected string RenderText<T>(Dictionary<string, object?> parameters) where T : IComponent =>
        WebUtility.HtmlDecode(RenderWith<T>(parameters).Markup);

    /// <summary>Signs the test's user in with <paramref name="role"/>, with the app's admin policy, so AuthorizeView decides as it would live.</summary>
    protected void SignInAs(string role, long orgId = CohortDashboard.Data.Demo.DemoDataGenerator.NorthwindOrgId, string subject = "test-user")
    {
        var authorization = AddAuthorization();
        authorization.SetAuthorized(subject);
        authorization.SetRoles(role);
        authorization.SetPolicies(role == Roles.Admin ? [Policies.Admin] : []);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, subject), new Claim(CohortClaims.OrgId, orgId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Resolves services the test did not register from a scope of the real, seeded app (its database and services),
    /// scoped to <paramref name="orgId"/> as a signed-in circuit would be.
    /// </summary>
    protected void UseApp(IServiceProvider appServices, long orgId) =>
        Services.AddFallbackServiceProvider(OrgScopeIn(appServices, orgId).ServiceProvider);

    /// <summary>A scope of the app's services working for <paramref name="orgId"/>, as a request or circuit of that org does.</summary>
    public static AsyncServiceScope OrgScopeIn(IServiceProvider appServices, long orgId)
    {
        var scope = appServices.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CohortDashboard.Data.Tenancy.OrgScope>().Set(orgId);
        return scope;
    }
}
