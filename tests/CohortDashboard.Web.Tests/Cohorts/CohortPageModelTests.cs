using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Web.Features.Cohorts;

namespace CohortDashboard.Web.Tests.Cohorts;

public sealed class CohortPageModelTests
{
    private static CohortCell Cell(decimal? value, int customers = 5, bool inProgress = false, CohortAnomaly? anomaly = null) =>
        new(value, customers, 10, customers, value, inProgress, anomaly);

    private static CohortAnalysis Analysis(CohortMeasure measure = CohortMeasure.Retention, string group = CohortMatrixBuilder.AllGroup)
    {
        var anomaly = new CohortAnomaly(0.1m, 0.5m, 0.1m, 4, "2024-02 M1 retention 10.0% is 4 sd below the 50.0% mean of 4 other cohorts",
            0.4m, 0.5m);
        var rows = new List<CohortRow>
        {
            new(100, "2024-01", new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 31), 10, [Cell(1m, 10), Cell(0.5m), Cell(0.3m, 3, inProgress: true)]),
            new(101, "=2024-02", new DateOnly(2024, 2, 1), new DateOnly(2024, 2, 29), 10, [Cell(1m, 10), Cell(0.1m, 1, anomaly: anomaly), null]),
            new(102, "2024-03", new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 31), 0, [Cell(null, 0), null, null]),
        };
        return new CohortAnalysis(Granularity.Month, measure, RetentionMode.Bounded, 102, ["M0", "M1", "M2"],
            [new CohortMatrix(group, rows, [Cell(1m, 20), Cell(0.3m, 6), Cell(0.3m, 3, inProgress: true)])]);
    }

    [Fact]
    public void Heatmap_RetentionMatrix_ShadesFormatsAndMarksCells()
    {
        var model = CohortHeatmapModel.Build(Analysis(), "USD").Single();

        var first = model.Rows[0].Cells;
        Assert.Equal("100.0%", first[0].Text);
        Assert.Contains("cd-heat-8", first[0].CssClass); // M0 is off the scale: clamped to the darkest shade
        Assert.Contains("cd-heat-8", first[1].CssClass); // 50% is the highest later value
        // The scale is the quantiles of the later values 10%, 30%, 50% (M0 left out): bounds 10, 14.4, 18.9, 23.3, 27.8,
        // 32.2, 36.7, 41.1, 45.6, 50 (%). 30% reaches the first four inner bounds: shade 4.
        Assert.Contains("cd-heat-4", first[2].CssClass);
        Assert.Equal(4, first[2].Shade);
        Assert.Contains("cd-cell-progress", first[2].CssClass);
        Assert.Contains("5 of 10 customers", first[1].Title);

        var second = model.Rows[1].Cells;
        Assert.Contains("cd-cell-anomaly", second[1].CssClass);
        Assert.Contains("cd-heat-0", second[1].CssClass); // the lowest value: the lightest shade
        Assert.Equal(9, model.Legend.Count);
        Assert.Equal("10.0% – 14.4%", model.Legend[0].Label);
        Assert.Equal("45.6% – 50.0%", model.Legend[^1].Label);
        Assert.Contains("Anomaly: 2024-02 M1 retention", second[1].Title);
        Assert.False(second[2].Started);
        Assert.Equal("", second[2].Text);

        Assert.Equal("–", model.Rows[2].Cells[0].Text);
        Assert.Contains("cd-cell-undefined", model.Rows[2].Cells[0].CssClass);
        Assert.Equal("Mean", model.Mean.Label);
        Assert.Equal(20, model.Customers);
    }

    [Theory]
    [InlineData(CohortMeasure.Retention, 0.4251, "42.5%")]
    [InlineData(CohortMeasure.Customers, 1234, "1,234")]
    [InlineData(CohortMeasure.Ltv, 12.5, "$12.50")]
    [InlineData(CohortMeasure.NetRevenue, 12345, "$12,345")]
    [InlineData(CohortMeasure.Ltv, 999.5, "$999.50")]
    [InlineData(CohortMeasure.Cm2, -20, "-$20.00")]
    public void Format_ByMeasure(CohortMeasure measure, double value, string expected) =>
        Assert.Equal(expected, CohortHeatmapModel.Format((decimal)value, measure, "USD"));

    [Fact]
    public void MatrixCsv_HeaderRowsMeanAndFormulaSafeLabels()
    {
        var lines = CohortCsv.Matrix(Analysis()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("cohort,cohort_start,size,M0,M1,M2", lines[0]);
        Assert.Equal("2024-01,2024-01-01,10,1,0.5,0.3", lines[1]);
        Assert.Equal("'=2024-02,2024-02-01,10,1,0.1,", lines[2]); // not started: empty; a label starting with = is defused
        Assert.Equal("2024-03,2024-03-01,0,,,", lines[3]);
        Assert.Equal("Mean,,20,1,0.3,0.3", lines[4]);
    }

    [Fact]
    public void MatrixCsv_WithBreakdown_LeadsWithTheGroup()
    {
        var lines = CohortCsv.Matrix(Analysis(group: "SMB")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("group,cohort,cohort_start,size,M0,M1,M2", lines[0]);
        Assert.StartsWith("SMB,2024-01,", lines[1]);
    }

    [Fact]
    public void CustomersCsv_DefusesFormulas()
    {
        var csv = CohortCsv.Customers([new CellCustomer(7, "@ext", "=HYPERLINK(\"x\")", "SMB", "+rep", 2, 10.5m, -3m)]);
        Assert.Equal("7,'@ext,\"'=HYPERLINK(\"\"x\"\")\",SMB,'+rep,2,10.5,-3", csv.Split("\r\n")[1]);
    }

    [Fact]
    public void ViewState_RoundTripsThroughTheQueryString()
    {
        var filter = FilterGroup.And(new FilterCondition(FilterFields.AccountSegment, FilterOperator.Equal, FilterValue.Of("SMB")));
        var state = new CohortViewState
        {
            Measure = CohortMeasure.Retention, AsCount = true, Granularity = Granularity.Week, Periods = 8, Cohorts = 20,
            From = new DateOnly(2024, 1, 1), To = new DateOnly(2024, 6, 30), TimeZone = "Europe/Paris",
            RetentionMode = RetentionMode.Unbounded, Breakdown = CohortBreakdown.OwnerId, Filter = filter, View = CohortView.Curves,
        };

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery("?" + state.ToQueryString());
        var problems = new List<string>();
        var read = CohortViewState.FromQuery(key => query.TryGetValue(key, out var v) ? v.ToString() : null, problems);

        Assert.Empty(problems);
        Assert.Equal(state, read);
        Assert.Equal(CohortMeasure.Customers, read.EffectiveMeasure);
        Assert.Contains("measure=customers", state.ToQueryString());
        Assert.Contains("breakdown=owner_id", state.ToQueryString());
        Assert.Equal("", new CohortViewState().ToQueryString());
    }

    [Fact]
    public void ViewState_BadValues_FallBackAndAreReported()
    {
        var values = new Dictionary<string, string?> { ["measure"] = "nope", ["periods"] = "99", ["from"] = "2024-13-01", ["filter"] = "%%%" };
        var problems = new List<string>();

        var state = CohortViewState.FromQuery(values.GetValueOrDefault, problems);

        Assert.Equal(new CohortViewState(), state);
        Assert.Equal(4, problems.Count);
    }

    [Fact]
    public void ViewState_PercentToggle_MapsNetRevenueToAmountRetention()
    {
        var state = new CohortViewState { Measure = CohortMeasure.NetRevenue }.WithPercent(true);
        Assert.Equal(CohortMeasure.AmountRetention, state.EffectiveMeasure);
        Assert.True(state.ShowsPercent);
        Assert.False(state.HasRetentionMode);
    }

    [Fact]
    public void FilterDraft_BuildsAGroupAndReadsItBack()
    {
        var draft = new CohortFilterDraft { MatchAll = false };
        var segment = CohortFilterDraft.NewRow();
        Assert.Empty(segment.Picked); // a new condition guesses no value
        segment.Picked = ["Enterprise"];
        draft.Rows.Add(segment);
        draft.Rows.Add(new FilterDraftRow { Field = FilterFields.OrderTags, Op = FilterOperator.ArrayIncludesAny, Text = "vip, promo" });

        var (node, errors) = draft.Build();

        Assert.Empty(errors);
        Assert.Equal("""{"or":[{"field":"account.segment","op":"equals","value":"Enterprise"},{"field":"orders.tags","op":"array_includes_any","value":["vip","promo"]}]}""",
            FilterJson.Serialize(node!));
        var back = CohortFilterDraft.FromNode(node);
        Assert.NotNull(back);
        Assert.False(back.MatchAll);
        Assert.Equal("vip, promo", back.Rows[1].Text);
    }

    [Fact]
    public void FilterDraft_MissingValue_IsReportedPerCondition()
    {
        var draft = new CohortFilterDraft();
        draft.Rows.Add(new FilterDraftRow { Field = FilterFields.UtmSource, Op = FilterOperator.Equal, Text = " " });
        var (node, errors) = draft.Build();
        Assert.Null(node);
        Assert.Equal(["Condition 1: enter a value."], errors);
    }
}
