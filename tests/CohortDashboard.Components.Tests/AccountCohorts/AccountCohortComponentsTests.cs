using CohortDashboard.Web.Features.AccountCohorts;

namespace CohortDashboard.Components.Tests.AccountCohorts;

/// <summary>The /account-cohorts page's parts rendered with bUnit, over hand-built snapshots.</summary>
public sealed class AccountCohortComponentsTests : ComponentTest
{
    private static SnapshotRecord Snapshot(string id, string name, string period, decimal? nrr, decimal startingArr = 1000m, decimal totalArr = 1100m) =>
        new(id, name, "vintage", period, Members: 4, startingArr, totalArr, ExpansionArr: 150m, ContractionArr: 0m, ChurnArr: 50m,
            ChurnCount: 1, nrr, Grr: 95m, AvgHealth: 71.25m, AvgRisk: 20m, ProductsPerAccount: 2.5m, AdoptionPct: 64.44m,
            ComputedAt: new DateTime(2026, 11, 1, 6, 0, 0, DateTimeKind.Utc));

    private static AccountCohortPageModel Model(params SnapshotRecord[] snapshots) =>
        new("vintage", "EUR", new StaleState(null, null, null), [], snapshots, new VintageCurvesResponse([], 0, 36, "arr"), [],
            new ComparisonResponse(null, [], 12));

    private static AnomalyRecord Anomaly(int i) =>
        new("low_nrr", i % 2 == 0 ? "critical" : "warning", "7", "Vintage 2025-Q1", "vintage", $"2026-{i % 12 + 1:00}", 80m, 90m, $"anomaly {i}");

    [Fact]
    public void PageModel_Snapshots_RangeRowsAndClickLookupFromTheData()
    {
        var model = Model(
            Snapshot("1", "Vintage 2025-Q1", "2026-03", 101m),
            Snapshot("1", "Vintage 2025-Q1", "2025-11", 99m),
            Snapshot("2", "Vintage 2025-Q2", "2026-01", null));

        Assert.Equal("2025-11 – 2026-03", model.SnapshotRange);
        Assert.Equal(2, model.HeatmapRows);
        Assert.Equal(99m, model.SnapshotAt("Vintage 2025-Q1", "2025-11")?.Nrr);
        Assert.Null(model.SnapshotAt("Vintage 2025-Q2", "2025-11"));
        Assert.Equal("", Model().SnapshotRange);
        Assert.Equal(0, Model().HeatmapRows);
    }

    [Theory]
    [InlineData(null, "–")]
    [InlineData("101.5", "101.5%")]
    [InlineData("99.999", "100.0%")]
    [InlineData("0", "0.0%")]
    public void Percent_Value_OneDecimalOrDash(string? value, string expected) =>
        Assert.Equal(expected, AccountCohortFormat.Percent(value is null ? null : decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void FocusCard_WithSnapshot_ShowsItsNumbers()
    {
        var html = RenderText<CohortFocusCard>(new()
        {
            [nameof(CohortFocusCard.CohortId)] = "1",
            [nameof(CohortFocusCard.CohortName)] = "ignored when the snapshot names it",
            [nameof(CohortFocusCard.Period)] = "2026-03",
            [nameof(CohortFocusCard.Snapshot)] = Snapshot("1", "Vintage 2025-Q1", "2026-03", 110m),
            [nameof(CohortFocusCard.Currency)] = "EUR",
        });

        Assert.Contains("data-period=\"2026-03\"", html);
        Assert.Contains("<strong>Vintage 2025-Q1 · 2026-03</strong>", html);
        Assert.Contains("110.0%", html);
        Assert.Contains("€1,100", html);
        Assert.Contains("Starting ARR €1,000 · expansion €150", html);
        Assert.Contains("adoption 64.4 %", html);
    }

    [Fact]
    public void FocusCard_MonthWithoutSnapshot_SaysSoUnderTheGivenName()
    {
        var html = RenderText<CohortFocusCard>(new()
        {
            [nameof(CohortFocusCard.CohortId)] = "2",
            [nameof(CohortFocusCard.CohortName)] = "Segment SMB",
            [nameof(CohortFocusCard.Period)] = "2026-04",
            [nameof(CohortFocusCard.Snapshot)] = null,
            [nameof(CohortFocusCard.Currency)] = "EUR",
        });

        Assert.Contains("<strong>Segment SMB · 2026-04</strong>", html);
        Assert.Contains("No snapshot for this month", html);
        Assert.DoesNotContain("cd-kpis", html);
    }

    [Fact]
    public void AnomalyList_MoreThanAPage_ShowsTwentyAndAShowMoreButton()
    {
        var html = RenderText<CohortAnomalyList>(new()
        {
            [nameof(CohortAnomalyList.Anomalies)] = Enumerable.Range(1, 23).Select(Anomaly).ToList(),
        });

        Assert.Equal(20, html.Split("data-testid=\"anomaly\"").Length - 1);
        Assert.Contains(">anomaly 20</button>", html);
        Assert.DoesNotContain(">anomaly 21</button>", html);
        Assert.Contains("Show more", html);
        Assert.Contains(">23</small>", html);
    }

    [Fact]
    public void AnomalyList_Empty_SaysNoneAndNoButton()
    {
        var html = RenderText<CohortAnomalyList>(new() { [nameof(CohortAnomalyList.Anomalies)] = Array.Empty<AnomalyRecord>() });

        Assert.Contains("No anomalies with the current thresholds.", html);
        Assert.DoesNotContain("Show more", html);
    }

    [Fact]
    public void ComparisonTable_BestWorstAndTooYoung_BadgesOnlyOnRankedExtremes()
    {
        var html = RenderText<CohortComparisonTable>(new()
        {
            [nameof(CohortComparisonTable.Comparison)] = new ComparisonResponse("2026-10",
            [
                new ComparisonRecord("1", "Vintage 2025-Q1", "vintage", 120.5m, 5000m, 1, "best", 19, 110m, 1, "best"),
                new ComparisonRecord("2", "Vintage 2025-Q2", "vintage", 80m, 4000m, 2, "worst", 16, 90m, 2, "worst"),
                new ComparisonRecord("3", "Vintage 2026-Q1", "vintage", null, 3000m, null, "too_young", 7, 100m, 2, "normal"),
            ], 12),
            [nameof(CohortComparisonTable.Currency)] = "USD",
        });

        Assert.Contains("at equal age, complete months to 2026-10", html);
        Assert.Equal(4, html.Split("data-testid=\"comparison-label\"").Length - 1);
        Assert.Contains("120.5%", html);
        Assert.Contains("too young", html);
        Assert.Contains("7 mo", html);
        Assert.Contains("$3,000", html);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public void DefinitionTables_CustomCohorts_DeleteButtonOnlyWhenAllowed(bool canDelete, int buttons)
    {
        CohortDefinitionRecord Definition(string id, string type, string name, int members) =>
            new(id, "1", name, type, "segment", name, null, members);
        var html = RenderText<CohortDefinitionTables>(new()
        {
            [nameof(CohortDefinitionTables.ByType)] = new List<(string, IReadOnlyList<CohortDefinitionRecord>)>
            {
                ("segment", [Definition("1", "segment", "Segment SMB", 1234)]),
                ("custom", [Definition("2", "custom", "Healthy SMB", 56)]),
            },
            [nameof(CohortDefinitionTables.CanDelete)] = canDelete,
        });

        Assert.Contains("data-testid=\"definitions-segment\"", html);
        Assert.Contains("<h3>Custom <small class=\"cd-muted\">1 cohorts</small></h3>", html);
        Assert.Contains(">1,234</span>", html);
        Assert.Equal(buttons, html.Split("data-testid=\"definition-delete\"").Length - 1);
    }
}
