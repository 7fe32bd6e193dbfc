namespace CohortDashboard.Analytics.Projections;

/// <summary>
/// Nelder–Mead downhill simplex minimisation (standard coefficients: reflection 1, expansion 2, contraction ½,
/// shrink ½). Derivative-free and robust on the small, smooth likelihood surfaces fitted here.
/// </summary>
public static class NelderMead
{
    /// <summary>The minimum found: its point, the function there, and the evaluations spent.</summary>
    public sealed record Result(double[] Point, double Value, int Evaluations);

    /// <summary>
    /// Minimises <paramref name="f"/> from <paramref name="start"/> with an initial simplex of edge <paramref name="step"/>;
    /// stops when the simplex's values differ by less than <paramref name="tolerance"/> or after
    /// <paramref name="maxEvaluations"/>.
    /// </summary>
    public static Result Minimize(Func<double[], double> f, double[] start, double step = 0.5, double tolerance = 1e-12, int maxEvaluations = 2000)
    {
        var n = start.Length;
        var points = new double[n + 1][];
        var values = new double[n + 1];
        var evaluations = 0;
        double Eval(double[] x) { evaluations++; var v = f(x); return double.IsNaN(v) ? double.PositiveInfinity : v; }

        points[0] = (double[])start.Clone();
        values[0] = Eval(points[0]);
        for (var i = 0; i < n; i++)
        {
            points[i + 1] = (double[])start.Clone();
            points[i + 1][i] += step;
            values[i + 1] = Eval(points[i + 1]);
        }

        var order = Enumerable.Range(0, n + 1).ToArray();
        while (evaluations < maxEvaluations)
        {
            Array.Sort(order, (a, b) => values[a].CompareTo(values[b]));
            int best = order[0], worst = order[n], secondWorst = order[n - 1];
            if (Math.Abs(values[worst] - values[best]) <= tolerance * (1 + Math.Abs(values[best])) && Spread(points, best) < 1e-9) break;

            var centroid = new double[n];
            foreach (var i in order.Take(n))
                for (var d = 0; d < n; d++) centroid[d] += points[i][d] / n;

            double[] Along(double t) => centroid.Select((c, d) => c + t * (points[worst][d] - c)).ToArray();
            var reflected = Along(-1);
            var reflectedValue = Eval(reflected);
            if (reflectedValue < values[best])
            {
                var expanded = Along(-2);
                var expandedValue = Eval(expanded);
                (points[worst], values[worst]) = expandedValue < reflectedValue ? (expanded, expandedValue) : (reflected, reflectedValue);
            }
            else if (reflectedValue < values[secondWorst])
            {
                (points[worst], values[worst]) = (reflected, reflectedValue);
            }
            else
            {
                var contracted = reflectedValue < values[worst] ? Along(-0.5) : Along(0.5);
                var contractedValue = Eval(contracted);
                if (contractedValue < Math.Min(values[worst], reflectedValue))
                {
                    (points[worst], values[worst]) = (contracted, contractedValue);
                }
                else
                {
                    foreach (var i in order.Skip(1))
                    {
                        points[i] = points[i].Select((x, d) => points[best][d] + 0.5 * (x - points[best][d])).ToArray();
                        values[i] = Eval(points[i]);
                    }
                }
            }
        }
        var winner = Enumerable.Range(0, n + 1).MinBy(i => values[i]);
        return new Result(points[winner], values[winner], evaluations);
    }

    private static double Spread(double[][] points, int best) =>
        points.Max(p => p.Select((x, d) => Math.Abs(x - points[best][d])).Max());
}
