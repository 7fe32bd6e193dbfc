using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;

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

    internal static void Register(ModelBuilder modelBuilder) =>
        modelBuilder.HasDbFunction(LowerStoredTextMethod).HasTranslation(arguments => new SqlFunctionExpression(
            "lower", arguments, nullable: true, argumentsPropagateNullability: [true], typeof(string), typeMapping: null));
}
