using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
#pragma warning disable EF1001 // SqliteQuerySqlGenerator is in an Internal namespace; it is the provider's own generator, extended by one rule.
using Microsoft.EntityFrameworkCore.Sqlite.Query.Internal;

namespace CohortDashboard.Data.Filters;

/// <summary>
/// SQLite's SQL generator, except that a nested <c>AND</c>/<c>OR</c> is always parenthesised. EF Core writes
/// <c>(a OR b) OR (c OR d)</c> as <c>a OR b OR c OR d</c> (the operator is associative), and SQLite parses that
/// left-deep, failing past 1,000 terms with "Expression tree is too large". With the parentheses the balanced trees
/// <see cref="FilterExpressions"/> builds stay balanced in SQL, so a filter's depth is logarithmic in its size there too.
/// </summary>
internal sealed class ShallowSqliteQuerySqlGenerator(QuerySqlGeneratorDependencies dependencies) : SqliteQuerySqlGenerator(dependencies)
{
    protected override bool TryGetOperatorInfo(SqlExpression expression, out int precedence, out bool isAssociative)
    {
        var known = base.TryGetOperatorInfo(expression, out precedence, out isAssociative);
        if (expression is SqlBinaryExpression { OperatorType: System.Linq.Expressions.ExpressionType.AndAlso or System.Linq.Expressions.ExpressionType.OrElse })
            isAssociative = false;
        return known;
    }
}

/// <summary>Creates <see cref="ShallowSqliteQuerySqlGenerator"/>s; replaces the SQLite provider's factory.</summary>
internal sealed class ShallowSqliteQuerySqlGeneratorFactory(QuerySqlGeneratorDependencies dependencies) : IQuerySqlGeneratorFactory
{
    public QuerySqlGenerator Create() => new ShallowSqliteQuerySqlGenerator(dependencies);
}
