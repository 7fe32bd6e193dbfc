using CohortDashboard.Data.Model;

namespace CohortDashboard.Data.Import;

/// <summary>
/// Reads an import file into validated rows, streaming: each valid row is yielded as soon as its record is read, and
/// every problem goes to the <see cref="ImportReport"/>. Rows with errors are not yielded. A format error (see
/// <see cref="CsvFormatException"/>) or a header error ends the read with that error in the report. To find duplicates
/// inside the file, the single-pass readers hold the keys seen so far; <see cref="ImportRunner"/>, which can read its
/// file again, checks them in bounded memory instead (see <see cref="DuplicateKeys"/>).
/// <para>All-or-nothing callers enumerate once to validate, and write only when <see cref="ImportReport.HasErrors"/>
/// is false (reading the file again, so the rows are never held); "skip invalid rows" callers write as they go.</para>
/// </summary>
public static class ImportReader
{
    /// <summary>Valid <c>accounts</c> rows of <paramref name="text"/>.</summary>
    public static IEnumerable<AccountImportRow> ReadAccounts(TextReader text, ImportOptions options, ImportReport report) =>
        Read(text, ImportEntity.Accounts, report, new AccountRowParser(options).Parse);

    /// <summary>Valid <c>products</c> rows of <paramref name="text"/>.</summary>
    public static IEnumerable<ProductImportRow> ReadProducts(TextReader text, ImportOptions options, ImportReport report) =>
        Read(text, ImportEntity.Products, report, new ProductRowParser().Parse);

    /// <summary>Valid <c>account_products</c> rows of <paramref name="text"/>; references are checked when
    /// <see cref="ImportOptions.References"/> is set.</summary>
    public static IEnumerable<AccountProductImportRow> ReadAccountProducts(TextReader text, ImportOptions options,
        ImportReport report) =>
        Read(text, ImportEntity.AccountProducts, report, new AccountProductRowParser(options).Parse);

    /// <summary>Valid <c>orders</c> rows of <paramref name="text"/>; references are checked when
    /// <see cref="ImportOptions.References"/> is set.</summary>
    public static IEnumerable<OrderImportRow> ReadOrders(TextReader text, ImportOptions options, ImportReport report) =>
        Read(text, ImportEntity.Orders, report, new OrderRowParser(options).Parse);

    /// <summary>Valid rows of <paramref name="entity"/> from any record source (CSV or a JSON array), boxed as objects.</summary>
    public static IEnumerable<object> ReadRows(IRecordSource source, ImportEntity entity, ImportOptions options, ImportReport report) =>
        ReadRows(source, entity, options, report, DuplicateKeys.Exact());

    /// <summary>As the public overload, with the in-file duplicate check in a given mode (see <see cref="DuplicateKeys"/>).</summary>
    internal static IEnumerable<object> ReadRows(IRecordSource source, ImportEntity entity, ImportOptions options, ImportReport report,
        DuplicateKeys duplicates) =>
        entity switch
        {
            ImportEntity.Accounts => Read(source, entity, report, new AccountRowParser(options, duplicates).Parse),
            ImportEntity.Products => Read(source, entity, report, new ProductRowParser(duplicates).Parse),
            ImportEntity.AccountProducts => Read(source, entity, report, new AccountProductRowParser(options, duplicates).Parse),
            ImportEntity.Orders => Read(source, entity, report, new OrderRowParser(options, duplicates).Parse),
            _ => throw new ArgumentOutOfRangeException(nameof(entity)),
        };

    private static IEnumerable<TRow> Read<TRow>(TextReader text, ImportEntity entity, ImportReport report,
        Func<RowFields, TRow?> parse) where TRow : class => Read(new CsvReader(text), entity, report, parse);

    private static IEnumerable<TRow> Read<TRow>(IRecordSource csv, ImportEntity entity, ImportReport report,
        Func<RowFields, TRow?> parse) where TRow : class
    {
        ColumnMapping mapping;
        IEnumerator<CsvRecord> records;
        try
        {
            mapping = ColumnMapping.Map(entity, csv.ReadHeader());
            records = csv.ReadRecords().GetEnumerator();
        }
        catch (CsvFormatException format)
        {
            report.AddError(new ImportProblem(format.Line, "", format.Message));
            report.FileUnreadable = true;
            yield break;
        }
        report.Mapping = mapping;
        foreach (var warning in mapping.Warnings) report.AddWarning(warning);
        foreach (var error in mapping.Errors) report.AddError(error);
        if (!mapping.IsUsable)
        {
            report.FileUnreadable = true;
            yield break;
        }

        using (records)
        {
            while (NextRecord(records, report))
            {
                report.RowsRead++;
                var fields = new RowFields(records.Current, mapping, report);
                var row = parse(fields);
                if (row is null || fields.HasErrors) continue;
                report.ValidRows++;
                yield return row;
            }
        }
    }

    // C# cannot yield inside a try with a catch, so the format error of a later record is caught here.
    private static bool NextRecord(IEnumerator<CsvRecord> records, ImportReport report)
    {
        try
        {
            return records.MoveNext();
        }
        catch (CsvFormatException format)
        {
            report.AddError(new ImportProblem(format.Line, "", format.Message));
            report.FileUnreadable = true;
            return false;
        }
    }
}

internal sealed class AccountRowParser(ImportOptions options, DuplicateKeys? duplicates = null)
{
    private readonly DuplicateKeys _externalIds = duplicates ?? DuplicateKeys.Exact();

    public AccountImportRow? Parse(RowFields row)
    {
        var externalId = row.Text("external_id", required: true);
        if (externalId is not null) _externalIds.Check(row, "external_id", externalId, $"external_id {RowFields.Quoted(externalId)}");
        var name = row.Text("name", required: true);
        var segment = row.Enum<Segment>("segment", EnumNames.ToWire, required: true);
        var territory = row.Text("territory");
        var ownerId = row.Text("owner_id");
        var userType = row.Text("user_type");
        var createdAt = row.Instant("created_at", options.TimeZone, required: true);
        var status = row.Enum<AccountStatus>("status", s => s.ToSnake(), required: true);
        var arr = row.Decimal("arr");
        var health = row.Integer("health_score", max: 100);
        var risk = row.Integer("risk_score", max: 100);
        var propensity = row.Integer("expansion_propensity", max: 100);
        if (row.HasErrors) return null;
        return new AccountImportRow(row.Line, externalId!, name!, segment!.Value, territory, ownerId, userType,
            createdAt!.Value, status!.Value, arr, health, risk, propensity);
    }
}

internal sealed class ProductRowParser(DuplicateKeys? duplicates = null)
{
    private readonly DuplicateKeys _externalIds = duplicates ?? DuplicateKeys.Exact();

    public ProductImportRow? Parse(RowFields row)
    {
        var externalId = row.Text("external_id", required: true);
        if (externalId is not null) _externalIds.Check(row, "external_id", externalId, $"external_id {RowFields.Quoted(externalId)}");
        var name = row.Text("name", required: true);
        var category = row.Text("category");
        var annualPrice = row.Decimal("annual_price");
        var isActive = row.Boolean("is_active");
        if (row.HasErrors) return null;
        return new ProductImportRow(row.Line, externalId!, name!, category, annualPrice, isActive);
    }
}

internal sealed class AccountProductRowParser(ImportOptions options, DuplicateKeys? duplicates = null)
{
    private readonly DuplicateKeys _pairs = duplicates ?? DuplicateKeys.Exact();

    public AccountProductImportRow? Parse(RowFields row)
    {
        var accountId = row.Text("account_external_id", required: true);
        var productId = row.Text("product_external_id", required: true);
        if (accountId is not null && options.References is { } references && !references.AccountExists(accountId))
            row.Error("account_external_id", $"Account {RowFields.Quoted(accountId)} does not exist; import accounts first.");
        if (productId is not null && options.References is { } known && !known.ProductExists(productId))
            row.Error("product_external_id", $"Product {RowFields.Quoted(productId)} does not exist; import products first.");
        var status = row.Enum<AccountProductStatus>("status", s => s.ToSnake(), required: true);
        var start = row.Date("start_date", required: true);
        var end = row.Date("end_date");
        if (start is not null && end is not null && end < start)
            row.Error("end_date", $"end_date {end:yyyy-MM-dd} is before start_date {start:yyyy-MM-dd}.");
        // A product bought again after churning is a new holding, so the key is the pair plus its start date.
        if (accountId is not null && productId is not null && start is not null)
            // A tab cannot survive Trim at either end of an id, so it cannot make two different keys collide.
            _pairs.Check(row, "product_external_id", $"{accountId}\t{productId}\t{start:yyyy-MM-dd}",
                $"account/product/start_date {RowFields.Quoted(accountId)} / {RowFields.Quoted(productId)} / {start:yyyy-MM-dd}");
        var contractedArr = row.Decimal("contracted_arr");
        var seatsLicensed = row.Integer("seats_licensed");
        var seatsActive = row.Integer("seats_active");
        // Overage is real (true-ups are billed later), so more active than licensed seats is imported, with a warning.
        if (seatsLicensed is not null && seatsActive > seatsLicensed)
            row.Warning("seats_active", $"seats_active {seatsActive} is above seats_licensed {seatsLicensed}.");
        var adoption = row.Decimal("adoption_pct", max: 100m);
        if (row.HasErrors) return null;
        return new AccountProductImportRow(row.Line, accountId!, productId!, status!.Value, start!.Value, end,
            contractedArr, seatsLicensed, seatsActive, adoption);
    }
}

internal sealed class OrderRowParser(ImportOptions options, DuplicateKeys? duplicates = null)
{
    private readonly DuplicateKeys _externalIds = duplicates ?? DuplicateKeys.Exact();

    public OrderImportRow? Parse(RowFields row)
    {
        var externalId = row.Text("external_id", required: true);
        if (externalId is not null) _externalIds.Check(row, "external_id", externalId, $"external_id {RowFields.Quoted(externalId)}");
        var accountId = row.Text("account_external_id", required: true);
        if (accountId is not null && options.References is { } references && !references.AccountExists(accountId))
            row.Error("account_external_id", $"Account {RowFields.Quoted(accountId)} does not exist; import accounts first.");
        var placedAt = row.Instant("placed_at", options.TimeZone, required: true);
        var status = row.Enum<OrderStatus>("status", s => s.ToSnake(), required: true);
        var gross = row.Decimal("gross_revenue", required: true);
        var discounts = row.Decimal("discounts");
        var refunded = row.Decimal("refunded_amount");
        if (gross is not null && refunded > gross)
            row.Error("refunded_amount", $"refunded_amount {refunded} is above gross_revenue {gross}.");
        var refundedAt = row.Instant("refunded_at", options.TimeZone);
        if (placedAt is not null && refundedAt < placedAt)
            row.Error("refunded_at", "refunded_at is before placed_at.");
        var cogs = row.Decimal("cogs");
        var shipping = row.Decimal("shipping_cost");
        var fees = row.Decimal("fees");
        var tags = ParseTags(row.Text("tags", maxLength: ImportColumns.MaxTagsLength));
        if (row.HasErrors) return null;
        return new OrderImportRow(row.Line, externalId!, accountId!, placedAt!.Value, status!.Value, gross!.Value,
            discounts, refunded, refundedAt, cogs, shipping, fees,
            row.Text("source_name"), row.Text("order_type"), row.Text("payment_gateway"), tags,
            row.Text("utm_source"), row.Text("utm_medium"), row.Text("utm_campaign"), row.Text("utm_content"),
            row.Text("utm_term"));
    }

    private static IReadOnlyList<string> ParseTags(string? cell) =>
        cell is null ? [] : cell.Split(ImportColumns.TagSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
