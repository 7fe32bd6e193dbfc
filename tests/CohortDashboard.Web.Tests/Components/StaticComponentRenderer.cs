using CohortDashboard.Web.Components.Charts;
using CohortDashboard.Web.Features.Theme;
using System.Security.Claims;
using CohortDashboard.Web.Features.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.JSInterop;
using Radzen;

namespace CohortDashboard.Web.Tests.Components;

/// <summary>
/// Renders a component to HTML with the framework's own HtmlRenderer (bUnit is not on our feed), with just the
/// services our components inject. Static rendering must not touch JavaScript: any JS call fails the test.
/// </summary>
internal static class StaticComponentRenderer
{
    public static async Task<string> RenderAsync<TComponent>(Dictionary<string, object?> parameters) where TComponent : IComponent
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddRadzenComponents();
        collection.AddScoped<ThemePreference>().AddCharts();
        collection.AddScoped<NavigationManager, StaticNavigationManager>();
        collection.AddScoped<IJSRuntime, NoJavaScriptDuringStaticRender>();
        await using var services = collection.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }

    /// <summary>Renders as <paramref name="user"/>, with the app's policies, so <c>AuthorizeView</c> decides as it would live.</summary>
    public static async Task<string> RenderAsAsync<TComponent>(ClaimsPrincipal user, Dictionary<string, object?> parameters) where TComponent : IComponent
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddRadzenComponents();
        collection.AddScoped<ThemePreference>().AddCharts();
        collection.AddAuthorizationCore(options =>
            options.AddPolicy(Policies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin)));
        collection.AddScoped<NavigationManager, StaticNavigationManager>();
        collection.AddScoped<IJSRuntime, NoJavaScriptDuringStaticRender>();
        await using var services = collection.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        RenderFragment content = builder =>
        {
            builder.OpenComponent<TComponent>(0);
            foreach (var (name, value) in parameters) builder.AddComponentParameter(1, name, value);
            builder.CloseComponent();
        };
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<CascadingValue<Task<AuthenticationState>>>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(CascadingValue<Task<AuthenticationState>>.Value)] = Task.FromResult(new AuthenticationState(user)),
                [nameof(CascadingValue<Task<AuthenticationState>>.ChildContent)] = content,
            }))).ToHtmlString());
    }

    /// <summary><see cref="RenderAsync{TComponent}"/> with entities decoded, so assertions read as the page reads ("·", "–", "&").</summary>
    public static async Task<string> RenderTextAsync<TComponent>(Dictionary<string, object?> parameters) where TComponent : IComponent =>
        System.Net.WebUtility.HtmlDecode(await RenderAsync<TComponent>(parameters));

    /// <summary><see cref="RenderAsAsync{TComponent}"/> with entities decoded.</summary>
    public static async Task<string> RenderTextAsAsync<TComponent>(ClaimsPrincipal user, Dictionary<string, object?> parameters) where TComponent : IComponent =>
        System.Net.WebUtility.HtmlDecode(await RenderAsAsync<TComponent>(user, parameters));

    private sealed class StaticNavigationManager : NavigationManager
    {
        public StaticNavigationManager() => Initialize("http://localhost/", "http://localhost/");
    }

    private sealed class NoJavaScriptDuringStaticRender : IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) =>
            throw new InvalidOperationException($"JS '{identifier}' called during static render.");

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            throw new InvalidOperationException($"JS '{identifier}' called during static render.");
    }
}
