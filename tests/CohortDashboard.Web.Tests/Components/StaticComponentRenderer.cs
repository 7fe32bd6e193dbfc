using Microsoft.AspNetCore.Components;
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
        collection.AddScoped<NavigationManager, StaticNavigationManager>();
        collection.AddScoped<IJSRuntime, NoJavaScriptDuringStaticRender>();
        await using var services = collection.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }

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
