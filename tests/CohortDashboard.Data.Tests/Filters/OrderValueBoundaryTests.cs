using CohortDashboard.Analytics.Filters;
using CohortDashboard.Data.Filters;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Tests.Filters;

/// <summary>
/// <c>orders.value</c> at the edges of its precision (decimal(19,4)): SQLite compares it in whole ten-thousandths, which
/// must give exactly the answers of decimal arithmetic, here worked out by hand and checked against C# decimals.
/// </summary>
public abstract class OrderValueBoundaryTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase> where TDatabase : FilterDatabase
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // id → (gross, discounts); orders.value is gross − discounts.
    private static readonly (long Id, decimal Gross, decimal Discounts)[] Orders =
    [
        (201, 50.0001m, 0m),                 // 50.0001
        (202, 50m, 0.0001m),                 // 49.9999
        (203, 50m, 0m),                      // 50
        (204, 0m, 12.3456m),                 // −12.3456
        (205, 10.5m, 10.5m),                 // 0
        (206, 99_999_999_999.9999m, 0m),     // the largest value converted to ten-thousandths in SQL
        (207, 200_000_000_000.0001m, 0m),    // beyond it: SQLite keeps the decimal comparison for this row
    ];

    [Theory]
    [InlineData("greater_than", "50", new long[] { 201, 206, 207 })]
    [InlineData("greater_than", "50.00005", new long[] { 201, 206, 207 })]
    [InlineData("greater_than_or_equals", "50.00005", new long[] { 201, 206, 207 })]
    [InlineData("greater_than_or_equals", "50.0001", new long[] { 201, 206, 207 })]
    [InlineData("less_than", "50.00005", new long[] { 202, 203, 204, 205 })]
    [InlineData("less_than", "50", new long[] { 202, 204, 205 })]
    [InlineData("less_than_or_equals", "49.99995", new long[] { 202, 204, 205 })]
    [InlineData("less_than_or_equals", "49.9999", new long[] { 202, 204, 205 })]
    [InlineData("equals", "50.0001", new long[] { 201 })]
    [InlineData("equals", "50.000100000", new long[] { 201 })]
    [InlineData("equals", "50.00005", new long[0])]                                  // not a whole ten-thousandth
    [InlineData("not_equals", "50.00005", new long[] { 201, 202, 203, 204, 205, 206, 207 })]
    [InlineData("not_equals", "50", new long[] { 201, 202, 204, 205, 206, 207 })]
    [InlineData("equals", "-12.3456", new long[] { 204 })]
    [InlineData("less_than", "-12.34555", new long[] { 204 })]                       // −12.3456 < −12.34555
    [InlineData("greater_than", "-12.34565", new long[] { 201, 202, 203, 204, 205, 206, 207 })]
    [InlineData("greater_than", "-12.3456", new long[] { 201, 202, 203, 205, 206, 207 })]
    [InlineData("less_than_or_equals", "-0.00001", new long[] { 204 })]
    [InlineData("equals", "0", new long[] { 205 })]
    [InlineData("in", "[50.0001, -12.3456, 50.00005, 0]", new long[] { 201, 204, 205 })]
    [InlineData("not_in", "[50.0001, 50.00005]", new long[] { 202, 203, 204, 205, 206, 207 })]
    [InlineData("in", "[1e20, 50]", new long[] { 203 })]                             // far beyond any row: clamped, never equal
    [InlineData("equals", "99999999999.9999", new long[] { 206 })]
    [InlineData("greater_than", "99999999999.9998", new long[] { 206, 207 })]
    [InlineData("equals", "200000000000.0001", new long[] { 207 })]
    [InlineData("less_than", "200000000000.0001", new long[] { 201, 202, 203, 204, 205, 206 })]
    [InlineData("greater_than", "1e20", new long[0])]
    [InlineData("less_than", "-1e20", new long[0])]
    [InlineData("greater_than", "-1e20", new long[] { 201, 202, 203, 204, 205, 206, 207 })]
    public async Task ForOrders_OrderValueAtPrecisionEdges_MatchesDecimalArithmetic(string op, string value, long[] expected)
    {
        Assert.SkipWhen(database.SkipReason is not null, database.SkipReason ?? string.Empty);
        var filter = FilterParser.Parse($$"""{"and":[{"field":"orders.value","op":"{{op}}","value":{{value}}}]}""", FilterContext.CohortAnalysis, ["filters"]);
        Assert.True(filter.IsValid);
        Assert.Equal(expected, InMemory((FilterCondition)((FilterGroup)filter.Node!).Children[0]));

        await using var db = database.ForOrg();
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        db.Orders.AddRange(Orders.Select(o => new Order
        {
            Id = o.Id, OrgId = FilterDatabase.OrgId, AccountId = 1, ExternalId = "edge-" + o.Id, PlacedAt = new DateTime(2025, 9, 1, 0, 0, 0, DateTimeKind.Utc),
            Status = OrderStatus.Paid, GrossRevenue = o.Gross, Discounts = o.Discounts, Tags = [],
        }));
        await db.SaveChangesAsync(Ct);
        var org = await db.Organizations.SingleAsync(Ct);
        var predicate = FilterExpressions.ForOrders(filter.Node!, FilterTranslationContext.Create(db, org, [], ["filters"]));

        var actual = await db.Orders.Where(predicate).Where(o => o.Id > 200).OrderBy(o => o.Id).Select(o => o.Id).ToArrayAsync(Ct);

        Assert.Equal(expected, actual);
    }

    /// <summary>The filter's meaning in C# decimals, to check the hand-worked answers.</summary>
    private static long[] InMemory(FilterCondition condition)
    {
        bool Matches(decimal v) => condition.Op switch
        {
            FilterOperator.Equal => v == condition.Value.AsNumber(),
            FilterOperator.NotEqual => v != condition.Value.AsNumber(),
            FilterOperator.GreaterThan => v > condition.Value.AsNumber(),
            FilterOperator.GreaterThanOrEqual => v >= condition.Value.AsNumber(),
            FilterOperator.LessThan => v < condition.Value.AsNumber(),
            FilterOperator.LessThanOrEqual => v <= condition.Value.AsNumber(),
            FilterOperator.In => condition.Value.AsNumbers().Contains(v),
            FilterOperator.NotIn => !condition.Value.AsNumbers().Contains(v),
            _ => throw new ArgumentOutOfRangeException(nameof(condition)),
        };
        return [.. Orders.Where(o => Matches(o.Gross - o.Discounts)).Select(o => o.Id)];
    }
}

public sealed class SqliteOrderValueBoundaryTests(SqliteFilterDatabase database)
    : OrderValueBoundaryTests<SqliteFilterDatabase>(database);

public sealed class PostgreSqlOrderValueBoundaryTests(PostgreSqlFilterDatabase database)
    : OrderValueBoundaryTests<PostgreSqlFilterDatabase>(database);
