namespace CohortDashboard.Analytics.Filters;

/// <summary>What a field describes, which decides where it may be used (see <see cref="FilterContext"/>).</summary>
public enum FilterScope
{
    /// <summary>A property of one order (<c>orders.*</c>, <c>attribution.*</c>).</summary>
    Order,
    /// <summary>A property of the order's account (<c>account.*</c>).</summary>
    Account,
    /// <summary>Membership of a cohort definition (<c>cohort.id</c>); a property of the account.</summary>
    Cohort,
}

/// <summary>The type of a field's values, which decides the operators and value shapes that fit.</summary>
public enum FilterValueType
{
    /// <summary>Free text: equals, not_equals, contains, in, not_in.</summary>
    Text,
    /// <summary>A number: equality, ordering, in, not_in.</summary>
    Number,
    /// <summary>A date or instant (<see cref="FilterDate"/>): equality, ordering, in, not_in.</summary>
    Date,
    /// <summary>One of <see cref="FilterField.AllowedValues"/>: equals, not_equals, in, not_in.</summary>
    Enum,
    /// <summary>A list of text values (tags): array_includes, array_includes_all, array_includes_any, contains.</summary>
    TextList,
}

/// <summary>A field of the catalogue.</summary>
/// <param name="Id">The wire id, <c>&lt;scope&gt;.&lt;snake_case&gt;</c>.</param>
/// <param name="Scope">What the field describes.</param>
/// <param name="ValueType">The type of its values.</param>
/// <param name="Operators">The operators that fit it, in wire order.</param>
/// <param name="AllowedValues">For <see cref="FilterValueType.Enum"/> fields, the exact wire values; empty otherwise.</param>
public sealed record FilterField(
    string Id, FilterScope Scope, FilterValueType ValueType, IReadOnlyList<FilterOperator> Operators, IReadOnlyList<string> AllowedValues)
{
    /// <summary>Whether <paramref name="op"/> fits this field.</summary>
    public bool Allows(FilterOperator op) => Operators.Contains(op);
}

/// <summary>
/// The catalogue of filter fields (SPEC §8): the seed-003 <c>orders.*</c> and <c>attribution.*</c> ids we hold data
/// for, the <c>account.*</c> fields and <c>cohort.id</c>. Seed-003 ids we hold no data for are recognised as
/// <see cref="IsUnavailable">unavailable</see>, so a client gets "not available" rather than "unknown".
/// </summary>
public static class FilterFields
{
    /// <summary><c>orders.source_name</c> (text): the sales channel, e.g. web, pos.</summary>
    public const string OrderSourceName = "orders.source_name";
    /// <summary><c>orders.customer_type</c> (enum new_customer | returning_customer): whether the order is its account's first qualifying order.</summary>
    public const string OrderCustomerType = "orders.customer_type";
    /// <summary><c>orders.order_type</c> (text).</summary>
    public const string OrderType = "orders.order_type";
    /// <summary>
    /// <c>orders.value</c> (number): the order's value as placed, gross_revenue − discounts. Refunds are not
    /// subtracted: they are later events with their own date, and a filter describes the order itself.
    /// </summary>
    public const string OrderValue = "orders.value";
    /// <summary><c>orders.payment_gateway</c> (text).</summary>
    public const string OrderPaymentGateway = "orders.payment_gateway";
    /// <summary><c>orders.tags</c> (text list); tags match case-insensitively.</summary>
    public const string OrderTags = "orders.tags";
    /// <summary><c>attribution.utm_source</c> (text).</summary>
    public const string UtmSource = "attribution.utm_source";
    /// <summary><c>attribution.utm_medium</c> (text).</summary>
    public const string UtmMedium = "attribution.utm_medium";
    /// <summary><c>attribution.utm_campaign</c> (text).</summary>
    public const string UtmCampaign = "attribution.utm_campaign";
    /// <summary><c>attribution.utm_content</c> (text).</summary>
    public const string UtmContent = "attribution.utm_content";
    /// <summary><c>attribution.utm_term</c> (text).</summary>
    public const string UtmTerm = "attribution.utm_term";
    /// <summary><c>account.segment</c> (enum Enterprise | Mid-Market | SMB).</summary>
    public const string AccountSegment = "account.segment";
    /// <summary><c>account.territory</c> (text).</summary>
    public const string AccountTerritory = "account.territory";
    /// <summary><c>account.owner_id</c> (text): the rep.</summary>
    public const string AccountOwnerId = "account.owner_id";
    /// <summary><c>account.user_type</c> (text), e.g. business, consumer.</summary>
    public const string AccountUserType = "account.user_type";
    /// <summary><c>account.arr</c> (number).</summary>
    public const string AccountArr = "account.arr";
    /// <summary><c>account.health_score</c> (number, 0-100).</summary>
    public const string AccountHealthScore = "account.health_score";
    /// <summary><c>account.created_at</c> (date or instant, see <see cref="FilterDate"/>).</summary>
    public const string AccountCreatedAt = "account.created_at";
    /// <summary><c>account.status</c> (enum active | churned | prospect).</summary>
    public const string AccountStatus = "account.status";
    /// <summary><c>cohort.id</c> (number): membership of the cohort definition with that id.</summary>
    public const string CohortId = "cohort.id";

    /// <summary>The <c>orders.customer_type</c> value of an account's first qualifying order.</summary>
    public const string NewCustomer = "new_customer";
    /// <summary>The <c>orders.customer_type</c> value of every other order.</summary>
    public const string ReturningCustomer = "returning_customer";

    private static readonly FilterOperator[] TextOperators =
        [FilterOperator.Equal, FilterOperator.NotEqual, FilterOperator.Contains, FilterOperator.In, FilterOperator.NotIn];

    private static readonly FilterOperator[] OrderedOperators =
    [
        FilterOperator.Equal, FilterOperator.NotEqual, FilterOperator.GreaterThan, FilterOperator.LessThan,
        FilterOperator.GreaterThanOrEqual, FilterOperator.LessThanOrEqual, FilterOperator.In, FilterOperator.NotIn,
    ];

    private static readonly FilterOperator[] EqualityOperators =
        [FilterOperator.Equal, FilterOperator.NotEqual, FilterOperator.In, FilterOperator.NotIn];

    private static readonly FilterOperator[] ListOperators =
        [FilterOperator.ArrayIncludes, FilterOperator.ArrayIncludesAll, FilterOperator.ArrayIncludesAny, FilterOperator.Contains];

    /// <summary>Every field we can filter on, in catalogue order.</summary>
    public static IReadOnlyList<FilterField> All { get; } =
    [
        Text(OrderSourceName, FilterScope.Order),
        Enum(OrderCustomerType, FilterScope.Order, NewCustomer, ReturningCustomer),
        Text(OrderType, FilterScope.Order),
        Number(OrderValue, FilterScope.Order),
        Text(OrderPaymentGateway, FilterScope.Order),
        new(OrderTags, FilterScope.Order, FilterValueType.TextList, ListOperators, []),
        Text(UtmSource, FilterScope.Order),
        Text(UtmMedium, FilterScope.Order),
        Text(UtmCampaign, FilterScope.Order),
        Text(UtmContent, FilterScope.Order),
        Text(UtmTerm, FilterScope.Order),
        Enum(AccountSegment, FilterScope.Account, "Enterprise", "Mid-Market", "SMB"),
        Text(AccountTerritory, FilterScope.Account),
        Text(AccountOwnerId, FilterScope.Account),
        Text(AccountUserType, FilterScope.Account),
        Number(AccountArr, FilterScope.Account),
        Number(AccountHealthScore, FilterScope.Account),
        new(AccountCreatedAt, FilterScope.Account, FilterValueType.Date, OrderedOperators, []),
        Enum(AccountStatus, FilterScope.Account, "active", "churned", "prospect"),
        // A cohort is a set, so only membership operators make sense; the value is a definition id.
        new(CohortId, FilterScope.Cohort, FilterValueType.Number, EqualityOperators, []),
    ];

    // Seed-003 field ids whose data we do not hold (ad-platform channels, event-match quality, ad-level UTMs).
    private static readonly HashSet<string> UnavailableIds = new(StringComparer.Ordinal)
    {
        "channel.resource_name", "channel.resource_source", "channel.resource_status",
        "channel.resource_configured_status", "channel.resource_effective_status", "channel.account_id",
        "channel.campaign_id", "channel.adset_id", "channel.ad_id",
        "attribution.utm_adset", "attribution.utm_ad",
        "emq.dataset_id", "emq.event_name", "emq.diagnostic_name",
    };

    private static readonly Dictionary<string, FilterField> ById = All.ToDictionary(f => f.Id, StringComparer.Ordinal);

    /// <summary>The field with this exact id, or null when it is not in the catalogue.</summary>
    public static FilterField? Find(string? id) => id is not null && ById.TryGetValue(id, out var field) ? field : null;

    /// <summary>Whether the id is a seed-003 field we recognise but hold no data for.</summary>
    public static bool IsUnavailable(string? id) => id is not null && UnavailableIds.Contains(id);

    private static FilterField Text(string id, FilterScope scope) => new(id, scope, FilterValueType.Text, TextOperators, []);

    private static FilterField Number(string id, FilterScope scope) => new(id, scope, FilterValueType.Number, OrderedOperators, []);

    private static FilterField Enum(string id, FilterScope scope, params string[] values) =>
        new(id, scope, FilterValueType.Enum, EqualityOperators, values);
}
