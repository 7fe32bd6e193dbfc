using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Filters;

/// <summary>
/// Translates a validated <see cref="FilterNode"/> into an EF Core predicate that runs inside the database, on SQLite
/// and PostgreSQL alike. Semantics:
/// <list type="bullet">
/// <item>Comparisons follow C# rules for missing values: <c>not_equals</c>, <c>not_in</c> and <c>not</c> groups match
/// rows whose field is empty, so a <c>not</c> group is the exact complement of its child.</item>
/// <item>Text <c>equals</c>/<c>in</c> are exact (case-sensitive); text <c>contains</c> is a case-insensitive substring
/// (<c>lower()</c> on both engines: ASCII-only folding on SQLite, full Unicode on PostgreSQL).</item>
/// <item><c>orders.tags</c> match whole tags case-insensitively (same folding caveat); <c>contains</c> matches a
/// substring of any one tag. A value holding <c>|</c> (the stored separator) never matches; LIKE wildcards in values
/// are escaped.</item>
/// <item><c>orders.value</c> is gross_revenue − discounts; on SQLite it is compared in whole ten-thousandths (exact,
/// and without EF's per-row decimal callbacks), see <see cref="FilterTranslationContext.CompareMoneyInUnits"/>.</item>
/// <item>A calendar date operand of <c>account.created_at</c> is a whole local day in the org's timezone
/// (<c>equals</c>: during it, <c>greater_than</c>: after it, <c>less_than_or_equals</c>: up to its end); an instant
/// operand is compared exactly.</item>
/// <item><c>orders.customer_type</c> is <c>new_customer</c> for an account's first qualifying order (earliest
/// placed_at among orders of a qualifying status, ties to the lowest id), <c>returning_customer</c> for every other order.</item>
/// <item><c>cohort.id</c> is membership of the cohort definition: vintage = created_at in the fiscal quarter of its
/// grouping value; segment/territory/rep = equality with the grouping value; custom = its stored criteria.</item>
/// </list>
/// The expression stays shallow whatever the filter's shape, because EF Core's visitors recurse on it and a stack
/// overflow ends the process: groups of many children combine as balanced trees (depth log₂ n, not n), text
/// <c>in</c>/<c>not_in</c> lists are one array parameter (<c>json_each</c> on SQLite, <c>= ANY</c> on PostgreSQL), repeated
/// values are dropped, and the conditions that custom cohorts bring in are capped at <see cref="MaxExpandedConditions"/> and
/// <see cref="MaxCohortNesting"/> levels.
/// </summary>
public static class FilterExpressions
{
    /// <summary>Conditions one translation may hold once custom cohorts' criteria are expanded in place of their ids.</summary>
    public const int MaxExpandedConditions = 2_000;

    /// <summary>How deep custom cohorts may name custom cohorts (each level nests an expression in the query).</summary>
    public const int MaxCohortNesting = 8;

    /// <summary>A predicate over accounts. The filter may use <c>account.*</c> and <c>cohort.id</c> only.</summary>
    /// <exception cref="ArgumentException">The filter uses an order field, or is malformed (not from the parser).</exception>
    /// <exception cref="FilterTranslationException">A cohort it names is missing or invalid.</exception>
    public static Expression<Func<Account, bool>> ForAccounts(FilterNode node, FilterTranslationContext ctx)
    {
        var orderField = node.Fields().FirstOrDefault(f => FilterFields.Find(f)?.Scope == FilterScope.Order);
        if (orderField is not null)
            throw new ArgumentException($"'{orderField}' is an order field; an account filter can use only account.* and cohort.id.", nameof(node));
        var account = Expression.Parameter(typeof(Account), "account");
        var translator = new Translator(ctx, account);
        var body = translator.Node(node, [.. ctx.BasePath]);
        translator.ThrowIfErrors();
        return Expression.Lambda<Func<Account, bool>>(body, account);
    }

    /// <summary>
    /// A predicate over orders. Account and cohort leaves test the order's account (a correlated subquery over
    /// <see cref="FilterTranslationContext.Accounts"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The filter is malformed (not from the parser).</exception>
    /// <exception cref="FilterTranslationException">A cohort it names is missing or invalid.</exception>
    public static Expression<Func<Order, bool>> ForOrders(FilterNode node, FilterTranslationContext ctx)
    {
        var order = Expression.Parameter(typeof(Order), "order");
        var translator = new Translator(ctx, order);
        var body = translator.Node(node, [.. ctx.BasePath]);
        translator.ThrowIfErrors();
        return Expression.Lambda<Func<Order, bool>>(body, order);
    }

    private sealed class Translator(FilterTranslationContext ctx, ParameterExpression root, Translator? outer = null)
    {
        private readonly List<FilterError> _errors = [];
        // The outermost translator counts the conditions of every nested custom cohort's translator too.
        private readonly Translator? _outermost = outer is null ? null : outer._outermost ?? outer;
        private int _conditions;
        // Custom cohorts being expanded, innermost last, to refuse criteria that refer back to themselves.
        private readonly List<long> _expanding = [];

        public void ThrowIfErrors()
        {
            if (_errors.Count > 0) throw new FilterTranslationException(_errors);
        }

        public Expression Node(FilterNode node, List<string> path) => node switch
        {
            FilterGroup group => Group(group, path),
            FilterCondition condition => Condition(condition, path),
            _ => throw new ArgumentException($"Unknown filter node {node.GetType().Name}."),
        };

        private Expression Group(FilterGroup group, List<string> path)
        {
            var key = group.Kind switch { FilterGroupKind.And => "and", FilterGroupKind.Or => "or", _ => "not" };
            if (group.Kind == FilterGroupKind.Not)
            {
                if (group.Children.Count != 1) throw new ArgumentException("A 'not' group has exactly one child.");
                return Expression.Not(Node(group.Children[0], [.. path, key]));
            }
            var children = group.Children.Select((child, i) => Node(child, [.. path, key, Index(i)])).ToList();
            return group.Kind == FilterGroupKind.And ? AllOf(children) : AnyOf(children);
        }

        private Expression Condition(FilterCondition condition, List<string> path)
        {
            var top = _outermost ?? this;
            if (++top._conditions > MaxExpandedConditions)
            {
                // Reported once, at the first condition over the cap; the rest are not looked at.
                return top._conditions == MaxExpandedConditions + 1
                    ? Invalid(path, string.Create(CultureInfo.InvariantCulture,
                        $"With the criteria of the custom cohorts it names, the filter has more than {MaxExpandedConditions:N0} conditions; at most {MaxExpandedConditions:N0} are allowed."))
                    : Expression.Constant(false);
            }
            var field = FilterFields.Find(condition.Field) ?? throw new ArgumentException($"Unknown filter field '{condition.Field}'.");
            if (!field.Allows(condition.Op))
                throw new ArgumentException($"Operator '{condition.Op.ToWire()}' does not apply to {field.Id}.");
            if (condition.Value.IsArray != condition.Op.TakesArray())
                throw new ArgumentException($"Operator '{condition.Op.ToWire()}' on {field.Id} has a value of the wrong shape.");

            if (field.Scope == FilterScope.Order)
            {
                if (root.Type != typeof(Order))
                    throw new ArgumentException($"'{field.Id}' is an order field; an account filter can use only account.* and cohort.id.");
                return OrderCondition(condition, root);
            }
            if (root.Type == typeof(Account)) return AccountCondition(condition, root, path);

            // Orders have no navigation to their account: the order's account is one of the accounts that match, a
            // sub-query that does not depend on the order, so the database evaluates it once per query (per account),
            // not once per order.
            var account = Expression.Parameter(typeof(Account), "account");
            var matching = Expression.Call(QueryableWhere<Account>(), ctx.Accounts.Expression,
                Expression.Quote(Expression.Lambda<Func<Account, bool>>(AccountCondition(condition, account, path), account)));
            var ids = Expression.Call(QueryableSelect<Account, long>(), matching,
                Expression.Quote(Expression.Lambda<Func<Account, long>>(Expression.Property(account, nameof(Account.Id)), account)));
            return Expression.Call(QueryableContains<long>(), ids, Expression.Property(root, nameof(Order.AccountId)));
        }

        private Expression OrderCondition(FilterCondition condition, Expression order)
        {
            switch (condition.Field)
            {
                case FilterFields.OrderCustomerType:
                    return Membership(condition, value => value == FilterFields.NewCustomer ? IsFirstQualifyingOrder(order) : Expression.Not(IsFirstQualifyingOrder(order)));
                case FilterFields.OrderValue:
                    return OrderValue(condition, order);
                case FilterFields.OrderTags:
                    return Tags(condition, order);
                default:
                    return Text(condition, Expression.Property(order, OrderTextProperty(condition.Field)));
            }
        }

        /// <summary>
        /// gross_revenue − discounts against the operand. With <see cref="FilterTranslationContext.CompareMoneyInUnits"/>
        /// both sides are whole ten-thousandths (the columns' precision), so the comparison is integer arithmetic in SQL,
        /// still exact: the operand is rounded the way <see cref="IntegerCompare"/> rounds for whole-number columns
        /// (value &gt; 50.00005 ⇔ units &gt; 500,000). Rows too large for the conversion keep the decimal comparison.
        /// </summary>
        private Expression OrderValue(FilterCondition condition, Expression order)
        {
            var gross = Expression.Property(order, nameof(Order.GrossRevenue));
            var discounts = Expression.Property(order, nameof(Order.Discounts));
            var value = Expression.Subtract(gross, discounts);
            var numbers = condition.Value.AsNumbers();
            var exact = Ordered(condition, numbers, (number, op) => Compare(value, op, Parameter(number)), value);
            if (!ctx.CompareMoneyInUnits) return exact;

            var units = Expression.Subtract(
                Expression.Call(FilterSqlFunctions.MoneyUnitsMethod, gross), Expression.Call(FilterSqlFunctions.MoneyUnitsMethod, discounts));
            // 10¹³ is beyond any row the conversion accepts (|units| < 2·10¹⁵): clamping changes no answer, and 10¹⁷ units fit a long.
            static decimal Scaled(decimal number) => Math.Clamp(number, -MaxMoneyOperand, MaxMoneyOperand) * FactMoney.Scale;
            var inUnits = condition.Op is FilterOperator.In or FilterOperator.NotIn
                // Only operands that are whole ten-thousandths can equal a row; the others drop out of the list.
                ? Ordered(condition, numbers.Select(Scaled).Where(n => n == decimal.Truncate(n)).Select(n => (long?)(long)n).ToList(),
                    (number, op) => Expression.Equal(units, Parameter(number)), units)
                : IntegerCompare(units, condition.Op, Scaled(condition.Value.AsNumber()), long.MinValue, long.MaxValue, n => Parameter((long?)(long)n));
            return Expression.Condition(Expression.NotEqual(units, Expression.Constant(null, typeof(long?))), inUnits, exact);
        }

        private const decimal MaxMoneyOperand = 10_000_000_000_000m;

        private Expression AccountCondition(FilterCondition condition, ParameterExpression account, List<string> path)
        {
            switch (condition.Field)
            {
                case FilterFields.AccountSegment:
                    return Membership(condition, value => Expression.Equal(Expression.Property(account, nameof(Account.Segment)), Parameter(ParseSegment(value))));
                case FilterFields.AccountStatus:
                    return Membership(condition, value => Expression.Equal(
                        Expression.Property(account, nameof(Account.Status)), Parameter(EnumNames.FromSnake<AccountStatus>(value))));
                case FilterFields.AccountTerritory:
                    return Text(condition, Expression.Property(account, nameof(Account.Territory)));
                case FilterFields.AccountOwnerId:
                    return Text(condition, Expression.Property(account, nameof(Account.OwnerId)));
                case FilterFields.AccountUserType:
                    return Text(condition, Expression.Property(account, nameof(Account.UserType)));
                case FilterFields.AccountArr:
                    return Ordered(condition, condition.Value.AsNumbers(),
                        (number, op) => Compare(Expression.Property(account, nameof(Account.Arr)), op, Parameter(number)), Expression.Property(account, nameof(Account.Arr)));
                case FilterFields.AccountHealthScore:
                    // A whole-number column equals only whole values in its range; the others drop out of an in list.
                    return condition.Op is FilterOperator.In or FilterOperator.NotIn
                        ? Ordered(condition, condition.Value.AsNumbers().Where(n => n == decimal.Truncate(n) && n is >= int.MinValue and <= int.MaxValue).Select(n => (int)n).ToList(),
                            (number, op) => Expression.Equal(Expression.Property(account, nameof(Account.HealthScore)), Parameter(number)), Expression.Property(account, nameof(Account.HealthScore)))
                        : IntegerCompare(Expression.Property(account, nameof(Account.HealthScore)), condition.Op, condition.Value.AsNumber(),
                            int.MinValue, int.MaxValue, n => Parameter((int)n));
                case FilterFields.AccountCreatedAt:
                    return Ordered(condition, condition.Value.AsStrings(), (value, op) => DateCompare(Expression.Property(account, nameof(Account.CreatedAt)), op, value));
                case FilterFields.CohortId:
                    var ids = condition.Value.AsNumbers().Distinct().ToList();
                    var memberships = ids.Select((id, i) =>
                        CohortMembership((long)id, account, condition.Value.IsArray ? [.. path, "value", Index(i)] : [.. path, "value"])).ToList();
                    var anyOf = AnyOf(memberships);
                    return condition.Op is FilterOperator.NotEqual or FilterOperator.NotIn ? Expression.Not(anyOf) : anyOf;
                default:
                    throw new ArgumentException($"No translation for field '{condition.Field}'.");
            }
        }

        /// <summary>Whether the account is a member of cohort definition <paramref name="id"/>.</summary>
        private Expression CohortMembership(long id, ParameterExpression account, List<string> path)
        {
            if (!ctx.CohortDefinitions.TryGetValue(id, out var cohort))
                return Invalid(path, $"There is no cohort definition with id {id}.");
            var value = cohort.GroupingValue;
            switch (cohort.CohortType)
            {
                case CohortType.Vintage:
                    if (!FiscalQuarter.TryParse(value, out var quarter))
                        return Invalid(path, $"Cohort {id} ('{cohort.Name}') has the vintage '{value}', which is not a fiscal quarter like 2025-Q3.");
                    var createdAt = Expression.Property(account, nameof(Account.CreatedAt));
                    var start = LocalCalendar.LocalMidnightToUtc(quarter.StartDate(ctx.FiscalYearStartMonth), ctx.TimeZone);
                    var end = LocalCalendar.LocalMidnightToUtc(quarter.EndDate(ctx.FiscalYearStartMonth), ctx.TimeZone);
                    return Expression.AndAlso(
                        Expression.GreaterThanOrEqual(createdAt, Parameter(start)), Expression.LessThan(createdAt, Parameter(end)));
                case CohortType.Segment:
                    if (!EnumNames.TryParseSegment(value, out var segment))
                        return Invalid(path, $"Cohort {id} ('{cohort.Name}') has the segment '{value}', which is not a segment.");
                    return Expression.Equal(Expression.Property(account, nameof(Account.Segment)), Parameter(segment));
                case CohortType.Territory:
                    return Expression.Equal(Expression.Property(account, nameof(Account.Territory)), Parameter(value));
                case CohortType.Rep:
                    return Expression.Equal(Expression.Property(account, nameof(Account.OwnerId)), Parameter(value));
                case CohortType.Custom:
                    return CustomCohort(cohort, account, path);
                default:
                    return Invalid(path, $"Cohort {id} ('{cohort.Name}') has an unsupported type.");
            }
        }

        private Expression CustomCohort(CohortDefinition cohort, ParameterExpression account, List<string> path)
        {
            if (_expanding.Contains(cohort.Id))
                return Invalid(path, $"Cohort {cohort.Id} ('{cohort.Name}') refers to itself through its criteria.");
            if (_expanding.Count >= MaxCohortNesting)
                return Invalid(path, $"Cohort {cohort.Id} ('{cohort.Name}') is reached through more than {MaxCohortNesting} custom cohorts naming each other; " +
                    $"at most {MaxCohortNesting} levels are allowed.");
            if (string.IsNullOrWhiteSpace(cohort.FilterCriteria))
                return Invalid(path, $"Cohort {cohort.Id} ('{cohort.Name}') is custom but has no filter criteria.");
            var parsed = FilterParser.Parse(cohort.FilterCriteria, FilterContext.CustomCohort, []);
            if (!parsed.IsValid)
                return Invalid(path, $"Cohort {cohort.Id} ('{cohort.Name}') has invalid filter criteria: {parsed.Errors[0].Message}");

            // The criteria are an account filter in their own right; translate them against the same account, and
            // report their problems at the leaf that brought them in (the caller cannot see the stored JSON's paths).
            _expanding.Add(cohort.Id);
            var inner = new Translator(ctx, account, this);
            inner._expanding.AddRange(_expanding);
            var body = inner.Node(parsed.Node!, []);
            _expanding.RemoveAt(_expanding.Count - 1);
            foreach (var error in inner._errors)
                _errors.Add(FilterError.At(path, $"In the criteria of cohort {cohort.Id} ('{cohort.Name}'): {error.Message}"));
            return body;
        }

        /// <summary>True when the order is its account's first qualifying order (earliest placed_at, ties to lowest id).</summary>
        private Expression IsFirstQualifyingOrder(Expression order)
        {
            var earlier = Expression.Parameter(typeof(Order), "earlier");
            var placedAt = Expression.Property(order, nameof(Order.PlacedAt));
            var earlierPlacedAt = Expression.Property(earlier, nameof(Order.PlacedAt));
            var precedes = Expression.OrElse(
                Expression.LessThan(earlierPlacedAt, placedAt),
                Expression.AndAlso(
                    Expression.Equal(earlierPlacedAt, placedAt),
                    Expression.LessThan(Expression.Property(earlier, nameof(Order.Id)), Expression.Property(order, nameof(Order.Id)))));
            var qualifyingPredecessor = Expression.Lambda<Func<Order, bool>>(
                AllOf([
                    Expression.Equal(Expression.Property(earlier, nameof(Order.AccountId)), Expression.Property(order, nameof(Order.AccountId))),
                    Qualifies(earlier),
                    precedes,
                ]),
                earlier);
            return Expression.AndAlso(
                Qualifies(order),
                Expression.Not(Expression.Call(QueryableAny<Order>(), ctx.Orders.Expression, Expression.Quote(qualifyingPredecessor))));
        }

        private Expression Qualifies(Expression order) =>
            AnyOf(ctx.QualifyingStatuses.Select(status =>
                (Expression)Expression.Equal(Expression.Property(order, nameof(Order.Status)), Parameter(status))).ToList());

        private Expression Text(FilterCondition condition, Expression column)
        {
            if (condition.Op is FilterOperator.In or FilterOperator.NotIn && condition.Value.AsStrings().Distinct(StringComparer.Ordinal).ToArray() is { Length: > 1 } list)
            {
                // One array parameter however long the list: a flat SQL IN over a table-valued parameter.
                var values = Expression.Call(EfParameterMethod.MakeGenericMethod(typeof(string[])), Parameter(list));
                var any = Expression.Call(EnumerableContainsMethod.MakeGenericMethod(typeof(string)), values, column);
                return condition.Op == FilterOperator.NotIn ? Expression.Not(any) : any;
            }
            if (condition.Op != FilterOperator.Contains)
                return Membership(condition, value => Expression.Equal(column, Parameter(value)));
            // Case-insensitive substring: lower() on both sides; EF turns string.Contains into instr/strpos, so the
            // value needs no LIKE escaping.
            var lowered = Expression.Call(column, ToLowerMethod);
            return Expression.AndAlso(
                Expression.NotEqual(column, Expression.Constant(null, typeof(string))),
                Expression.Call(lowered, StringContainsMethod, Parameter(condition.Value.AsString().ToLowerInvariant())));
        }

        private static Expression Tags(FilterCondition condition, Expression order)
        {
            // Stored as "|a|b|" (see CohortDbContext): a whole tag is the LIKE pattern %|tag|%, any part of a tag %part%.
            var stored = Expression.Call(
                EfPropertyMethod.MakeGenericMethod(typeof(string)), order, Expression.Constant(nameof(Order.Tags)));
            var lowered = Expression.Call(LowerStoredTextMethod, stored);
            Expression Like(string value, bool wholeTag)
            {
                // A tag cannot contain the separator, so such a value matches nothing (and must not match across tags).
                if (value.Contains('|')) return Expression.Constant(false);
                var escaped = EscapeLike(value.ToLowerInvariant());
                var pattern = wholeTag ? "%|" + escaped + "|%" : "%" + escaped + "%";
                return Expression.Call(LikeMethod, Expression.Constant(EF.Functions), lowered, Parameter(pattern), Expression.Constant(LikeEscape));
            }

            var values = condition.Value.AsStrings();
            return condition.Op switch
            {
                FilterOperator.ArrayIncludes => Like(values[0], wholeTag: true),
                FilterOperator.ArrayIncludesAll => AllOf(values.Select(v => Like(v, wholeTag: true)).ToList()),
                FilterOperator.ArrayIncludesAny => AnyOf(values.Select(v => Like(v, wholeTag: true)).ToList()),
                FilterOperator.Contains => Like(values[0], wholeTag: false),
                _ => throw new ArgumentException($"Operator '{condition.Op.ToWire()}' does not apply to {condition.Field}."),
            };
        }

        /// <summary>Equality operators: equals/in → one of the values matches; not_equals/not_in → none does.</summary>
        private static Expression Membership(FilterCondition condition, Func<string, Expression> equalTo)
        {
            var matches = AnyOf(condition.Value.AsStrings().Distinct(StringComparer.Ordinal).Select(equalTo).ToList());
            return condition.Op is FilterOperator.NotEqual or FilterOperator.NotIn ? Expression.Not(matches) : matches;
        }

        /// <summary>
        /// Ordered operators: in/not_in → (not) equal to one of the values; any other operator compares the scalar.
        /// With <paramref name="column"/> (the values compare by plain equality with it), a list of several values is one
        /// SQL <c>IN (@p1, …)</c>: the column, which may be an expression costly on SQLite (decimal arithmetic runs in
        /// functions of the provider), is evaluated once per row rather than once per value.
        /// </summary>
        private static Expression Ordered<T>(FilterCondition condition, IReadOnlyList<T> values, Func<T, FilterOperator, Expression> compare,
            Expression? column = null)
        {
            if (condition.Op is not (FilterOperator.In or FilterOperator.NotIn)) return compare(values[0], condition.Op);
            var distinct = values.Distinct().ToArray();
            var equalAny = column is not null && distinct.Length > 1
                // EF Core 10 sends a parameterized list as one parameter per value (its default collection mode).
                ? Expression.Call(EnumerableContainsMethod.MakeGenericMethod(typeof(T)), Parameter(distinct), column)
                : AnyOf(distinct.Select(value => compare(value, FilterOperator.Equal)).ToList());
            return condition.Op == FilterOperator.NotIn ? Expression.Not(equalAny) : equalAny;
        }

        private static Expression Compare(Expression column, FilterOperator op, Expression value) => op switch
        {
            FilterOperator.Equal => Expression.Equal(column, value),
            FilterOperator.NotEqual => Expression.NotEqual(column, value),
            FilterOperator.GreaterThan => Expression.GreaterThan(column, value),
            FilterOperator.LessThan => Expression.LessThan(column, value),
            FilterOperator.GreaterThanOrEqual => Expression.GreaterThanOrEqual(column, value),
            FilterOperator.LessThanOrEqual => Expression.LessThanOrEqual(column, value),
            _ => throw new ArgumentException($"Operator '{op.ToWire()}' does not compare numbers or dates."),
        };

        /// <summary>
        /// A whole-number column (values in [<paramref name="min"/>, <paramref name="max"/>]) against a decimal operand,
        /// rewritten to integer comparisons so the column is compared as stored (e.g. score &gt; 50.5 ⇔ score &gt; 50;
        /// score = 50.5 never holds). <paramref name="parameter"/> makes the query parameter of a whole number in range.
        /// </summary>
        private static Expression IntegerCompare(Expression column, FilterOperator op, decimal value, decimal min, decimal max,
            Func<decimal, Expression> parameter)
        {
            decimal Clamp(decimal number) => Math.Clamp(number, min, max);
            var isWholeInRange = value == decimal.Truncate(value) && value >= min && value <= max;
            return op switch
            {
                FilterOperator.Equal => isWholeInRange ? Expression.Equal(column, parameter(value)) : Expression.Constant(false),
                FilterOperator.NotEqual => isWholeInRange ? Expression.NotEqual(column, parameter(value)) : Expression.Constant(true),
                FilterOperator.GreaterThan => Expression.GreaterThan(column, parameter(Clamp(Math.Floor(value)))),
                FilterOperator.GreaterThanOrEqual => Expression.GreaterThanOrEqual(column, parameter(Clamp(Math.Ceiling(value)))),
                FilterOperator.LessThan => Expression.LessThan(column, parameter(Clamp(Math.Ceiling(value)))),
                FilterOperator.LessThanOrEqual => Expression.LessThanOrEqual(column, parameter(Clamp(Math.Floor(value)))),
                _ => throw new ArgumentException($"Operator '{op.ToWire()}' does not compare numbers."),
            };
        }

        /// <summary>A date column against a <see cref="FilterDate"/>: a calendar date is the local day [start, end).</summary>
        private Expression DateCompare(Expression column, FilterOperator op, string text)
        {
            if (!FilterDate.TryParse(text, out var date)) throw new ArgumentException($"'{text}' is not a filter date.");
            DateTime start, end;
            if (date.Date is { } day)
            {
                start = LocalCalendar.LocalMidnightToUtc(day, ctx.TimeZone);
                end = LocalCalendar.LocalMidnightToUtc(day.AddDays(1), ctx.TimeZone);
            }
            else start = end = date.InstantUtc!.Value;

            var isPoint = start == end;
            Expression During() => isPoint
                ? Expression.Equal(column, Parameter(start))
                : Expression.AndAlso(Expression.GreaterThanOrEqual(column, Parameter(start)), Expression.LessThan(column, Parameter(end)));
            return op switch
            {
                FilterOperator.Equal => During(),
                FilterOperator.NotEqual => Expression.Not(During()),
                FilterOperator.GreaterThan => isPoint ? Expression.GreaterThan(column, Parameter(start)) : Expression.GreaterThanOrEqual(column, Parameter(end)),
                FilterOperator.GreaterThanOrEqual => Expression.GreaterThanOrEqual(column, Parameter(start)),
                FilterOperator.LessThan => Expression.LessThan(column, Parameter(start)),
                FilterOperator.LessThanOrEqual => isPoint ? Expression.LessThanOrEqual(column, Parameter(start)) : Expression.LessThan(column, Parameter(end)),
                _ => throw new ArgumentException($"Operator '{op.ToWire()}' does not compare dates."),
            };
        }

        private Expression Invalid(List<string> path, string message)
        {
            _errors.Add(FilterError.At(path, message));
            return Expression.Constant(false);
        }

        private static Segment ParseSegment(string wire) =>
            EnumNames.TryParseSegment(wire, out var segment) ? segment : throw new ArgumentException($"'{wire}' is not a segment.");

        private static string OrderTextProperty(string field) => field switch
        {
            FilterFields.OrderSourceName => nameof(Order.SourceName),
            FilterFields.OrderType => nameof(Order.OrderType),
            FilterFields.OrderPaymentGateway => nameof(Order.PaymentGateway),
            FilterFields.UtmSource => nameof(Order.UtmSource),
            FilterFields.UtmMedium => nameof(Order.UtmMedium),
            FilterFields.UtmCampaign => nameof(Order.UtmCampaign),
            FilterFields.UtmContent => nameof(Order.UtmContent),
            FilterFields.UtmTerm => nameof(Order.UtmTerm),
            _ => throw new ArgumentException($"No translation for field '{field}'."),
        };

        private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
    }

    private static Expression AllOf(IReadOnlyList<Expression> parts) =>
        parts.Count == 0 ? Expression.Constant(true) : Balanced(parts, 0, parts.Count, Expression.AndAlso);

    private static Expression AnyOf(IReadOnlyList<Expression> parts) =>
        parts.Count == 0 ? Expression.Constant(false) : Balanced(parts, 0, parts.Count, Expression.OrElse);

    /// <summary>
    /// <paramref name="count"/> parts from <paramref name="start"/> combined pairwise as a balanced tree: the same
    /// meaning as a left fold (AND and OR are associative) with depth log₂ n instead of n.
    /// </summary>
    private static Expression Balanced(IReadOnlyList<Expression> parts, int start, int count, Func<Expression, Expression, BinaryExpression> combine)
    {
        if (count == 1) return parts[start];
        var half = count / 2;
        return combine(Balanced(parts, start, half, combine), Balanced(parts, start + half, count - half, combine));
    }

    /// <summary>
    /// A value EF sends as a query parameter (a member read off a constant holder is evaluated client-side), so
    /// filter values never become SQL text and queries differing only in values share a cached plan.
    /// </summary>
    private static Expression Parameter<T>(T value) =>
        Expression.Property(Expression.Constant(new ParameterHolder<T>(value)), nameof(ParameterHolder<T>.Value));

    private sealed class ParameterHolder<T>(T value)
    {
        public T Value { get; } = value;
    }

    private const string LikeEscape = "\\";

    /// <summary>Escapes LIKE wildcards (and the escape character) so the text matches literally.</summary>
    public static string EscapeLike(string text)
    {
        var builder = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (c is '%' or '_' or '\\') builder.Append('\\');
            builder.Append(c);
        }
        return builder.ToString();
    }

    private static MethodInfo QueryableWhere<T>() =>
        typeof(Queryable).GetMethods().Single(m => m.Name == nameof(Queryable.Where) && m.GetParameters()[1].ParameterType.GetGenericArguments()[0].GetGenericArguments().Length == 2)
            .MakeGenericMethod(typeof(T));

    private static MethodInfo QueryableSelect<T, TResult>() =>
        typeof(Queryable).GetMethods().Single(m => m.Name == nameof(Queryable.Select) && m.GetParameters()[1].ParameterType.GetGenericArguments()[0].GetGenericArguments().Length == 2)
            .MakeGenericMethod(typeof(T), typeof(TResult));

    private static MethodInfo QueryableContains<T>() =>
        typeof(Queryable).GetMethods().Single(m => m.Name == nameof(Queryable.Contains) && m.GetParameters().Length == 2).MakeGenericMethod(typeof(T));

    private static MethodInfo QueryableAny<T>() =>
        typeof(Queryable).GetMethods().Single(m => m.Name == nameof(Queryable.Any) && m.GetParameters().Length == 2).MakeGenericMethod(typeof(T));

    private static readonly MethodInfo ToLowerMethod = typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!;
    private static readonly MethodInfo StringContainsMethod = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo EfPropertyMethod = typeof(EF).GetMethod(nameof(EF.Property))!;
    private static readonly MethodInfo EfParameterMethod = typeof(EF).GetMethod(nameof(EF.Parameter))!;
    private static readonly MethodInfo EnumerableContainsMethod =
        typeof(Enumerable).GetMethods().Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2);
    private static readonly MethodInfo LowerStoredTextMethod =
        typeof(FilterSqlFunctions).GetMethod(nameof(FilterSqlFunctions.LowerStoredText), BindingFlags.Static | BindingFlags.NonPublic)!;
    private static readonly MethodInfo LikeMethod = typeof(DbFunctionsExtensions).GetMethod(
        nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;
}
