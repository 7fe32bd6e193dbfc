using CohortDashboard.Web.Components.Pages;
using CohortDashboard.Web.Components.Shared;

namespace CohortDashboard.Components.Tests.Shared;

public sealed class KpiCardTests : ComponentTest
{
    [Fact]
    public void Render_UpwardTrend_ShowsLabelValueAndGreenHint()
    {
        var html = RenderText<KpiCard>(new()
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
    public void Render_NoHint_RendersNoHintElement()
    {
        var html = RenderText<KpiCard>(new() { [nameof(KpiCard.Label)] = "Products", [nameof(KpiCard.Value)] = "12" });

        Assert.DoesNotContain("cd-kpi-hint", html);
        Assert.Contains("Products", html);
    }

    [Fact]
    public void Render_NotFoundPage_OffersWayBackHome()
    {
        var html = RenderText<NotFound>([]);

        Assert.Contains("Page not found", html);
        Assert.Contains("href=\"/\"", html);
    }
}
