using System.Data.Common;
using System.Text;
using CohortDashboard.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CohortDashboard.Data.Import;

/// <summary>What an upsert did: rows added, rows whose stored values changed, rows already exactly as in the file.</summary>
public sealed record ImportCounts(long Inserted, long Updated, long Unchanged)
{
    public static readonly ImportCounts None = new(0, 0, 0);

    public long Written => Inserted + Updated + Unchanged;
}

/// <summary>
/// Upserts validated import rows of the org the context is scoped to, by external id (account_products: by account,
/// product and start date), inside the transaction the caller has open on <c>db</c> (the caller commits or rolls back,
/// so an import is all-or-nothing). A row is only rewritten when one of its values differs, so re-importing a file
/// changes nothing and counts every row as unchanged. Columns the file does not have keep their stored values on
/// update and take their defaults on insert; an empty cell of a present column stores the default (0, empty, null).
/// <para>Accounts, products and orders use <c>INSERT … ON CONFLICT (org_id, external_id) DO UPDATE … WHERE (a value
/// differs) RETURNING</c>: on SQLite one prepared single-row statement with positional binds, on PostgreSQL 500-row
/// statements (a round trip each). The conflict target includes org_id, so another org's row with the same external
/// id is never touched. Values go through the EF model's converters and are stored in EF's formats, so they compare
/// equal on re-import.</para>
/// </summary>
public sealed class ImportWriter
{
    private readonly CohortDbContext _db;
    private readonly long _orgId;
    private Dictionary<string, long>? _accountIds;
    private Dictionary<string, long>? _productIds;

    /// <summary>The org's accounts by external id, when the caller already loaded them (else loaded on first need).</summary>
    public Dictionary<string, long>? AccountIds { init => _accountIds = value; }

    /// <summary>The org's products by external id, when the caller already loaded them.</summary>
    public Dictionary<string, long>? ProductIds { init => _productIds = value; }

    /// <param name="db">An org-scoped context with a transaction open.</param>
    public ImportWriter(CohortDbContext db)
    {
        _db = db;
        _orgId = db.Scope.OrgId ?? throw new InvalidOperationException("Imports write to one org: use an org-scoped context.");
    }

    /// <summary>Rows per multi-row statement on PostgreSQL, where each statement is a network round trip (SQLite runs one prepared statement per row).</summary>
    private const int PostgreSqlRowsPerStatement = 500;

    /// <summary>Called after each batch with the number of rows written so far.</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>The org's accounts by external id (the same map backs reference checks and the writes).</summary>
    public static async Task<Dictionary<string, long>> AccountIdsAsync(CohortDbContext db, CancellationToken ct) =>
        await db.Accounts.AsNoTracking().Select(a => new { a.ExternalId, a.Id }).ToDictionaryAsync(a => a.ExternalId, a => a.Id, StringComparer.Ordinal, ct);

    /// <summary>The org's products by external id.</summary>
    public static async Task<Dictionary<string, long>> ProductIdsAsync(CohortDbContext db, CancellationToken ct) =>
        await db.Products.AsNoTracking().Select(p => new { p.ExternalId, p.Id }).ToDictionaryAsync(p => p.ExternalId, p => p.Id, StringComparer.Ordinal, ct);

    /// <summary>Upserts rows of <paramref name="entity"/> (as <see cref="ImportReader.ReadRows"/> yields them).</summary>
    /// <param name="mapping">The file's header mapping: which optional columns are present.</param>
    public async Task<ImportCounts> WriteAsync(ImportEntity entity, ColumnMapping mapping, IEnumerable<object> rows, CancellationToken ct)
    {
        if (_db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Open a transaction first: an import commits or rolls back as a whole.");
        switch (entity)
        {
            case ImportEntity.Accounts:
                return await UpsertByExternalIdAsync(mapping, AccountColumns, rows.Cast<AccountImportRow>().Select(ToAccount), ct);
            case ImportEntity.Products:
                return await UpsertByExternalIdAsync(mapping, ProductColumns, rows.Cast<ProductImportRow>().Select(ToProduct), ct);
            case ImportEntity.Orders:
                _accountIds ??= await AccountIdsAsync(_db, ct);
                return await UpsertByExternalIdAsync(mapping, OrderColumns, rows.Cast<OrderImportRow>().Select(ToOrder), ct);
            case ImportEntity.AccountProducts:
                _accountIds ??= await AccountIdsAsync(_db, ct);
                _productIds ??= await ProductIdsAsync(_db, ct);
                return await UpsertAccountProductsAsync(mapping, rows.Cast<AccountProductImportRow>(), ct);
            default:
                throw new ArgumentOutOfRangeException(nameof(entity));
        }
    }

    // ------------------------------------------------------------ file column → entity property

    // Import column → the property it sets. Key columns (external_id, the pair) are not here: they are never "updated".
    private static readonly Dictionary<string, string> AccountColumns = new()
    {
        ["name"] = nameof(Account.Name), ["segment"] = nameof(Account.Segment), ["territory"] = nameof(Account.Territory),
        ["owner_id"] = nameof(Account.OwnerId), ["user_type"] = nameof(Account.UserType), ["created_at"] = nameof(Account.CreatedAt),
        ["status"] = nameof(Account.Status), ["arr"] = nameof(Account.Arr), ["health_score"] = nameof(Account.HealthScore),
        ["risk_score"] = nameof(Account.RiskScore), ["expansion_propensity"] = nameof(Account.ExpansionPropensity),
    };

    private static readonly Dictionary<string, string> ProductColumns = new()
    {
        ["name"] = nameof(Product.Name), ["category"] = nameof(Product.Category),
        ["annual_price"] = nameof(Product.AnnualPrice), ["is_active"] = nameof(Product.IsActive),
    };

    private static readonly Dictionary<string, string> OrderColumns = new()
    {
        ["account_external_id"] = nameof(Order.AccountId), ["placed_at"] = nameof(Order.PlacedAt), ["status"] = nameof(Order.Status),
        ["gross_revenue"] = nameof(Order.GrossRevenue), ["discounts"] = nameof(Order.Discounts),
        ["refunded_amount"] = nameof(Order.RefundedAmount), ["refunded_at"] = nameof(Order.RefundedAt), ["cogs"] = nameof(Order.Cogs),
        ["shipping_cost"] = nameof(Order.ShippingCost), ["fees"] = nameof(Order.Fees), ["source_name"] = nameof(Order.SourceName),
        ["order_type"] = nameof(Order.OrderType), ["payment_gateway"] = nameof(Order.PaymentGateway), ["tags"] = nameof(Order.Tags),
        ["utm_source"] = nameof(Order.UtmSource), ["utm_medium"] = nameof(Order.UtmMedium), ["utm_campaign"] = nameof(Order.UtmCampaign),
        ["utm_content"] = nameof(Order.UtmContent), ["utm_term"] = nameof(Order.UtmTerm),
    };

    private static readonly Dictionary<string, string> AccountProductColumns = new()
    {
        ["status"] = nameof(AccountProduct.Status),
        ["end_date"] = nameof(AccountProduct.EndDate), ["contracted_arr"] = nameof(AccountProduct.ContractedArr),
        ["seats_licensed"] = nameof(AccountProduct.SeatsLicensed), ["seats_active"] = nameof(AccountProduct.SeatsActive),
        ["adoption_pct"] = nameof(AccountProduct.AdoptionPct),
    };

    private Account ToAccount(AccountImportRow r) => new()
    {
        OrgId = _orgId, ExternalId = r.ExternalId, Name = r.Name, Segment = r.Segment, Territory = r.Territory ?? "",
        OwnerId = r.OwnerId ?? "", UserType = r.UserType ?? "", CreatedAt = r.CreatedAt, Status = r.Status, Arr = r.Arr ?? 0m,
        HealthScore = r.HealthScore ?? 0, RiskScore = r.RiskScore ?? 0, ExpansionPropensity = r.ExpansionPropensity,
    };

    private Product ToProduct(ProductImportRow r) => new()
    {
        OrgId = _orgId, ExternalId = r.ExternalId, Name = r.Name, Category = r.Category ?? "",
        AnnualPrice = r.AnnualPrice ?? 0m, IsActive = r.IsActive ?? true,
    };

    private Order ToOrder(OrderImportRow r) => new()
    {
        OrgId = _orgId, ExternalId = r.ExternalId, AccountId = ReferencedId(_accountIds!, r.AccountExternalId, "Account", r.Line),
        PlacedAt = r.PlacedAt, Status = r.Status, GrossRevenue = r.GrossRevenue, Discounts = r.Discounts ?? 0m,
        RefundedAmount = r.RefundedAmount ?? 0m, RefundedAt = r.RefundedAt, Cogs = r.Cogs ?? 0m, ShippingCost = r.ShippingCost ?? 0m,
        Fees = r.Fees ?? 0m, SourceName = r.SourceName, OrderType = r.OrderType, PaymentGateway = r.PaymentGateway, Tags = [.. r.Tags],
        UtmSource = r.UtmSource, UtmMedium = r.UtmMedium, UtmCampaign = r.UtmCampaign, UtmContent = r.UtmContent, UtmTerm = r.UtmTerm,
    };

    private static long ReferencedId(Dictionary<string, long> ids, string externalId, string what, int line) =>
        ids.TryGetValue(externalId, out var id) ? id
            // Validation checked references against the same org's rows; this only fires if one vanished meanwhile.
            : throw new InvalidOperationException($"Row {line}: {what} '{externalId}' does not exist.");

    // ------------------------------------------------------------ INSERT … ON CONFLICT

    private async Task<ImportCounts> UpsertByExternalIdAsync<T>(ColumnMapping mapping, Dictionary<string, string> columnsByName,
        IEnumerable<T> rows, CancellationToken ct) where T : class
    {
        var table = TableColumns.For(_db.Model, typeof(T));
        var updated = columnsByName.Where(c => mapping.Has(c.Key)).Select(c => table.Column(c.Value)).ToList();
        var isSqlite = _db.Database.IsSqlite();
        var connection = _db.Database.GetDbConnection();
        var transaction = _db.Database.CurrentTransaction!.GetDbTransaction();

        if (isSqlite)
        {
            // SQLite holds the write lock for the whole (immediate) transaction, so every id above this one is a row
            // inserted by this import.
            await using var max = connection.CreateCommand();
            max.Transaction = transaction;
            max.CommandText = $"SELECT COALESCE(MAX({Q("id")}), 0) FROM {Q(table.Table)}";
            var maxIdBefore = Convert.ToInt64(await max.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            // The orders indexes (placed_at, account) take rows in random order; SQLite's default 2 MB page cache
            // makes that a page read per row at a million rows. 64 MB is a fixed cap, whatever the file size.
            await PragmaAsync(connection, transaction, "PRAGMA cache_size = -65536", ct);
            try
            {
                return SqliteUpsert(((Microsoft.Data.Sqlite.SqliteConnection)connection).Handle!, table, updated, rows, maxIdBefore, ct);
            }
            finally
            {
                await PragmaAsync(connection, transaction, "PRAGMA cache_size = -2000", CancellationToken.None);
            }
        }

        // PostgreSQL: multi-row statements; it says which rows are new itself (xmax = 0 on a freshly inserted row version).
        long inserted = 0, changed = 0, seen = 0;
        DbCommand? full = null;
        try
        {
            const int size = PostgreSqlRowsPerStatement;
            var batch = new List<T>(size);
            foreach (var row in rows)
            {
                batch.Add(row);
                if (batch.Count < size) continue;
                full ??= PostgreSqlUpsertCommand(connection, transaction, table, updated, size);
                await RunAsync(full, batch);
                batch.Clear();
            }
            if (batch.Count > 0)
            {
                await using var last = PostgreSqlUpsertCommand(connection, transaction, table, updated, batch.Count);
                await RunAsync(last, batch);
            }
        }
        finally
        {
            if (full is not null) await full.DisposeAsync();
        }
        return new ImportCounts(inserted, changed, seen - inserted - changed);

        async Task RunAsync(DbCommand command, List<T> batch)
        {
            ct.ThrowIfCancellationRequested();
            var parameters = command.Parameters;
            var width = table.Insertable.Count;
            for (var r = 0; r < batch.Count; r++)
            {
                for (var c = 0; c < width; c++)
                    parameters[r * width + c].Value = table.Insertable[c].ProviderValue(batch[r]) ?? DBNull.Value;
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetBoolean(1)) inserted++;
                else changed++;
            }
            seen += batch.Count;
            if (seen / 1024 != (seen - batch.Count) / 1024) Progress?.Invoke(seen);
        }
    }

    // ------------------------------------------------------------ SQLite: one prepared statement, positional binds

    // Microsoft.Data.Sqlite re-binds every parameter by name on every execution (a search through the statement's
    // names per parameter), which cost more than SQLite's own work per row; SQLite's API binds by position. Values are
    // stored in the formats Microsoft.Data.Sqlite uses for EF (see SignalRowWriter), so a re-import compares equal.
    private const string SqliteDecimalFormat = "0.0###########################";
    private const string SqliteDateTimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    private ImportCounts SqliteUpsert<T>(SQLitePCL.sqlite3 handle, TableColumns table, IReadOnlyList<ColumnInfo> updated,
        IEnumerable<T> rows, long maxIdBefore, CancellationToken ct) where T : class
    {
        var sql = new StringBuilder("INSERT INTO ").Append(Q(table.Table)).Append(" (")
            .AppendJoin(", ", table.Insertable.Select(c => Q(c.Name))).Append(") VALUES (")
            .AppendJoin(", ", table.Insertable.Select((_, i) => "?" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Append(") ON CONFLICT (").Append(Q("org_id")).Append(", ").Append(Q("external_id")).Append(") DO ");
        if (updated.Count == 0) sql.Append("NOTHING");
        else
            sql.Append("UPDATE SET ").AppendJoin(", ", updated.Select(c => $"{Q(c.Name)} = excluded.{Q(c.Name)}"))
                .Append(" WHERE ").AppendJoin(" OR ", updated.Select(c => $"{Q(table.Table)}.{Q(c.Name)} IS NOT excluded.{Q(c.Name)}"));
        sql.Append(" RETURNING ").Append(Q("id"));

        Check(handle, SQLitePCL.raw.sqlite3_prepare_v2(handle, sql.ToString(), out var statement));
        long inserted = 0, changed = 0, seen = 0;
        try
        {
            var width = table.Insertable.Count;
            foreach (var row in rows)
            {
                if (seen % 1024 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    if (seen > 0) Progress?.Invoke(seen);
                }
                for (var c = 0; c < width; c++) Bind(statement, c + 1, table.Insertable[c].ProviderValue(row));
                var step = SQLitePCL.raw.sqlite3_step(statement);
                if (step == SQLitePCL.raw.SQLITE_ROW)
                {
                    if (SQLitePCL.raw.sqlite3_column_int64(statement, 0) > maxIdBefore) inserted++;
                    else changed++;
                    step = SQLitePCL.raw.sqlite3_step(statement);
                }
                if (step != SQLitePCL.raw.SQLITE_DONE) Check(handle, step);
                SQLitePCL.raw.sqlite3_reset(statement);
                seen++;
            }
        }
        finally
        {
            statement.Dispose();
        }
        Progress?.Invoke(seen);
        return new ImportCounts(inserted, changed, seen - inserted - changed);
    }

    private static void Bind(SQLitePCL.sqlite3_stmt statement, int index, object? value)
    {
        var rc = value switch
        {
            null => SQLitePCL.raw.sqlite3_bind_null(statement, index),
            string text => SQLitePCL.raw.sqlite3_bind_text(statement, index, text),
            long number => SQLitePCL.raw.sqlite3_bind_int64(statement, index, number),
            int number => SQLitePCL.raw.sqlite3_bind_int64(statement, index, number),
            bool flag => SQLitePCL.raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
            decimal money => SQLitePCL.raw.sqlite3_bind_text(statement, index, money.ToString(SqliteDecimalFormat, System.Globalization.CultureInfo.InvariantCulture)),
            DateTime instant => SQLitePCL.raw.sqlite3_bind_text(statement, index, instant.ToString(SqliteDateTimeFormat, System.Globalization.CultureInfo.InvariantCulture)),
            DateOnly date => SQLitePCL.raw.sqlite3_bind_text(statement, index, date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            _ => throw new NotSupportedException($"Cannot bind a {value.GetType().Name} to SQLite."),
        };
        if (rc != SQLitePCL.raw.SQLITE_OK) throw new Microsoft.Data.Sqlite.SqliteException($"Binding parameter {index} failed.", rc);
    }

    private static void Check(SQLitePCL.sqlite3 handle, int rc)
    {
        if (rc != SQLitePCL.raw.SQLITE_OK)
            throw new Microsoft.Data.Sqlite.SqliteException(SQLitePCL.raw.sqlite3_errmsg(handle).utf8_to_string(), rc);
    }

    private static DbCommand PostgreSqlUpsertCommand(DbConnection connection, DbTransaction transaction, TableColumns table,
        IReadOnlyList<ColumnInfo> updated, int rowCount)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder("INSERT INTO ").Append(Q(table.Table)).Append(" (")
            .AppendJoin(", ", table.Insertable.Select(c => Q(c.Name))).Append(") VALUES ");
        var width = table.Insertable.Count;
        for (var r = 0; r < rowCount; r++)
        {
            if (r > 0) sql.Append(", ");
            sql.Append('(');
            for (var c = 0; c < width; c++)
            {
                var name = "@p" + (r * width + c);
                if (c > 0) sql.Append(", ");
                sql.Append(name);
                command.Parameters.Add(table.Insertable[c].Mapping.CreateParameter(command, name, null, table.Insertable[c].Nullable));
            }
            sql.Append(')');
        }
        sql.Append(" ON CONFLICT (").Append(Q("org_id")).Append(", ").Append(Q("external_id")).Append(") DO ");
        if (updated.Count == 0) sql.Append("NOTHING");
        else
        {
            sql.Append("UPDATE SET ").AppendJoin(", ", updated.Select(c => $"{Q(c.Name)} = excluded.{Q(c.Name)}"))
                .Append(" WHERE ").AppendJoin(" OR ", updated.Select(c => $"{Q(table.Table)}.{Q(c.Name)} IS DISTINCT FROM excluded.{Q(c.Name)}"));
        }
        sql.Append(" RETURNING ").Append(Q("id")).Append(", (xmax = 0)");
        command.CommandText = sql.ToString();
        return command;
    }

    // ------------------------------------------------------------ account_products (no unique key in the schema)

    private async Task<ImportCounts> UpsertAccountProductsAsync(ColumnMapping mapping, IEnumerable<AccountProductImportRow> rows,
        CancellationToken ct)
    {
        var table = TableColumns.For(_db.Model, typeof(AccountProduct));
        var updated = AccountProductColumns.Where(c => mapping.Has(c.Key)).Select(c => table.Column(c.Value)).ToList();
        var isSqlite = _db.Database.IsSqlite();
        var connection = _db.Database.GetDbConnection();
        var transaction = _db.Database.CurrentTransaction!.GetDbTransaction();
        var key = new[]
        {
            table.Column(nameof(AccountProduct.OrgId)), table.Column(nameof(AccountProduct.AccountId)),
            table.Column(nameof(AccountProduct.ProductId)), table.Column(nameof(AccountProduct.StartDate)),
        };
        var keyWhere = string.Join(" AND ", key.Select((c, i) => $"{Q(c.Name)} = @k{i}"));

        // (account, product, start_date) is the key of a row in the file; the table has no unique index on it, so the
        // rows are matched by value (an update would rewrite every stored row of the key alike).
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        var distinct = isSqlite ? "IS NOT" : "IS DISTINCT FROM";
        update.CommandText = updated.Count == 0 ? "SELECT 0" :
            $"UPDATE {Q(table.Table)} SET {string.Join(", ", updated.Select((c, i) => $"{Q(c.Name)} = @u{i}"))} WHERE {keyWhere} AND ({string.Join(" OR ", updated.Select((c, i) => $"{Q(c.Name)} {distinct} @u{i}"))})";
        var updateKeys = key.Select((c, i) => AddParameter(update, c, "@k" + i)).ToArray();
        var updateValues = updated.Select((c, i) => AddParameter(update, c, "@u" + i)).ToArray();

        await using var exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = $"SELECT COUNT(*) FROM {Q(table.Table)} WHERE {keyWhere}";
        var existsKeys = key.Select((c, i) => AddParameter(exists, c, "@k" + i)).ToArray();

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO {Q(table.Table)} ({string.Join(", ", table.Insertable.Select(c => Q(c.Name)))}) VALUES ({string.Join(", ", table.Insertable.Select((_, i) => "@i" + i))})";
        var insertValues = table.Insertable.Select((c, i) => AddParameter(insert, c, "@i" + i)).ToArray();

        long inserted = 0, changed = 0, seen = 0;
        foreach (var r in rows)
        {
            ct.ThrowIfCancellationRequested();
            var entity = new AccountProduct
            {
                OrgId = _orgId, AccountId = ReferencedId(_accountIds!, r.AccountExternalId, "Account", r.Line),
                ProductId = ReferencedId(_productIds!, r.ProductExternalId, "Product", r.Line), Status = r.Status,
                StartDate = r.StartDate, EndDate = r.EndDate, ContractedArr = r.ContractedArr ?? 0m, SeatsLicensed = r.SeatsLicensed ?? 0,
                SeatsActive = r.SeatsActive ?? 0, AdoptionPct = r.AdoptionPct ?? 0m,
            };
            for (var i = 0; i < key.Length; i++)
                updateKeys[i].Value = existsKeys[i].Value = key[i].ProviderValue(entity) ?? DBNull.Value;
            for (var i = 0; i < updated.Count; i++) updateValues[i].Value = updated[i].ProviderValue(entity) ?? DBNull.Value;

            if (updated.Count > 0 && await update.ExecuteNonQueryAsync(ct) > 0) changed++;
            else if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                for (var i = 0; i < insertValues.Length; i++) insertValues[i].Value = table.Insertable[i].ProviderValue(entity) ?? DBNull.Value;
                await insert.ExecuteNonQueryAsync(ct);
                inserted++;
            }
            seen++;
            if (seen % 1024 == 0) Progress?.Invoke(seen);
        }
        Progress?.Invoke(seen);
        return new ImportCounts(inserted, changed, seen - inserted - changed);
    }

    private static async Task PragmaAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var pragma = connection.CreateCommand();
        pragma.Transaction = transaction;
        pragma.CommandText = sql;
        await pragma.ExecuteNonQueryAsync(ct);
    }

    private static DbParameter AddParameter(DbCommand command, ColumnInfo column, string name)
    {
        var parameter = column.Mapping.CreateParameter(command, name, null, column.Nullable);
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static string Q(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private sealed record ColumnInfo(string Property, string Name, bool Nullable, RelationalTypeMapping Mapping, Func<object, object?> ProviderValue);

    /// <summary>An entity's columns from the EF model (names, type mappings, converters), the generated key left out.</summary>
    private sealed record TableColumns(string Table, IReadOnlyList<ColumnInfo> Insertable)
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(IModel, Type), TableColumns> Cache = new();

        public ColumnInfo Column(string property) => Insertable.Single(c => c.Property == property);

        public static TableColumns For(IModel model, Type clrType) => Cache.GetOrAdd((model, clrType), key =>
        {
            var entityType = key.Item1.FindEntityType(key.Item2)!;
            var table = entityType.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table, null);
            var columns = new List<ColumnInfo>();
            foreach (var property in entityType.GetProperties())
            {
                if (property.IsPrimaryKey() && property.ValueGenerated == ValueGenerated.OnAdd) continue;
                var mapping = property.GetRelationalTypeMapping();
                var converter = mapping.Converter;
                var getter = property.GetGetter();
                Func<object, object?> value = converter is null
                    ? row => getter.GetClrValue(row)
                    : row => getter.GetClrValue(row) is { } v ? converter.ConvertToProvider(v) : null;
                columns.Add(new ColumnInfo(property.Name, property.GetColumnName(store)!, property.IsColumnNullable(store), mapping, value));
            }
            return new TableColumns(table, columns);
        });
    }
}
