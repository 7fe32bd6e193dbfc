using System.Globalization;
using CohortDashboard.Analytics.Projections;
using CohortDashboard.Web.Components.Charts;
using CohortDashboard.Web.Components.Shared;

namespace CohortDashboard.Web.Features.AccountCohorts;

/// <summary>
/// Everything the /account-cohorts page shows, computed by the service: the page only renders it.
/// </summary>
public sealed record AccountCohortPageModel(
    string CohortType,
    string Currency,
    StaleState Stale,
    IReadOnlyList<CohortDefinitionRecord> Definitions,
    IReadOnlyList<SnapshotRecord> Snapshots,
    VintageCurvesResponse Curves,
    IReadOnlyList<AnomalyRecord> Anomalies,
    ComparisonResponse Comparison)
{
    /// <summary>Definitions grouped by type in the order vintage, segment, territory, rep, custom.</summary>
    public IReadOnlyList<(string Type, IReadOnlyList<CohortDefinitionRecord> Definitions)> DefinitionsByType =>
        Definitions.GroupBy(d => d.CohortType).Select(g => (g.Key, (IReadOnlyList<CohortDefinitionRecord>)g.ToList())).ToList();

    public SnapshotRecord? Snapshot(string cohortId, string period) =>
        Snapshots.FirstOrDefault(s => s.CohortId == cohortId && s.Period == period);

    /// <summary>The snapshot a heatmap click points at: the cohort by its row label, the month by its column.</summary>
    public SnapshotRecord? SnapshotAt(string? cohortName, string? period) =>
        Snapshots.FirstOrDefault(s => s.CohortName == cohortName && s.Period == period);

    /// <summary>The months the snapshots span, as "yyyy-MM – yyyy-MM"; empty without snapshots.</summary>
    public string SnapshotRange => Snapshots.Count == 0
        ? ""
        : $"{Snapshots.Min(s => s.Period)} – {Snapshots.Max(s => s.Period)}";

    public int HeatmapRows => Snapshots.Select(s => s.CohortId).Distinct().Count();
}

/// <summary>Plotly figures of the page: NRR/GRR heatmaps (cohort × month) and vintage curves (one line per cohort).</summary>
public static class AccountCohortCharts
{
    public const int MaxCurveLines = 16;

    /// <summary>
    /// A cohort × month heatmap of <paramref name="percent"/> (NRR or GRR). Red below 100 %, green above; hover shows
    /// the numbers behind a cell; customdata carries "cohort id|period" for click-through.
    /// </summary>
    public static IReadOnlyList<ChartTrace> Heatmap(IReadOnlyList<SnapshotRecord> snapshots, string measure, Func<SnapshotRecord, decimal?> percent, string currency)
    {
        var months = snapshots.Select(s => s.Period).Distinct().Order(StringComparer.Ordinal).ToList();
        var cohorts = snapshots.Select(s => (s.CohortId, s.CohortName)).Distinct().ToList();
        var byKey = snapshots.ToDictionary(s => (s.CohortId, s.Period));
        var z = new List<IReadOnlyList<double?>>();
        var text = new List<IReadOnlyList<string?>>();
        foreach (var (id, _) in cohorts)
        {
            z.Add(months.Select(m => byKey.TryGetValue((id, m), out var s) && percent(s) is { } v ? (double?)(double)v : null).ToList());
            text.Add(months.Select(m => byKey.TryGetValue((id, m), out var s) ? Hover(s, measure, percent(s), currency) : null).ToList());
        }
        return
        [
            new HeatmapTrace
            {
                Name = measure,
                X = months.Cast<object?>().ToList(),
                Y = cohorts.Select(c => (object?)c.CohortName).ToList(),
                Z = z,
                Text = text,
                HoverTemplate = "%{text}<extra></extra>",
                Colorscale = ChartColorscale.FromStops(new(0, "#b2182b"), new(0.5, "#f7f7f7"), new(1, "#1a9850")),
                ZMin = 80,
                ZMid = 100,
                ZMax = 120,
                HoverOnGaps = false,
                XGap = 1,
                YGap = 1,
                ColorBar = new ChartColorBar { Title = measure, TickSuffix = "%", Thickness = 12 },
            },
        ];
    }

    /// <summary>The heatmap layout with the running month's column marked as in progress (<see cref="RunningPeriod"/>).</summary>
    public static ChartLayout HeatmapLayout(int rows, IReadOnlyList<SnapshotRecord> snapshots, string? runningMonth)
    {
        var months = snapshots.Select(s => s.Period).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = runningMonth is null ? -1 : months.IndexOf(runningMonth);
        return RunningPeriod.Mark(HeatmapLayout(rows), index < 0 ? null : index);
    }

    public static ChartLayout HeatmapLayout(int rows) => new()
    {
        Margin = new ChartMargin { Left = 150, Right = 16, Top = 16, Bottom = 56 },
        XAxis = new ChartAxis { Type = "category", Title = "Month", AutoMargin = true },
        YAxis = new ChartAxis { Type = "category", AutoRange = "reversed", AutoMargin = true, Title = "Cohort" },
        Height = Math.Max(220, 60 + rows * 22),
    };

    /// <summary>
    /// One line per cohort (the first <see cref="MaxCurveLines"/>): ARR retention % or accounts remaining % by months since
    /// start. With <paramref name="projections"/> (accounts remaining only), each line continues dashed over its projected
    /// months, in its colour, inside the shaded 95% band.
    /// </summary>
    public static IReadOnlyList<ChartTrace> Curves(VintageCurvesResponse curves, bool accounts, IReadOnlyDictionary<string, SurvivalProjection>? projections = null)
    {
        var traces = new List<ChartTrace>();
        foreach (var (c, i) in curves.Curves.Take(MaxCurveLines).Select((c, i) => (c, i)))
        {
            // Explicit colours: the dotted running month and the projection share the cohort's line colour.
            var colour = ProjectionCurves.Colour(i);
            traces.AddRange(RunningPeriod.Split(new ScatterTrace
            {
                Name = c.Name,
                LegendGroup = c.CohortId,
                Mode = ScatterMode.LinesAndMarkers,
                X = c.Points.Select(p => (object?)p.Offset).ToList(),
                Y = c.Points.Select(p => (object?)(accounts ? p.AccountsRemainingPct : p.RetentionPct)).ToList(),
                HoverTemplate = accounts
                    ? $"{c.Name}<br>month %{{x}}: %{{y:.1f}}% of {c.StartingAccounts:N0} accounts remain<extra></extra>"
                    : $"{c.Name}<br>month %{{x}}: %{{y:.1f}}% of starting ARR<extra></extra>",
                Line = new ChartLine { Color = colour },
                Marker = new ChartMarker { Size = 4, Color = colour },
            }, c.Points.Select(p => p.Month == curves.RunningMonth).ToList()));
            if (!accounts || projections?.GetValueOrDefault(c.CohortId) is not { Model: { } model } projection || c.Points.Count == 0) continue;
            var last = c.Points[^1];
            var anchor = (double)(last.AccountsRemainingPct ?? 0m);
            traces.AddRange(ProjectionCurves.Traces(c.CohortId, colour!,
            [
                new ProjectionPoint(last.Offset, anchor, anchor, anchor, $"{c.Name} · month {last.Offset}: last observed"),
                .. projection.Projected.Select((p, k) => new ProjectionPoint(projection.ObservedPeriods + 1 + k, p.Value * 100, p.Lower * 100, p.Upper * 100,
                    string.Create(CultureInfo.InvariantCulture,
                        $"{c.Name} · month {projection.ObservedPeriods + 1 + k}<br>Projected (not data): ≈ {p.Value * 100:0.0}% of {c.StartingAccounts:N0} accounts remain") +
                    $"<br>{ProjectedInterval(p)}<br>{model.Describe()}")),
            ]));
        }
        if (accounts && projections is not null) traces.Add(ProjectionCurves.LegendEntry(0));
        return traces;
    }

    private static string ProjectedInterval(ProjectedValue p) => p is { Lower: { } lower, Upper: { } upper }
        ? string.Create(CultureInfo.InvariantCulture, $"95% interval {lower * 100:0.0}–{upper * 100:0.0}%")
        : "no interval (the model's uncertainty could not be estimated)";

    public static ChartLayout CurvesLayout(string title) => new()
    {
        Margin = new ChartMargin { Left = 56, Right = 16, Top = 16, Bottom = 48 },
        HoverMode = "closest",
        XAxis = new ChartAxis { Type = "linear", Title = "Months since cohort start", AutoMargin = true },
        YAxis = new ChartAxis { Title = title, TickSuffix = "%", AutoMargin = true },
        ShowLegend = true,
    };

    private static string Hover(SnapshotRecord s, string measure, decimal? value, string currency)
    {
        string Arr(decimal amount) => Money.Whole(amount, currency);
        return string.Create(CultureInfo.InvariantCulture,
            $"{s.CohortName} · {s.Period}<br>{measure}: {AccountCohortFormat.Percent(value)}" +
            $"<br>Members paying: {s.Members:N0}<br>Starting ARR: {Arr(s.StartingArr)} → {Arr(s.TotalArr)}" +
            $"<br>Expansion {Arr(s.ExpansionArr)} · contraction {Arr(s.ContractionArr)} · churn {Arr(s.ChurnArr)} ({s.ChurnCount} accounts)");
    }
}
