using System.Linq.Expressions;

namespace CohortDashboard.Data.Queries;

/// <summary>
/// Builds "which period does this instant fall in" as a binary search of nested CASE expressions over UTC boundaries
/// computed from the org's timezone. It needs nothing but range comparisons, so local-time bucketing runs inside
/// SQLite (which has no timezone functions) and PostgreSQL alike, with log2(periods) comparisons per row.
/// </summary>
public static class PeriodBuckets
{
    /// <summary>
    /// An expression giving the index i with boundaries[i] ≤ instant &lt; boundaries[i+1]. Rows outside
    /// [boundaries[0], boundaries[^1]) must be filtered out by the caller (see <see cref="Within{T}"/>).
    /// </summary>
    public static Expression<Func<T, int>> IndexOf<T>(Expression<Func<T, DateTime>> instant, IReadOnlyList<DateTime> boundaries) =>
        Build<T>(instant.Body, instant.Parameters[0], boundaries);

    public static Expression<Func<T, int>> IndexOf<T>(Expression<Func<T, DateTime?>> instant, IReadOnlyList<DateTime> boundaries) =>
        Build<T>(instant.Body, instant.Parameters[0], boundaries);

    /// <summary>A filter keeping rows whose instant lies in [boundaries[0], boundaries[^1]).</summary>
    public static Expression<Func<T, bool>> Within<T>(Expression<Func<T, DateTime>> instant, IReadOnlyList<DateTime> boundaries) =>
        WithinCore<T>(instant.Body, instant.Parameters[0], boundaries);

    public static Expression<Func<T, bool>> Within<T>(Expression<Func<T, DateTime?>> instant, IReadOnlyList<DateTime> boundaries) =>
        WithinCore<T>(instant.Body, instant.Parameters[0], boundaries);

    private static Expression<Func<T, int>> Build<T>(Expression instant, ParameterExpression parameter, IReadOnlyList<DateTime> boundaries)
    {
        if (boundaries.Count < 2) throw new ArgumentException("At least two boundaries (one period) are needed.", nameof(boundaries));
        for (var i = 1; i < boundaries.Count; i++)
            if (boundaries[i] <= boundaries[i - 1]) throw new ArgumentException("Boundaries must be strictly increasing.", nameof(boundaries));

        Expression Search(int low, int high)
        {
            if (high - low == 1) return Expression.Constant(low);
            var middle = (low + high) / 2;
            return Expression.Condition(
                Expression.LessThan(instant, Boundary(instant.Type, boundaries[middle])),
                Search(low, middle),
                Search(middle, high));
        }

        return Expression.Lambda<Func<T, int>>(Search(0, boundaries.Count - 1), parameter);
    }

    private static Expression<Func<T, bool>> WithinCore<T>(Expression instant, ParameterExpression parameter, IReadOnlyList<DateTime> boundaries)
    {
        var body = Expression.AndAlso(
            Expression.GreaterThanOrEqual(instant, Boundary(instant.Type, boundaries[0])),
            Expression.LessThan(instant, Boundary(instant.Type, boundaries[^1])));
        return Expression.Lambda<Func<T, bool>>(body, parameter);
    }

    private static ConstantExpression Boundary(Type type, DateTime value) =>
        Expression.Constant(DateTime.SpecifyKind(value, DateTimeKind.Utc), type);
}
