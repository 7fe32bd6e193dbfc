using System.Globalization;
using System.Text;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Data.Filters;
using CohortDashboard.Data.Model;
using DuckDB.NET.Data;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Columnar;

/// <summary>
/// A §8 order filter as a DuckDB predicate over the store's <c>orders o</c>, with <see cref="FilterExpressions.ForOrders"/>'s
/// meaning (its remarks list the rules): every leaf is two-valued (an empty field makes <c>equals</c> false and
/// <c>not_equals</c> true), text <c>contains</c> and tags fold case with <c>lower()</c>, <c>orders.value</c> compares
/// whole ten-thousandths, <c>orders.customer_type</c> is the account's first qualifying order. Account and cohort
/// leaves are not translated here: <see cref="FilterExpressions.ForAccounts"/> evaluates each in the primary database
/// (one definition of their meaning) and the store tests the order's account against the ids, in a temporary table.
/// Values travel as parameters (a long list as one list parameter), never as SQL text.
/// </summary>
internal sealed class ColumnarFilterSql(IReadOnlyList<int> statuses)
{
    // Every account set travels in one temporary table, numbered by set: a table per set would cost a block per set.
    private readonly List<List<long>> _accountSets = [];
    private readonly string _table = "account_sets_" + Guid.NewGuid().ToString("N")[..12];
    // Longer value lists go as one list parameter each, tested with list_contains: DuckDB runs a longer IN list as a join
    // against a collection of its own (a memory block each), and the largest filter allowed (200 conditions) then did
    // not fit the store's 256 MiB.
    private const int InlineValues = 4;
    private bool _needsFirstOrders;

    public IReadOnlyList<int> Statuses { get; } = statuses;
    public List<DuckDBParameter> Parameters { get; } = [];

    /// <summary>Common table expressions the predicate refers to, each followed by a comma (empty when none).</summary>
    public string Preamble => _needsFirstOrders
        ? $"""
           first_orders AS (
               SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY account_id ORDER BY placed_at, id) AS rn
                               FROM orders WHERE status IN ({string.Join(", ", Statuses)}))
               WHERE rn = 1),
           """
        : "";

    public async Task<string> TranslateAsync(FilterNode node, FilterTranslationContext context, CohortDbContext db, CancellationToken ct) =>
        node switch
        {
            FilterGroup { Kind: FilterGroupKind.Not } not => $"(NOT {await TranslateAsync(not.Children.Single(), context, db, ct)})",
            FilterGroup group => await GroupAsync(group, context, db, ct),
            FilterCondition condition when FilterFields.Find(condition.Field)?.Scope == FilterScope.Order => OrderCondition(condition),
            FilterCondition condition => await AccountConditionAsync(condition, context, db, ct),
            _ => throw new ArgumentException($"Unknown filter node {node.GetType().Name}."),
        };

    private async Task<string> GroupAsync(FilterGroup group, FilterTranslationContext context, CohortDbContext db, CancellationToken ct)
    {
        if (group.Children.Count == 0) return group.Kind == FilterGroupKind.And ? "true" : "false";
        var parts = new List<string>();
        foreach (var child in group.Children) parts.Add(await TranslateAsync(child, context, db, ct));
        return "(" + string.Join(group.Kind == FilterGroupKind.And ? " AND " : " OR ", parts) + ")";
    }

    private async Task<string> AccountConditionAsync(FilterCondition condition, FilterTranslationContext context, CohortDbContext db, CancellationToken ct)
    {
        var matching = FilterExpressions.ForAccounts(condition, context);
        return AccountIn(await db.Accounts.AsNoTracking().Where(matching).Select(a => a.Id).ToListAsync(ct));
    }

    /// <summary>A predicate true for orders of the accounts <paramref name="ids"/> (held in the temporary table).</summary>
    public string AccountIn(List<long> ids)
    {
        var set = _accountSets.Count.ToString(CultureInfo.InvariantCulture);
        _accountSets.Add(ids);
        return $"(o.account_id IN (SELECT id FROM {_table} WHERE set_no = {set}))";
    }

    private string OrderCondition(FilterCondition condition) => condition.Field switch
    {
        FilterFields.OrderCustomerType => Membership(condition, value =>
        {
            _needsFirstOrders = true;
            var first = "(o.id IN (SELECT id FROM first_orders))";
            return value == FilterFields.NewCustomer ? first : $"(NOT {first})";
        }),
        FilterFields.OrderValue => OrderValue(condition),
        FilterFields.OrderTags => Tags(condition),
        _ => Text(condition, TextColumn(condition.Field)),
    };

    private string Text(FilterCondition condition, string column)
    {
        if (condition.Op == FilterOperator.Contains)
            return $"coalesce(contains(lower({column}), {Parameter(condition.Value.AsString().ToLowerInvariant())}), false)";
        var distinct = condition.Value.AsStrings().Distinct(StringComparer.Ordinal).ToList();
        var matches = distinct.Count > InlineValues
            ? $"coalesce(list_contains({Parameter(distinct)}, {column}), false)"
            : $"coalesce({column} IN ({string.Join(", ", distinct.Select(v => Parameter(v)))}), false)";
        return condition.Op is FilterOperator.NotEqual or FilterOperator.NotIn ? $"(NOT {matches})" : matches;
    }

    private static string Membership(FilterCondition condition, Func<string, string> equalTo)
    {
        var matches = "(" + string.Join(" OR ", condition.Value.AsStrings().Distinct(StringComparer.Ordinal).Select(equalTo)) + ")";
        return condition.Op is FilterOperator.NotEqual or FilterOperator.NotIn ? $"(NOT {matches})" : matches;
    }

    /// <summary>gross − discounts in whole ten-thousandths against the operand, rounded as an integer column compares.</summary>
    private string OrderValue(FilterCondition condition)
    {
        const string units = "(o.gross - o.discounts)";
        var scaled = condition.Value.AsNumbers().Select(n => Math.Clamp(n, -MaxOperand, MaxOperand) * FactMoney.Scale).ToList();
        if (condition.Op is FilterOperator.In or FilterOperator.NotIn)
        {
            var whole = scaled.Where(n => n == decimal.Truncate(n)).Distinct().Select(n => (long)n).ToList();
            var any = whole.Count == 0 ? "false"
                : whole.Count > InlineValues ? $"list_contains({Parameter(whole)}, {units})"
                : $"({units} IN ({string.Join(", ", whole.Select(n => Parameter(n)))}))";
            return condition.Op == FilterOperator.NotIn ? $"(NOT {any})" : any;
        }
        var value = scaled[0];
        var isWhole = value == decimal.Truncate(value);
        return condition.Op switch
        {
            FilterOperator.Equal => isWhole ? $"({units} = {Parameter((long)value)})" : "false",
            FilterOperator.NotEqual => isWhole ? $"({units} <> {Parameter((long)value)})" : "true",
            FilterOperator.GreaterThan => $"({units} > {Parameter((long)Math.Floor(value))})",
            FilterOperator.GreaterThanOrEqual => $"({units} >= {Parameter((long)Math.Ceiling(value))})",
            FilterOperator.LessThan => $"({units} < {Parameter((long)Math.Ceiling(value))})",
            FilterOperator.LessThanOrEqual => $"({units} <= {Parameter((long)Math.Floor(value))})",
            _ => throw new ArgumentException($"Operator '{condition.Op.ToWire()}' does not compare numbers."),
        };
    }

    // Beyond any stored order (decimal(19,4)); 10¹⁷ units still fit a long.
    private const decimal MaxOperand = 10_000_000_000_000m;

    private string Tags(FilterCondition condition)
    {
        string Like(string value, bool wholeTag)
        {
            // A tag cannot contain the separator, so such a value matches nothing (and must not match across tags).
            if (value.Contains('|')) return "false";
            var escaped = FilterExpressions.EscapeLike(value.ToLowerInvariant());
            return $"coalesce(lower(o.tags) LIKE {Parameter(wholeTag ? "%|" + escaped + "|%" : "%" + escaped + "%")} ESCAPE '\\', false)";
        }

        var values = condition.Value.AsStrings();
        return condition.Op switch
        {
            FilterOperator.ArrayIncludes => Like(values[0], wholeTag: true),
            FilterOperator.ArrayIncludesAll => "(" + string.Join(" AND ", values.Select(v => Like(v, wholeTag: true))) + ")",
            FilterOperator.ArrayIncludesAny => "(" + string.Join(" OR ", values.Select(v => Like(v, wholeTag: true))) + ")",
            FilterOperator.Contains => Like(values[0], wholeTag: false),
            _ => throw new ArgumentException($"Operator '{condition.Op.ToWire()}' does not apply to {condition.Field}."),
        };
    }

    private static string TextColumn(string field) => field switch
    {
        FilterFields.OrderSourceName => "o.source_name",
        FilterFields.OrderType => "o.order_type",
        FilterFields.OrderPaymentGateway => "o.payment_gateway",
        FilterFields.UtmSource => "o.utm_source",
        FilterFields.UtmMedium => "o.utm_medium",
        FilterFields.UtmCampaign => "o.utm_campaign",
        FilterFields.UtmContent => "o.utm_content",
        FilterFields.UtmTerm => "o.utm_term",
        _ => throw new ArgumentException($"No translation for field '{field}'."),
    };

    private string Parameter(object value)
    {
        var name = "p" + Parameters.Count.ToString(CultureInfo.InvariantCulture);
        Parameters.Add(new DuckDBParameter(name, value));
        return "$" + name;
    }

    /// <summary>The ids of the store's orders that <paramref name="node"/> matches, whatever their status (tests compare them with the primary's).</summary>
    internal static async Task<long[]> MatchingOrderIdsAsync(DuckDBConnection duck, CohortDbContext db, FilterNode node,
        FilterTranslationContext context, CancellationToken ct)
    {
        var filter = new ColumnarFilterSql(context.QualifyingStatuses.Select(s => (int)s).ToList());
        var where = await filter.TranslateAsync(node, context, db, ct);
        await filter.CreateAccountSetsAsync(duck, ct);
        try
        {
            await using var command = duck.CreateCommand();
            command.CommandText = $"WITH {filter.Preamble} m AS (SELECT o.id FROM orders o WHERE {where}) SELECT id FROM m ORDER BY id";
            foreach (var parameter in filter.Parameters) command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var ids = new List<long>();
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
            return [.. ids];
        }
        finally
        {
            filter.DropAccountSets(duck);
        }
    }

    /// <summary>Creates the temporary table of account ids the predicate reads (per connection, dropped after).</summary>
    public Task CreateAccountSetsAsync(DuckDBConnection duck, CancellationToken ct)
    {
        if (_accountSets.Count == 0) return Task.CompletedTask;
        ColumnarStore.Execute(duck, $"CREATE TEMP TABLE {_table} (set_no INTEGER, id BIGINT)");
        using var appender = duck.CreateAppender("temp", "main", _table);
        for (var set = 0; set < _accountSets.Count; set++)
        {
            ct.ThrowIfCancellationRequested();
            foreach (var id in _accountSets[set]) appender.CreateRow().AppendValue(set).AppendValue(id).EndRow();
        }
        appender.Close();
        return Task.CompletedTask;
    }

    public void DropAccountSets(DuckDBConnection duck)
    {
        if (_accountSets.Count > 0) ColumnarStore.Execute(duck, $"DROP TABLE IF EXISTS {_table}");
    }
}
