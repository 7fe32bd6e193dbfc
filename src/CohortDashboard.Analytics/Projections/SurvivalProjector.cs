namespace CohortDashboard.Analytics.Projections;

/// <summary>One cohort's survival counts to project (see <see cref="SurvivalSeries"/>), keyed by the caller.</summary>
public sealed record SurvivalCohort(string Key, SurvivalSeries Series);

/// <summary>Whether a cohort's model was fitted on its own counts or on all the cohorts' pooled.</summary>
public enum FitScope { Cohort, Pooled }

/// <summary>The model a projection comes from.</summary>
/// <param name="Cohorts">How many cohorts the fit used (1 for <see cref="FitScope.Cohort"/>).</param>
/// <param name="Customers">How many members the fit used.</param>
public sealed record SurvivalModel(SbgFit Fit, FitScope Scope, int Cohorts, int Customers)
{
    public const string Name = "sBG";

    /// <summary>"sBG α=0.668 β=3.806, log-likelihood −1611.2, fitted on this cohort (1,000)" — for hover text.</summary>
    public string Describe() => FormattableString.Invariant(
        $"{Name} α={Fit.Alpha:0.###} β={Fit.Beta:0.###}, log-likelihood {Fit.LogLikelihood:0.#}, {(Scope == FitScope.Cohort ? "fitted on this cohort" : $"pooled over {Cohorts} cohorts")} ({Customers:N0})");
}

/// <summary>
/// A cohort's projected survival share for offsets <see cref="ObservedPeriods"/> + 1 … horizon
/// (<see cref="Projected"/>[i] is offset ObservedPeriods + 1 + i), or why there is none. <see cref="Survivors"/> are
/// those there after the last completed period (as observed), where the projection starts.
/// </summary>
public sealed record SurvivalProjection(string Key, int Size, int ObservedPeriods, int Survivors, SurvivalModel? Model, string? NotEnoughData,
    IReadOnlyList<ProjectedValue> Projected)
{
    /// <summary>The projection at <paramref name="offset"/>, or null when it is observed, beyond the horizon or missing.</summary>
    public ProjectedValue? At(int offset)
    {
        var i = offset - ObservedPeriods - 1;
        return i >= 0 && i < Projected.Count ? Projected[i] : null;
    }
}

/// <summary>
/// Projects survival for every cohort of one group and granularity. A cohort with at least
/// <see cref="OwnFitMinimumPeriods"/> completed periods and <see cref="OwnFitMinimumCustomers"/> members gets its own sBG
/// fit; any other (or one whose own data cannot be fitted, e.g. nobody left yet) takes the fit pooled over all the
/// cohorts given. Projections are conditional on what was observed: from a cohort's last completed period τ with n(τ)
/// members left, the share at t &gt; τ is n(τ)/n(0) · S(t)/S(τ) — for sBG exactly the survivors' retention, since those
/// who stayed τ periods have θ ~ Beta(α, β + τ). The fit sees the one-way counts (<see cref="SurvivalSeries.Alive"/>),
/// but n(τ) is the count actually observed (<see cref="SurvivalSeries.Current"/>), so members who came back are not
/// projected away.
/// </summary>
public static class SurvivalProjector
{
    public const int OwnFitMinimumPeriods = 6;
    public const int OwnFitMinimumCustomers = 100;

    /// <param name="horizon">The last offset projected.</param>
    public static IReadOnlyList<SurvivalProjection> Project(IReadOnlyList<SurvivalCohort> cohorts, int horizon)
    {
        SurvivalModel? pooled = null;
        string? pooledReason = null;
        var pooledReady = false;
        SurvivalModel? Pooled()
        {
            if (pooledReady) return pooled;
            pooledReady = true;
            var series = cohorts.Select(c => c.Series).Where(s => s.Size > 0 && s.Periods > 0).ToList();
            var result = series.Count == 0 ? SbgFitResult.Insufficient("no cohort has a completed period yet") : ShiftedBetaGeometric.Fit(series);
            pooledReason = result.NotEnoughData;
            pooled = result.Fit is { } fit ? new SurvivalModel(fit, FitScope.Pooled, series.Count, series.Sum(s => s.Size)) : null;
            return pooled;
        }

        var projections = new List<SurvivalProjection>(cohorts.Count);
        foreach (var (key, series) in cohorts)
        {
            if (series.Size == 0)
            {
                projections.Add(new SurvivalProjection(key, 0, series.Periods, 0, null, "no customers", []));
                continue;
            }
            SurvivalModel? model = null;
            if (series.Periods >= OwnFitMinimumPeriods && series.Size >= OwnFitMinimumCustomers
                && ShiftedBetaGeometric.Fit([series]).Fit is { } own)
                model = new SurvivalModel(own, FitScope.Cohort, 1, series.Size);
            model ??= Pooled();
            projections.Add(model is null
                ? new SurvivalProjection(key, series.Size, series.Periods, series.Current, null, "not enough data: " + pooledReason, [])
                : new SurvivalProjection(key, series.Size, series.Periods, series.Current, model, null, Project(series, model.Fit, horizon)));
        }
        return projections;
    }

    private static IReadOnlyList<ProjectedValue> Project(SurvivalSeries series, SbgFit fit, int horizon)
    {
        var tau = series.Periods;
        var observedShare = series.Current / (double)series.Size;
        var values = new List<ProjectedValue>(Math.Max(0, horizon - tau));
        var atTau = fit.Survival(tau);
        for (var t = tau + 1; t <= horizon; t++)
        {
            if (series.Current == 0)
            {
                values.Add(new ProjectedValue(0, 0, 0)); // nobody left to lose
                continue;
            }
            var interval = ShiftedBetaGeometric.ConditionalInterval(fit, tau, t);
            values.Add(new ProjectedValue(observedShare * fit.Survival(t) / atTau,
                interval is { } i ? observedShare * i.Lower : null, interval is { } j ? observedShare * j.Upper : null));
        }
        return values;
    }
}
