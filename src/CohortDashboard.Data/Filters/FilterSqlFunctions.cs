using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.EntityFrameworkCore.Storage;

namespace CohortDashboard.Data.Filters;

/// <summary>
/// SQL functions the filter translation needs and LINQ cannot express. Registered on the model by
/// <see cref="CohortDbContext"/>; calling them outside a query throws.
/// </summary>
internal static class FilterSqlFunctions
{
    private static readonly MethodInfo LowerStoredTextMethod =
        typeof(FilterSqlFunctions).GetMethod(nameof(LowerStoredText), BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!;

    /// <summary>
    /// <c>lower(column)</c> typed as a plain string. Use it on a column whose CLR type is not string but is stored as
    /// text through a value converter (the order tags, stored as <c>"|a|b|"</c>), read with
    /// <c>EF.Property&lt;string&gt;</c>. A plain <c>ToLower()</c> would keep the column's converter, and EF would then
    /// push the pattern and escape of a LIKE through that converter (string → list), which fails; this function's
    /// result carries no type mapping, so the LIKE operands get the provider's ordinary string mapping.
    /// </summary>
    internal static string LowerStoredText(string storedText) =>
        throw new InvalidOperationException($"{nameof(LowerStoredText)} only runs inside a database query.");

    internal static readonly MethodInfo MoneyUnitsMethod =
        typeof(FilterSqlFunctions).GetMethod(nameof(MoneyUnits), BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!;

    /// <summary>
    /// Only magnitudes below this are converted by <see cref="MoneyUnits"/>: a double holds every multiple of 0.0001
    /// below it closely enough that rounding value × 10,000 gives the exact integer (it would up to ≈ 9·10¹¹).
    /// </summary>
    internal const double MaxMoneyUnitsMagnitude = 1e11;

    /// <summary>
    /// SQLite only: a money column (decimal(19,4), stored as text) as a whole number of ten-thousandths,
    /// <c>CAST(round(CAST(x AS REAL) * 10000) AS INTEGER)</c>, exact for |x| &lt; <see cref="MaxMoneyUnitsMagnitude"/>
    /// and NULL beyond it. Integer arithmetic and comparison run in SQLite itself, where EF's decimal arithmetic and
    /// comparison call back into .NET functions once per row and operation.
    /// </summary>
    internal static long? MoneyUnits(decimal money) =>
        throw new InvalidOperationException($"{nameof(MoneyUnits)} only runs inside a database query.");

    internal static void Register(ModelBuilder modelBuilder, bool sqlite)
    {
        modelBuilder.HasDbFunction(LowerStoredTextMethod).HasTranslation(arguments => new SqlFunctionExpression(
            "lower", arguments, nullable: true, argumentsPropagateNullability: [true], typeof(string), typeMapping: null));
        if (sqlite) modelBuilder.HasDbFunction(MoneyUnitsMethod).HasTranslation(arguments => SqliteMoneyUnits(arguments[0]));
    }

    private static SqlExpression SqliteMoneyUnits(SqlExpression money)
    {
        var real = new DoubleTypeMapping("REAL");
        var integer = new LongTypeMapping("INTEGER");
        var boolean = new BoolTypeMapping("INTEGER");
        var asReal = new SqlUnaryExpression(ExpressionType.Convert, money, typeof(double), real);
        var scaled = new SqlBinaryExpression(ExpressionType.Multiply, asReal, new SqlConstantExpression(10_000d, typeof(double), real), typeof(double), real);
        var rounded = new SqlFunctionExpression("round", [scaled], nullable: true, argumentsPropagateNullability: [true], typeof(double), real);
        var units = new SqlUnaryExpression(ExpressionType.Convert, rounded, typeof(long), integer);
        var magnitude = new SqlFunctionExpression("abs", [asReal], nullable: true, argumentsPropagateNullability: [true], typeof(double), real);
        var inRange = new SqlBinaryExpression(ExpressionType.LessThan, magnitude,
            new SqlConstantExpression(MaxMoneyUnitsMagnitude, typeof(double), real), typeof(bool), boolean);
        return new CaseExpression([new CaseWhenClause(inRange, units)], elseResult: null);
    }
}
