namespace CohortDashboard.Analytics.Projections;

/// <summary>
/// A cohort's survival counts: <see cref="Alive"/>[0] is the cohort size, <see cref="Alive"/>[t] how many are still
/// there after t completed periods. Only completed periods belong here (a running period is not yet an observation).
/// </summary>
public sealed record SurvivalSeries
{
    public SurvivalSeries(IEnumerable<int> alive)
    {
        // A member who leaves and comes back stays counted as having left: the survival models describe a one-way
        // process, so the counts are made non-increasing (running minimum) rather than letting a come-back undo churn.
        var counts = new List<int>();
        foreach (var count in alive)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            counts.Add(counts.Count == 0 ? count : Math.Min(count, counts[^1]));
            Current = count;
        }
        if (counts.Count == 0) throw new ArgumentException("A survival series needs at least the cohort size.", nameof(alive));
        Alive = counts;
    }

    public IReadOnlyList<int> Alive { get; }
    /// <summary>The last count as observed (come-backs included): where a projection starts from.</summary>
    public int Current { get; }
    public int Size => Alive[0];
    /// <summary>Completed periods observed after period 0.</summary>
    public int Periods => Alive.Count - 1;
    public int Survivors => Alive[^1];
    public int Churned => Size - Survivors;
}

/// <summary>The fitted sBG parameters, the log-likelihood at the optimum and the covariance of (ln α, ln β).</summary>
/// <param name="Covariance">Inverse of the observed information (the negative log-likelihood's Hessian in ln α, ln β);
/// null when that Hessian is not positive definite (a flat or boundary optimum), and then no interval is given.</param>
/// <param name="AtBoundary">The optimum ran into the search box (α or β below e^−8 or above e^8): the data barely
/// constrain one parameter, e.g. churn that does not slow down at all (the geometric limit α, β → ∞). The covariance
/// then holds the free parameter's variance only (the bound one fixed).</param>
public sealed record SbgFit(double Alpha, double Beta, double LogLikelihood, double[,]? Covariance, bool AtBoundary)
{
    public double Survival(int t) => ShiftedBetaGeometric.Survival(Alpha, Beta, t);
}

/// <summary>A fit, or why there is none ("not enough data").</summary>
public sealed record SbgFitResult(SbgFit? Fit, string? NotEnoughData)
{
    public static SbgFitResult Insufficient(string reason) => new(null, reason);
}

/// <summary>
/// The shifted-beta-geometric model (Fader &amp; Hardie, "How to Project Customer Retention", Journal of Interactive
/// Marketing, 2007): each member leaves at the end of any period with its own probability θ, θ ~ Beta(α, β) across
/// members. Then P(T = t) = B(α + 1, β + t − 1) / B(α, β) and S(t) = B(α, β + t) / B(α, β), and the recursion
/// P(T = 1) = α / (α + β), P(T = t) = (β + t − 2) / (α + β + t − 1) · P(T = t − 1). Fitted by maximum likelihood:
/// the n(t − 1) − n(t) members lost in period t contribute ln P(T = t), the survivors of the last observed period τ
/// are right-censored and contribute ln S(τ).
/// </summary>
public static class ShiftedBetaGeometric
{
    /// <summary>Periods after period 0 a series needs for both parameters to be identified and checked.</summary>
    public const int MinimumPeriods = 2;

    /// <summary>Customers a series (or pooled set) needs before a fit means anything.</summary>
    public const int MinimumCustomers = 20;

    private const double LogBound = 8.0;

    /// <summary>S(t) = B(α, β + t) / B(α, β): the share of a cohort still there after t periods.</summary>
    public static double Survival(double alpha, double beta, int t) =>
        t <= 0 ? 1.0 : Math.Exp(SpecialFunctions.LogBeta(alpha, beta + t) - SpecialFunctions.LogBeta(alpha, beta));

    /// <summary>P(T = t) = B(α + 1, β + t − 1) / B(α, β): the share lost in period t (t ≥ 1).</summary>
    public static double ChurnProbability(double alpha, double beta, int t)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(t, 1);
        return Math.Exp(SpecialFunctions.LogBeta(alpha + 1, beta + t - 1) - SpecialFunctions.LogBeta(alpha, beta));
    }

    /// <summary>The log-likelihood of <paramref name="series"/> (summed: a pooled fit shares α, β), each censored at its own last period.</summary>
    public static double LogLikelihood(double alpha, double beta, IReadOnlyList<SurvivalSeries> series)
    {
        var total = 0.0;
        foreach (var s in series)
        {
            // The recursion on S(t) costs two multiplications a period, where log-gamma would cost dozens.
            double survival = 1.0;
            for (var t = 1; t <= s.Periods; t++)
            {
                var lost = s.Alive[t - 1] - s.Alive[t];
                var churn = survival * alpha / (alpha + beta + t - 1);
                survival *= (beta + t - 1) / (alpha + beta + t - 1);
                if (lost > 0) total += lost * Math.Log(churn);
            }
            if (s.Survivors > 0) total += s.Survivors * Math.Log(survival);
        }
        return total;
    }

    /// <summary>Why <paramref name="series"/> (pooled) cannot be fitted, or null when it can.</summary>
    public static string? WhyNotEnoughData(IReadOnlyList<SurvivalSeries> series)
    {
        var customers = series.Sum(s => s.Size);
        if (customers == 0) return "no customers";
        if (customers < MinimumCustomers) return $"only {customers} customer{(customers == 1 ? "" : "s")} (at least {MinimumCustomers} needed)";
        var periods = series.Max(s => s.Periods);
        if (periods < MinimumPeriods) return $"only {periods} completed period{(periods == 1 ? "" : "s")} (at least {MinimumPeriods} needed)";
        if (series.All(s => s.Churned == 0)) return "nobody left: there is no churn to model";
        if (series.All(s => s.Periods == 0 || s.Alive[1] == 0)) return "everyone left in the first period: there is no survival to model";
        return null;
    }

    /// <summary>Fits α, β to <paramref name="series"/> by maximum likelihood (Nelder–Mead on ln α, ln β from two starts).</summary>
    public static SbgFitResult Fit(IReadOnlyList<SurvivalSeries> series)
    {
        if (WhyNotEnoughData(series) is { } reason) return SbgFitResult.Insufficient(reason);

        double Objective(double[] x) =>
            Math.Abs(x[0]) > LogBound || Math.Abs(x[1]) > LogBound ? double.PositiveInfinity : -LogLikelihood(Math.Exp(x[0]), Math.Exp(x[1]), series);

        // Start at α = β = 1 and at α = 1 with the first period's churn rate matched (α / (α + β) = lost share).
        var lostFirst = series.Where(s => s.Periods > 0).Sum(s => s.Alive[0] - s.Alive[1]) / (double)series.Where(s => s.Periods > 0).Sum(s => s.Alive[0]);
        var matched = Math.Log(Math.Clamp((1 - lostFirst) / Math.Max(lostFirst, 1e-6), 1e-3, 1e3));
        var best = new[] { new[] { 0.0, 0.0 }, new[] { 0.0, matched } }
            .Select(start => NelderMead.Minimize(Objective, start))
            .MinBy(r => r.Value)!;
        // A restart from the optimum guards against the simplex collapsing early on a long, curved valley.
        best = NelderMead.Minimize(Objective, best.Point, step: 0.05);

        var x = best.Point;
        var alphaAtBound = Math.Abs(x[0]) > LogBound - 0.1;
        var betaAtBound = Math.Abs(x[1]) > LogBound - 0.1;
        // At the box the likelihood is flat along the bound parameter (e.g. churn that never slows: α, β → ∞ with
        // α / (α + β) fixed), so only the free one is uncertain; its variance is taken with the other held there.
        var covariance = alphaAtBound || betaAtBound
            ? FreeCovariance(Objective, x, alphaAtBound, betaAtBound)
            : Covariance(Objective, x);
        return new SbgFitResult(new SbgFit(Math.Exp(x[0]), Math.Exp(x[1]), -best.Value, covariance, alphaAtBound || betaAtBound), null);
    }

    private const double HessianStep = 1e-4;

    /// <summary>The inverse of the numerical Hessian of <paramref name="f"/> at <paramref name="x"/>; null unless positive definite.</summary>
    private static double[,]? Covariance(Func<double[], double> f, double[] x)
    {
        const double h = HessianStep;
        double F(double dx, double dy) => f([x[0] + dx, x[1] + dy]);
        var f0 = F(0, 0);
        var a = (F(h, 0) - 2 * f0 + F(-h, 0)) / (h * h);
        var d = (F(0, h) - 2 * f0 + F(0, -h)) / (h * h);
        var b = (F(h, h) - F(h, -h) - F(-h, h) + F(-h, -h)) / (4 * h * h);
        var det = a * d - b * b;
        if (!(a > 0 && d > 0 && det > 0) || double.IsInfinity(det)) return null;
        return new[,] { { d / det, -b / det }, { -b / det, a / det } };
    }

    /// <summary>The variance of the free parameter alone (the bound one held, variance 0); null when both are bound or it is flat too.</summary>
    private static double[,]? FreeCovariance(Func<double[], double> f, double[] x, bool alphaAtBound, bool betaAtBound)
    {
        if (alphaAtBound && betaAtBound) return null;
        const double h = HessianStep;
        var free = alphaAtBound ? 1 : 0;
        // Step inwards only: outside the box the objective is infinite.
        double F(double dx) { var y = (double[])x.Clone(); y[free] += dx; return f(y); }
        var curvature = (F(h) - 2 * F(0) + F(-h)) / (h * h);
        if (!(curvature > 0) || double.IsInfinity(curvature)) return null;
        var covariance = new double[2, 2];
        covariance[free, free] = 1 / curvature;
        return covariance;
    }

    /// <summary>
    /// The 95% interval of S(t) / S(from) — the share of those there after <paramref name="from"/> periods still there after
    /// <paramref name="t"/> — by the delta method on its logit over (ln α, ln β), so the bounds stay inside (0, 1).
    /// Null without a covariance.
    /// </summary>
    public static (double Lower, double Upper)? ConditionalInterval(SbgFit fit, int from, int t)
    {
        if (fit.Covariance is not { } cov) return null;
        double Logit(double lnAlpha, double lnBeta)
        {
            var q = Survival(Math.Exp(lnAlpha), Math.Exp(lnBeta), t) / Survival(Math.Exp(lnAlpha), Math.Exp(lnBeta), from);
            q = Math.Clamp(q, 1e-12, 1 - 1e-12);
            return Math.Log(q / (1 - q));
        }
        const double h = 1e-5;
        var (la, lb) = (Math.Log(fit.Alpha), Math.Log(fit.Beta));
        var ga = (Logit(la + h, lb) - Logit(la - h, lb)) / (2 * h);
        var gb = (Logit(la, lb + h) - Logit(la, lb - h)) / (2 * h);
        var variance = ga * ga * cov[0, 0] + 2 * ga * gb * cov[0, 1] + gb * gb * cov[1, 1];
        if (!(variance >= 0) || double.IsInfinity(variance)) return null;
        var centre = Logit(la, lb);
        var spread = Projection.Z95 * Math.Sqrt(variance);
        return (Expit(centre - spread), Expit(centre + spread));
    }

    private static double Expit(double x) => 1 / (1 + Math.Exp(-x));
}
