using CohortDashboard.Web.Components.Charts;
using CohortDashboard.Web.Components.Shared;

namespace CohortDashboard.Web.Features.Overview;

/// <summary>Maps the computed overview model onto chart traces; no numbers are derived here.</summary>
public static class OverviewCharts
{
    private const string Primary = "#3f7cc0";
    private const string InProgress = "rgba(63,124,192,0.45)";

    public static IReadOnlyList<ChartTrace> NetRevenue(OverviewModel model) =>
    [
        new BarTrace
        {
            Name = "Net revenue",
            X = model.Trend.Months.Select(m => (object?)m.Label).ToList(),
            Y = model.Trend.Months.Select(m => (object?)m.NetRevenue).ToList(),
            Marker = new ChartMarker { Color = model.Trend.Months.Select(m => m.InProgress ? InProgress : Primary).ToList() },
            Text = model.Trend.Months.Select(m => m.InProgress ? $"({RunningPeriod.Note})" : "").ToList(),
            TextPosition = "none",
            HoverTemplate = $"%{{x}}<br>{Money.Symbol(model.Currency)}%{{y:,.2f}} %{{text}}<extra></extra>",
        },
    ];

    /// <summary>The running month is reached with a dotted segment: its few days of customers are no drop.</summary>
    public static IReadOnlyList<ChartTrace> ActiveCustomers(OverviewModel model) =>
    [
        .. RunningPeriod.Split(new ScatterTrace
        {
            Name = "Active customers",
            Mode = ScatterMode.LinesAndMarkers,
            X = model.Trend.Months.Select(m => (object?)m.Label).ToList(),
            Y = model.Trend.Months.Select(m => (object?)m.ActiveCustomers).ToList(),
            Line = new ChartLine { Color = "#2e9e6b", Width = 2 },
            HoverTemplate = "%{x}<br>%{y:,} customers<extra></extra>",
        }, model.Trend.Months.Select(m => m.InProgress).ToList()),
    ];

    public static IReadOnlyList<ChartTrace> ArrBySegment(OverviewModel model) =>
    [
        new BarTrace
        {
            Name = "ARR",
            X = model.ArrBySegment.Select(s => (object?)s.Segment).ToList(),
            Y = model.ArrBySegment.Select(s => (object?)s.Arr).ToList(),
            Text = model.ArrBySegment.Select(s => (string?)$"{s.Accounts:N0} accounts").ToList(),
            TextPosition = "none",
            Marker = new ChartMarker { Color = new[] { "#6a4c93", "#1982c4", "#8ac926" } },
            HoverTemplate = $"%{{x}}<br>{Money.Symbol(model.Currency)}%{{y:,.0f}}<br>%{{text}}<extra></extra>",
        },
    ];

    /// <summary>The layout of a month chart, its running month marked (<see cref="RunningPeriod"/>).</summary>
    public static ChartLayout Layout(OverviewModel model, string yTitle, string? tickPrefix = null) =>
        RunningPeriod.Mark(Layout(yTitle, tickPrefix), model.Trend.Months.Select((m, i) => (m, i)).Where(t => t.m.InProgress).Select(t => (double?)t.i).FirstOrDefault());

    public static ChartLayout Layout(string yTitle, string? tickPrefix = null) => new()
    {
        Margin = new ChartMargin { Left = 56, Right = 16, Top = 16, Bottom = 48 },
        ShowLegend = false,
        HoverMode = "closest",
        XAxis = new ChartAxis { Type = "category", AutoMargin = true },
        YAxis = new ChartAxis { Title = yTitle, TickPrefix = tickPrefix, AutoMargin = true, RangeMode = "tozero" },
    };
}
