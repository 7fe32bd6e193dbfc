using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Projections;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>A projected matrix cell as drawn: value, short text ("≈ 42.1%"), and hover lines naming the model and interval.</summary>
public sealed record ProjectedCell(ProjectedValue Value, string Text, string Interval, string Model);

/// <summary>Reads a cohort's projection at an offset for the measure shown (retention or LTV); nothing is computed here.</summary>
public static class ProjectedCells
{
    public const string ChainLadderModel = "Chain ladder: older cohorts' volume-weighted development factors; interval from Mack's standard error";

    /// <summary>The projected cell, or null when <paramref name="measure"/> has no projection or none reaches <paramref name="offset"/>.</summary>
    public static ProjectedCell? At(CohortProjectionRow? row, int offset, CohortMeasure measure, string currency)
    {
        if (row is null) return null;
        var (value, model) = measure switch
        {
            CohortMeasure.Retention => (row.Retention.At(offset), row.Retention.Model?.Describe()),
            CohortMeasure.Ltv => (row.LtvAt(offset), ChainLadderModel),
            _ => (null, null),
        };
        if (value is null || model is null) return null;
        return new ProjectedCell(value, "≈ " + Format(value.Value, measure, currency), Interval(value, measure, currency), model);
    }

    /// <summary>"95% interval 39.0%–45.2%", or a note that the model gave none.</summary>
    public static string Interval(ProjectedValue value, CohortMeasure measure, string currency) =>
        value is { Lower: { } lower, Upper: { } upper }
            ? $"95% interval {Format(lower, measure, currency)}–{Format(upper, measure, currency)}"
            : "no interval (the model's uncertainty could not be estimated)";

    public static string Format(double value, CohortMeasure measure, string currency) =>
        CohortHeatmapModel.Format((decimal)value, measure, currency);
}
