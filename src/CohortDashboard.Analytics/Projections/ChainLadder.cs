namespace CohortDashboard.Analytics.Projections;

/// <summary>One row of a development triangle: a cohort's cumulative amount at offsets 0 … Count − 1 (completed periods only).</summary>
public sealed record DevelopmentRow(string Key, IReadOnlyList<double> Cumulative);

/// <summary>
/// The volume-weighted development factor from offset <see cref="From"/> to <see cref="From"/> + 1 over the
/// <see cref="Cohorts"/> cohorts observed at both, and Mack's σ² of it (null when it cannot be estimated).
/// </summary>
public sealed record DevelopmentFactor(int From, double Factor, int Cohorts, double? Sigma2);

/// <summary>
/// A cohort's projected cumulative amount at offsets <see cref="ObservedPeriods"/> … (<see cref="Projected"/>[i] is
/// offset ObservedPeriods + i), as far as factors exist; <see cref="StopReason"/> says why it ends before the horizon.
/// </summary>
public sealed record ChainLadderProjection(string Key, int ObservedPeriods, double LastObserved, IReadOnlyList<ProjectedValue> Projected, string? StopReason)
{
    public ProjectedValue? At(int offset)
    {
        var i = offset - ObservedPeriods;
        return i >= 0 && i < Projected.Count ? Projected[i] : null;
    }
}

public sealed record ChainLadderResult(IReadOnlyList<DevelopmentFactor> Factors, IReadOnlyList<ChainLadderProjection> Rows);

/// <summary>
/// The chain-ladder method of claims reserving, applied to cohort revenue: the development factor from offset k to
/// k + 1 is Σ C(i, k + 1) / Σ C(i, k) over the cohorts observed at k + 1 (volume-weighted), and a younger cohort's
/// cumulative amount is carried forward by the factors from its last observed offset. The interval is Mack's (1993)
/// distribution-free standard error (process and parameter error), as ±1.96 SE: σ²(k) = 1/(m − 1) Σ C(i, k)
/// (C(i, k + 1)/C(i, k) − f(k))² over the m cohorts with C(i, k) &gt; 0, with Mack's extrapolation when only one is left, and
/// mse(Ĉ(i, K)) = Ĉ(i, K)² Σ σ²(k)/f(k)² (1/Ĉ(i, k) + 1/Σ C(j, k)).
/// </summary>
public static class ChainLadder
{
    /// <param name="lastOffset">The last offset to project to.</param>
    public static ChainLadderResult Project(IReadOnlyList<DevelopmentRow> rows, int lastOffset)
    {
        var factors = new List<DevelopmentFactor>();
        var volumes = new List<double>();
        for (var k = 0; k < lastOffset; k++)
        {
            var developed = rows.Where(r => r.Cumulative.Count > k + 1).ToList();
            var from = developed.Sum(r => r.Cumulative[k]);
            if (developed.Count == 0 || from <= 0) break;
            var factor = developed.Sum(r => r.Cumulative[k + 1]) / from;
            factors.Add(new DevelopmentFactor(k, factor, developed.Count, Sigma2(developed, k, factor, factors)));
            volumes.Add(from);
        }

        var projections = rows.Select(row =>
        {
            var observed = row.Cumulative.Count;
            if (observed == 0) return new ChainLadderProjection(row.Key, 0, 0, [], "no completed period");
            var values = new List<ProjectedValue>();
            var current = row.Cumulative[^1];
            double? relativeMse = 0; // mse / Ĉ², accumulated factor by factor
            for (var k = observed - 1; k < lastOffset; k++)
            {
                if (k >= factors.Count)
                    return new ChainLadderProjection(row.Key, observed, row.Cumulative[^1], values, $"no older cohort has reached offset {k + 1}");
                var f = factors[k];
                if (relativeMse is { } rel && f.Sigma2 is { } s2 && current > 0)
                    relativeMse = rel + s2 / (f.Factor * f.Factor) * (1 / current + 1 / volumes[k]);
                else
                    relativeMse = null;
                current *= f.Factor;
                var se = relativeMse is { } r ? Math.Abs(current) * Math.Sqrt(r) : (double?)null;
                values.Add(new ProjectedValue(current, current - Projection.Z95 * se, current + Projection.Z95 * se));
            }
            return new ChainLadderProjection(row.Key, observed, row.Cumulative[^1], values, null);
        }).ToList();
        return new ChainLadderResult(factors, projections);
    }

    private static double? Sigma2(List<DevelopmentRow> developed, int k, double factor, List<DevelopmentFactor> earlier)
    {
        // A cohort with nothing (or a net refund) at k has no individual factor; it adds no evidence of spread.
        var positive = developed.Where(r => r.Cumulative[k] > 0).ToList();
        if (positive.Count >= 2)
            return positive.Sum(r => r.Cumulative[k] * Math.Pow(r.Cumulative[k + 1] / r.Cumulative[k] - factor, 2)) / (positive.Count - 1);
        // Mack's extrapolation for the last factor, estimated from a single cohort.
        if (earlier.Count < 2 || earlier[^1].Sigma2 is not { } last || earlier[^2].Sigma2 is not { } before) return null;
        var smaller = Math.Min(last, before);
        return before > 0 ? Math.Min(last * last / before, smaller) : smaller;
    }
}
