using CohortDashboard.Data.Model;

namespace CohortDashboard.Data.Import;

/// <summary>What one import file holds; wire spellings are snake_case (<c>account_products</c>).</summary>
public enum ImportEntity { Accounts, Products, AccountProducts, Orders }

/// <summary>A column an import file may carry. A required column must be in the header and filled on every row.</summary>
public sealed record ImportColumn(string Name, bool Required, string Description);

/// <summary>The documented column list of each <see cref="ImportEntity"/>; the README and templates are built from it.</summary>
public static class ImportColumns
{
    /// <summary>Separator between the tags of one order: the storage format is already "|a|b|", so no tag can hold it.</summary>
    public const char TagSeparator = '|';

    /// <summary>Characters of one text value (ids, names, UTMs…): the columns are 256 wide.</summary>
    public const int MaxTextLength = 256;

    /// <summary>Characters of an order's tags cell (stored as <c>|a|b|</c> in a 1,024-wide column).</summary>
    public const int MaxTagsLength = 1_000;

    private static readonly ImportColumn[] Accounts =
    [
        new("external_id", true, "Your id for the account; the key re-imports update by."),
        new("name", true, "Display name."),
        new("segment", true, "Enterprise, Mid-Market or SMB."),
        new("territory", false, "Free text."),
        new("owner_id", false, "The rep who owns the account."),
        new("user_type", false, "Free text, e.g. business or consumer."),
        new("created_at", true, "ISO 8601 date or instant; without an offset it is read in the org's timezone."),
        new("status", true, "active, churned or prospect."),
        new("arr", false, "Annual recurring revenue, a decimal with a dot, not negative."),
        new("health_score", false, "Whole number 0-100."),
        new("risk_score", false, "Whole number 0-100."),
        new("expansion_propensity", false, "Whole number 0-100; empty means unknown."),
    ];

    private static readonly ImportColumn[] Products =
    [
        new("external_id", true, "Your id for the product; the key re-imports update by."),
        new("name", true, "Display name."),
        new("category", false, "Free text."),
        new("annual_price", false, "Decimal with a dot, not negative."),
        new("is_active", false, "true/false (also yes/no, 1/0); empty means true."),
    ];

    private static readonly ImportColumn[] AccountProducts =
    [
        new("account_external_id", true, "external_id of an account that already exists."),
        new("product_external_id", true, "external_id of a product that already exists."),
        new("status", true, "active, churned or pending."),
        new("start_date", true, "ISO 8601 date, e.g. 2026-03-31; with the two external ids the key re-imports update by (a product bought again later is a new row)."),
        new("end_date", false, "ISO 8601 date, not before start_date; empty while the contract runs."),
        new("contracted_arr", false, "Decimal with a dot, not negative."),
        new("seats_licensed", false, "Whole number, not negative."),
        new("seats_active", false, "Whole number, not negative; above seats_licensed is a warning (overage)."),
        new("adoption_pct", false, "Decimal 0-100."),
    ];

    private static readonly ImportColumn[] Orders =
    [
        new("external_id", true, "Your id for the order; the key re-imports update by."),
        new("account_external_id", true, "external_id of an account that already exists."),
        new("placed_at", true, "ISO 8601 instant; without an offset it is read in the org's timezone."),
        new("status", true, "paid, pending or voided."),
        new("gross_revenue", true, "Decimal with a dot, not negative."),
        new("discounts", false, "Decimal with a dot, not negative."),
        new("refunded_amount", false, "Decimal with a dot, not negative, not above gross_revenue."),
        new("refunded_at", false, "ISO 8601 instant, not before placed_at."),
        new("cogs", false, "Decimal with a dot, not negative."),
        new("shipping_cost", false, "Decimal with a dot, not negative."),
        new("fees", false, "Gateway and fulfilment fees; decimal with a dot, not negative."),
        new("source_name", false, "Free text."),
        new("order_type", false, "Free text."),
        new("payment_gateway", false, "Free text."),
        new("tags", false, "Tags separated by | (e.g. wholesale|vip); blanks around tags are trimmed."),
        new("utm_source", false, "Free text."),
        new("utm_medium", false, "Free text."),
        new("utm_campaign", false, "Free text."),
        new("utm_content", false, "Free text."),
        new("utm_term", false, "Free text."),
    ];

    /// <summary>The columns of <paramref name="entity"/>, in template order.</summary>
    public static IReadOnlyList<ImportColumn> For(ImportEntity entity) => entity switch
    {
        ImportEntity.Accounts => Accounts,
        ImportEntity.Products => Products,
        ImportEntity.AccountProducts => AccountProducts,
        ImportEntity.Orders => Orders,
        _ => throw new ArgumentOutOfRangeException(nameof(entity)),
    };

    /// <summary>Parses an entity's wire name (<c>accounts</c>, <c>account_products</c>…), case-insensitively.</summary>
    public static bool TryParseEntity(string? value, out ImportEntity entity) =>
        Analytics.WireNames.TryParse(value, e => e.ToSnake(), out entity);
}
