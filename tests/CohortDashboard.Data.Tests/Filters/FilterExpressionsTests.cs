using CohortDashboard.Analytics.Filters;
using CohortDashboard.Data.Columnar;
using CohortDashboard.Data.Filters;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Tests.Filters;

/// <summary>
/// Translation of filters against the hand-built dataset of <see cref="FilterDatabase"/>, run once per engine by the
/// derived classes, so every semantic (case folding, LIKE escaping, null handling, decimals) is proven on both.
/// </summary>
public abstract class FilterExpressionsTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase> where TDatabase : FilterDatabase
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<long[]> OrderIdsAsync(string filterJson, params OrderStatus[] qualifying)
    {
        Assert.SkipWhen(database.SkipReason is not null, database.SkipReason ?? string.Empty);
        await using var db = database.ForOrg();
        var ctx = await ContextAsync(db, qualifying);
        var node = Parse(filterJson, FilterContext.CohortAnalysis);
        var predicate = FilterExpressions.ForOrders(node, ctx);
        var ids = await db.Orders.Where(predicate).OrderBy(o => o.Id).Select(o => o.Id).ToArrayAsync(Ct);

        // The columnar store's own translation of the same filter must pick exactly the same orders.
        var store = await database.ColumnarAsync();
        await using (var duck = store.TryOpen(FilterDatabase.OrgId, await OrgDataVersion.CurrentAsync(db, Ct)))
        {
            Assert.NotNull(duck);
            Assert.Equal(ids, await ColumnarFilterSql.MatchingOrderIdsAsync(duck, db, node, ctx, Ct));
        }
        return ids;
    }

    private async Task<long[]> AccountIdsAsync(string filterJson)
    {
        Assert.SkipWhen(database.SkipReason is not null, database.SkipReason ?? string.Empty);
        await using var db = database.ForOrg();
        var ctx = await ContextAsync(db);
        var predicate = FilterExpressions.ForAccounts(Parse(filterJson, FilterContext.CohortAnalysis), ctx);
        return await db.Accounts.Where(predicate).OrderBy(a => a.Id).Select(a => a.Id).ToArrayAsync(Ct);
    }

    private static async Task<FilterTranslationContext> ContextAsync(CohortDbContext db, params OrderStatus[] qualifying)
    {
        var org = await db.Organizations.SingleAsync(Ct);
        var context = FilterTranslationContext.Create(db, org, await db.CohortDefinitions.ToListAsync(Ct), ["filters"]);
        return qualifying.Length == 0 ? context : new FilterTranslationContext
        {
            Accounts = context.Accounts, Orders = context.Orders, QualifyingStatuses = qualifying,
            CohortDefinitions = context.CohortDefinitions, TimeZone = context.TimeZone,
            FiscalYearStartMonth = context.FiscalYearStartMonth, BasePath = context.BasePath,
        };
    }

    private static FilterNode Parse(string json, FilterContext context)
    {
        var result = FilterParser.Parse(json, context, ["filters"]);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Message)));
        return result.Node!;
    }

    private static string One(string field, string op, string value) => $$"""{"and":[{"field":"{{field}}","op":"{{op}}","value":{{value}}}]}""";

    [Theory]
    [InlineData("orders.source_name", "equals", "\"web\"", new long[] { 101, 104, 106 })]
    [InlineData("orders.source_name", "not_equals", "\"web\"", new long[] { 102, 103, 105, 107, 108 })] // 105 has no source
    [InlineData("orders.source_name", "in", "[\"web\",\"partner\"]", new long[] { 101, 104, 106, 107 })]
    [InlineData("orders.source_name", "not_in", "[\"web\",\"pos\"]", new long[] { 105, 107 })]
    [InlineData("attribution.utm_source", "equals", "\"google\"", new long[] { 101 })]              // exact, case-sensitive
    [InlineData("attribution.utm_source", "contains", "\"GOO\"", new long[] { 101, 104 })]          // case-insensitive
    [InlineData("attribution.utm_source", "contains", "\"%\"", new long[0])]                        // no wildcards
    [InlineData("orders.value", "greater_than", "90", new long[] { 103, 104, 107 })]                 // 101 is 100 − 10
    [InlineData("orders.value", "greater_than_or_equals", "90", new long[] { 101, 103, 104, 107 })]
    [InlineData("orders.value", "less_than", "30.5", new long[] { 105, 106, 108 })]
    [InlineData("orders.value", "less_than_or_equals", "20", new long[] { 106, 108 })]
    [InlineData("orders.value", "equals", "50", new long[] { 102 })]
    [InlineData("orders.value", "not_equals", "50", new long[] { 101, 103, 104, 105, 106, 107, 108 })]
    [InlineData("orders.value", "in", "[50, 90.00]", new long[] { 101, 102 })]
    [InlineData("orders.value", "not_in", "[50, 90]", new long[] { 103, 104, 105, 106, 107, 108 })]
    public async Task ForOrders_OrderFieldOperators_MatchExpectedOrders(string field, string op, string value, long[] expected) =>
        Assert.Equal(expected, await OrderIdsAsync(One(field, op, value)));

    [Theory]
    [InlineData("array_includes", "\"vip\"", new long[] { 101, 107 })]            // org 2's vip order 109 stays out
    [InlineData("array_includes", "\"PROMO\"", new long[] { 101, 102 })]          // whole tags, case-insensitive
    [InlineData("array_includes", "\"vi\"", new long[0])]                         // not a whole tag
    [InlineData("array_includes", "\"50%_off\"", new long[] { 104 })]             // unescaped, %/_ would also match 500off
    [InlineData("array_includes", "\"vip|promo\"", new long[0])]                  // the separator never matches
    [InlineData("array_includes_all", "[\"vip\",\"promo\"]", new long[] { 101 })]
    [InlineData("array_includes_any", "[\"wholesale\",\"promo\"]", new long[] { 101, 102, 107 })]
    [InlineData("contains", "\"sale\"", new long[] { 107 })]
    [InlineData("contains", "\"%_\"", new long[] { 104 })]
    [InlineData("contains", "\"p|p\"", new long[0])]
    public async Task ForOrders_Tags_MatchStoredListWithEscaping(string op, string value, long[] expected) =>
        Assert.Equal(expected, await OrderIdsAsync(One("orders.tags", op, value)));

    [Fact]
    public async Task ForOrders_CustomerTypeOnlyPaidQualifies_FirstPaidOrderPerAccountIsNew()
    {
        Assert.Equal(new long[] { 101, 104, 107, 108 }, await OrderIdsAsync(One("orders.customer_type", "equals", "\"new_customer\"")));
        Assert.Equal(new long[] { 102, 103, 105, 106 }, await OrderIdsAsync(One("orders.customer_type", "equals", "\"returning_customer\"")));
        Assert.Equal(new long[] { 102, 103, 105, 106 }, await OrderIdsAsync(One("orders.customer_type", "not_in", "[\"new_customer\"]")));
    }

    [Fact]
    public async Task ForOrders_CustomerTypePendingQualifies_PendingOrderBecomesFirst() =>
        Assert.Equal(new long[] { 101, 104, 106, 107 },
            await OrderIdsAsync(One("orders.customer_type", "equals", "\"new_customer\""), OrderStatus.Paid, OrderStatus.Pending));

    [Fact]
    public async Task ForOrders_AccountFieldAndOrderField_CombineThroughTheAccount() =>
        Assert.Equal(new long[] { 106, 108 }, await OrderIdsAsync("""
            {"and":[{"field":"account.segment","op":"equals","value":"SMB"},{"field":"orders.value","op":"less_than","value":100}]}
            """));

    [Fact]
    public async Task ForOrders_NotAndOrNesting_UnionOfComplementAndConjunction() =>
        Assert.Equal(new long[] { 101, 102, 103, 105, 107, 108 }, await OrderIdsAsync("""
            {"or":[
              {"not":{"field":"orders.source_name","op":"equals","value":"web"}},
              {"and":[{"field":"orders.tags","op":"array_includes","value":"vip"},{"field":"account.status","op":"equals","value":"active"}]}
            ]}
            """));

    [Fact]
    public async Task ForOrders_NotOfNotIn_IsTheInSet() =>
        Assert.Equal(new long[] { 101, 102, 103, 104, 106, 108 }, await OrderIdsAsync("""
            {"not":{"field":"orders.source_name","op":"not_in","value":["web","pos"]}}
            """));

    [Fact]
    public async Task ForOrders_VintageCohortAndReturning_OrdersOfItsAccounts() =>
        Assert.Equal(new long[] { 102, 103, 105 }, await OrderIdsAsync("""
            {"and":[{"field":"cohort.id","op":"equals","value":10},{"field":"orders.customer_type","op":"equals","value":"returning_customer"}]}
            """));

    [Theory]
    [InlineData("account.segment", "equals", "\"Mid-Market\"", new long[] { 2 })]
    [InlineData("account.segment", "in", "[\"SMB\"]", new long[] { 3, 4 })]
    [InlineData("account.segment", "not_equals", "\"Enterprise\"", new long[] { 2, 3, 4 })]
    [InlineData("account.status", "equals", "\"churned\"", new long[] { 2 })]
    [InlineData("account.status", "not_in", "[\"churned\",\"prospect\"]", new long[] { 1, 4 })]
    [InlineData("account.territory", "contains", "\"pA\"", new long[] { 4 })]
    [InlineData("account.user_type", "equals", "\"consumer\"", new long[] { 2 })]
    [InlineData("account.owner_id", "in", "[\"rep-1\"]", new long[] { 1, 3 })]
    [InlineData("account.arr", "less_than", "5000", new long[] { 4 })]
    [InlineData("account.arr", "greater_than_or_equals", "5000", new long[] { 1, 2, 3 })]
    [InlineData("account.health_score", "greater_than", "50.5", new long[] { 1, 3 })]
    [InlineData("account.health_score", "greater_than_or_equals", "50.5", new long[] { 1, 3 })]
    [InlineData("account.health_score", "less_than", "50.5", new long[] { 2, 4 })]
    [InlineData("account.health_score", "less_than_or_equals", "50", new long[] { 2, 4 })]
    [InlineData("account.health_score", "equals", "50.5", new long[0])]
    [InlineData("account.health_score", "not_equals", "50.5", new long[] { 1, 2, 3, 4 })]
    [InlineData("account.health_score", "in", "[20, 51]", new long[] { 3, 4 })]
    [InlineData("account.created_at", "equals", "\"2025-04-30\"", new long[] { 2 })]          // local New York day
    [InlineData("account.created_at", "less_than", "\"2025-05-01\"", new long[] { 1, 2, 3 })]
    [InlineData("account.created_at", "greater_than", "\"2025-04-30\"", new long[] { 4 })]
    [InlineData("account.created_at", "less_than_or_equals", "\"2025-04-30\"", new long[] { 1, 2, 3 })]
    [InlineData("account.created_at", "greater_than_or_equals", "\"2025-04-30\"", new long[] { 2, 4 })]
    [InlineData("account.created_at", "not_equals", "\"2025-04-30\"", new long[] { 1, 3, 4 })]
    [InlineData("account.created_at", "greater_than", "\"2025-05-01T04:00:00Z\"", new long[] { 4 })]
    [InlineData("account.created_at", "equals", "\"2025-04-30T23:30:00-04:00\"", new long[] { 2 })]
    [InlineData("account.created_at", "in", "[\"2025-02-10\",\"2025-01-15\"]", new long[] { 1, 3 })]
    public async Task ForAccounts_AccountFieldOperators_MatchExpectedAccounts(string field, string op, string value, long[] expected) =>
        Assert.Equal(expected, await AccountIdsAsync(One(field, op, value)));

    [Theory]
    [InlineData("equals", "10", new long[] { 1, 2 })]       // FY2025-Q1 with a February start: Feb–Apr 2025, local days
    [InlineData("equals", "11", new long[] { 3 })]          // FY2024-Q4: Nov 2024–Jan 2025
    [InlineData("not_in", "[10]", new long[] { 3, 4 })]
    [InlineData("equals", "12", new long[] { 3, 4 })]       // segment
    [InlineData("equals", "13", new long[] { 2, 3 })]       // territory
    [InlineData("equals", "14", new long[] { 1, 3 })]       // rep
    [InlineData("in", "[11, 12]", new long[] { 3, 4 })]
    [InlineData("equals", "15", new long[] { 1 })]          // custom: arr ≥ 5000 and not in cohort 13
    [InlineData("not_equals", "15", new long[] { 2, 3, 4 })]
    public async Task ForAccounts_CohortMembership_MatchesDefinition(string op, string value, long[] expected) =>
        Assert.Equal(expected, await AccountIdsAsync(One("cohort.id", op, value)));

    [Fact]
    public async Task ForOrders_CustomCohort_AppliesItsCriteriaToTheOrdersAccount() =>
        Assert.Equal(new long[] { 101, 102, 103 }, await OrderIdsAsync(One("cohort.id", "equals", "15")));

    [Theory]
    [InlineData("999", "There is no cohort definition with id 999.")]
    [InlineData("16", "refers to itself")]
    [InlineData("17", "refers to itself")]
    [InlineData("19", "has invalid filter criteria")]
    public async Task ForAccounts_UnusableCohort_ThrowsTranslationErrorAtTheValue(string id, string message)
    {
        var error = await Assert.ThrowsAsync<FilterTranslationException>(() => AccountIdsAsync(
            $$"""{"and":[{"field":"account.arr","op":"greater_than","value":0},{"field":"cohort.id","op":"in","value":[12, {{id}}]}]}"""));

        var single = Assert.Single(error.Errors);
        Assert.Equal(["filters", "and", "1", "value", "1"], single.Path);
        Assert.Equal("value", single.Key);
        Assert.Contains(message, single.Message);
    }

    /// <summary>
    /// The largest filter the parser allows: <see cref="FilterLimits.MaxConditions"/> conditions in one <c>or</c>, four
    /// of them <c>in</c> lists of <see cref="FilterLimits.MaxValuesPerCondition"/> values (text, number, number, date) and
    /// the rest small lists, <see cref="FilterLimits.MaxValues"/> values in all. Only the last condition can match.
    /// </summary>
    internal static string LargestAllowedFilter(string lastCondition)
    {
        static string Numbers(int count, int from) => string.Join(",", Enumerable.Range(from, count));
        static string Texts(int count, string prefix) => string.Join(",", Enumerable.Range(0, count).Select(i => $"\"{prefix}-{i}\""));
        var max = FilterLimits.MaxValuesPerCondition;
        var conditions = new List<string>
        {
            $$"""{"field":"orders.source_name","op":"in","value":[{{Texts(max, "nope")}}]}""",
            $$"""{"field":"orders.value","op":"in","value":[{{Numbers(max, 100_000)}}]}""",
            $$"""{"field":"account.arr","op":"not_in","value":[{{Numbers(max - 4, 1_000_000)}},0,5000,40000,120000]}""",
            $$"""{"field":"account.created_at","op":"in","value":[{{string.Join(",", Enumerable.Range(0, max).Select(i => $"\"{new DateOnly(1990, 1, 1).AddDays(i):yyyy-MM-dd}\""))}}]}""",
        };
        var small = FilterLimits.MaxConditions - conditions.Count - 1;
        var perSmall = (FilterLimits.MaxValues - 4 * max - 3) / small;
        for (var i = 0; i < small; i++)
            conditions.Add(i % 2 == 0
                ? $$"""{"field":"attribution.utm_campaign","op":"in","value":[{{Texts(perSmall, "c" + i)}}]}"""
                : $$"""{"field":"orders.value","op":"in","value":[{{Numbers(perSmall, 200_000 + i * perSmall)}}]}""");
        conditions.Add(lastCondition);
        return $$"""{"or":[{{string.Join(",", conditions)}}]}""";
    }

    [Fact]
    public async Task ForOrders_LargestAllowedFilter_TranslatesAndRunsWithTheExpectedRows()
    {
        var filter = LargestAllowedFilter("""{"field":"orders.source_name","op":"in","value":["web","pos","x"]}""");
        using var document = System.Text.Json.JsonDocument.Parse(filter);
        Assert.Empty(FilterLimits.Check(document.RootElement, ["filters"]));
        Assert.Equal(FilterLimits.MaxConditions, document.RootElement.GetProperty("or").GetArrayLength());

        // Only the last condition matches anything: web and pos orders of org 1.
        Assert.Equal(new long[] { 101, 102, 103, 104, 106, 108 }, await OrderIdsAsync(filter));
    }

    [Fact]
    public async Task ForAccounts_LargestAllowedFilter_TranslatesAndRunsWithTheExpectedRows()
    {
        var filter = LargestAllowedFilter("""{"field":"account.territory","op":"in","value":["NA","x","y"]}""")
            .Replace("orders.source_name", "account.owner_id").Replace("orders.value", "account.health_score")
            .Replace("attribution.utm_campaign", "account.user_type");

        Assert.Equal(new long[] { 2, 3 }, await AccountIdsAsync(filter));
    }

    [Fact]
    public async Task ForAccounts_TextInList_IsOneArrayParameter()
    {
        Assert.SkipWhen(database.SkipReason is not null, database.SkipReason ?? string.Empty);
        await using var db = database.ForOrg();
        var ctx = await ContextAsync(db);
        var values = string.Join(",", Enumerable.Range(0, 500).Select(i => $"\"t{i}\"").Append("\"NA\""));
        var predicate = FilterExpressions.ForAccounts(Parse(One("account.territory", "in", $"[{values}]"), FilterContext.CohortAnalysis), ctx);

        using var command = db.Accounts.Where(predicate).CreateDbCommand();

        // SQLite: a JSON text read by json_each; PostgreSQL: a text[] compared with = ANY.
        Assert.Single(command.Parameters.Cast<System.Data.Common.DbParameter>(),
            p => p.Value is string json && json.Contains("\"t499\"") || p.Value is string[] { Length: 501 });
        Assert.Equal(new long[] { 2, 3 }, await db.Accounts.Where(predicate).OrderBy(a => a.Id).Select(a => a.Id).ToArrayAsync(Ct));
    }

    [Fact]
    public async Task ForAccounts_OrderField_ThrowsArgumentException()
    {
        Assert.SkipWhen(database.SkipReason is not null, database.SkipReason ?? string.Empty);
        await using var db = database.ForOrg();
        var ctx = await ContextAsync(db);

        var error = Assert.Throws<ArgumentException>(() => FilterExpressions.ForAccounts(
            Parse(One("orders.value", "greater_than", "1"), FilterContext.CohortAnalysis), ctx));

        Assert.Contains("orders.value", error.Message);
    }
}

public sealed class SqliteFilterExpressionsTests(SqliteFilterDatabase database)
    : FilterExpressionsTests<SqliteFilterDatabase>(database);

public sealed class PostgreSqlFilterExpressionsTests(PostgreSqlFilterDatabase database)
    : FilterExpressionsTests<PostgreSqlFilterDatabase>(database);
