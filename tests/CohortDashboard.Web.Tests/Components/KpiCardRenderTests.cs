using CohortDashboard.Web.Components.Pages;
using CohortDashboard.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.JSInterop;
using Radzen;

namespace CohortDashboard.Web.Tests.Components;

/// <summary>Component output rendered to HTML by the framework's own HtmlRenderer (bUnit is not on our feed).</summary>
public sealed class KpiCardRenderTests : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly HtmlRenderer renderer;

    public KpiCardRenderTests()
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddRadzenComponents();
        collection.AddScoped<NavigationManager, StaticNavigationManager>();
        collection.AddScoped<IJSRuntime, NoJavaScriptDuringStaticRender>();
        services = collection.BuildServiceProvider();
        renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
    }

    private Task<string> RenderAsync<TComponent>(Dictionary<string, object?> parameters) where TComponent : IComponent =>
        renderer.Dispatcher.InvokeAsync(async () =>
            System.Net.WebUtility.HtmlDecode((await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString()));

    [Fact]
    public async Task Render_UpwardTrend_ShowsLabelValueAndGreenHint()
    {
        var html = await RenderAsync<KpiCard>(new()
        {
            [nameof(KpiCard.Label)] = "Net revenue",
            [nameof(KpiCard.Value)] = "$1.2M",
            [nameof(KpiCard.Hint)] = "+4.0% vs the 12 months before",
            [nameof(KpiCard.Trend)] = "up",
            [nameof(KpiCard.TestId)] = "kpi-net",
        });

        Assert.Contains("data-testid=\"kpi-net\"", html);
        Assert.Contains("<div class=\"cd-kpi-value\">$1.2M</div>", html);
        Assert.Contains("cd-kpi-hint cd-up", html);
        Assert.Contains("+4.0% vs the 12 months before", html);
    }

    [Fact]
    public async Task Render_NoHint_RendersNoHintElement()
    {
        var html = await RenderAsync<KpiCard>(new() { [nameof(KpiCard.Label)] = "Products", [nameof(KpiCard.Value)] = "12" });

        Assert.DoesNotContain("cd-kpi-hint", html);
        Assert.Contains("Products", html);
    }

    [Fact]
    public async Task Render_NotFoundPage_OffersWayBackHome()
    {
        var html = await RenderAsync<NotFound>([]);

        Assert.Contains("Page not found", html);
        Assert.Contains("href=\"/\"", html);
    }

    public async ValueTask DisposeAsync()
    {
        await renderer.DisposeAsync();
        await services.DisposeAsync();
    }
}

internal sealed class StaticNavigationManager : NavigationManager
{
    public StaticNavigationManager() => Initialize("http://localhost/", "http://localhost/");
}

/// <summary>Static rendering must not touch JavaScript; any call fails the test.</summary>
internal sealed class NoJavaScriptDuringStaticRender : IJSRuntime
{
    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) =>
        throw new InvalidOperationException($"JS '{identifier}' called during static render.");

    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
        throw new InvalidOperationException($"JS '{identifier}' called during static render.");
}
