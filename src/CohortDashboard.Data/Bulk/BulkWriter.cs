using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace CohortDashboard.Data.Bulk;

/// <summary>
/// Inserts many rows of one entity type fast, with the ids the rows carry (explicit ids, no change tracking). The
/// table, columns and value conversions come from the EF model, so rows are stored exactly as EF would store them
/// (enums as strings, tags as "|a|b|", UTC instants, owned types in their owner's row).
/// <list type="bullet">
/// <item>SQLite: one prepared, parameterised INSERT reused for every row, inside one transaction.</item>
/// <item>PostgreSQL: binary COPY, then every identity sequence of the table is moved to max(id).</item>
/// </list>
/// Rows are streamed: the sequence is enumerated once and never held in memory. When the caller has a transaction open
/// on the context the rows join it (and are committed or rolled back with it); otherwise the writer opens and commits
/// its own. Insert principals before dependents (foreign keys are enforced). Bypasses the context's org guard, so
/// callers must be trusted code (seeding, import) that has checked the rows' org ids itself.
/// </summary>
public static class BulkWriter
{
    private const int CancellationCheckInterval = 1024;

    /// <summary>
    /// Makes other writers of <typeparamref name="T"/>'s table wait until the caller's transaction ends (PostgreSQL;
    /// SQLite serialises writers by itself), so two orgs replacing their rows cannot read the same <see cref="NextIdAsync{T}"/>.
    /// Readers are not blocked.
    /// </summary>
    public static async Task LockForWritersAsync<T>(CohortDbContext db, CancellationToken ct) where T : class
    {
        if (db.Database.IsSqlite()) return;
        // The table name comes from the EF model, never from input.
        var sql = "LOCK TABLE " + Quote(TablePlan.For(db.Model, typeof(T)).Table) + " IN EXCLUSIVE MODE";
        await db.Database.ExecuteSqlRawAsync(sql, ct);
    }

    /// <summary>
    /// The first id for explicit-id inserts into <typeparamref name="T"/>'s table. Ids are table-wide, so it is read over
    /// the whole table, and never below the table's sequence: an id is never reused (a client still holding a deleted
    /// row's id gets 404, not some other org's new row). Call inside the write transaction, after the lock.
    /// </summary>
    public static async Task<long> NextIdAsync<T>(CohortDbContext db, CancellationToken ct) where T : class
    {
        var name = TablePlan.For(db.Model, typeof(T)).Table;
        var table = Quote(name);
        var sql = db.Database.IsSqlite()
            ? "SELECT MAX(COALESCE((SELECT MAX(id) FROM " + table + "), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '" + name + "'), 0)) AS \"Value\""
            : "SELECT GREATEST(COALESCE((SELECT MAX(id) FROM " + table + "), 0), COALESCE(pg_sequence_last_value(pg_get_serial_sequence('" + name + "', 'id')::regclass), 0)) AS \"Value\"";
        return await db.Database.SqlQueryRaw<long>(sql).SingleAsync(ct) + 1;
    }

    /// <summary>Inserts <paramref name="rows"/> into <typeparamref name="T"/>'s table; returns how many were written.</summary>
    public static async Task<long> InsertAsync<T>(CohortDbContext db, IEnumerable<T> rows, CancellationToken ct = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        var plan = TablePlan.For(db.Model, typeof(T));

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var ownTransaction = db.Database.CurrentTransaction is null
                ? await db.Database.BeginTransactionAsync(ct)
                : null;
            try
            {
                var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
                long count;
                if (db.Database.IsSqlite())
                    count = InsertSqlite(db.Database.GetDbConnection(), transaction, plan, rows, ct);
                else if (db.Database.IsNpgsql())
                    count = await InsertNpgsqlAsync((NpgsqlConnection)db.Database.GetDbConnection(), transaction, plan, rows, ct);
                else
                    throw new NotSupportedException($"BulkWriter does not support provider '{db.Database.ProviderName}'.");

                if (ownTransaction is not null) await ownTransaction.CommitAsync(ct);
                return count;
            }
            finally
            {
                if (ownTransaction is not null) await ownTransaction.DisposeAsync();
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static long InsertSqlite<T>(DbConnection connection, DbTransaction transaction, TablePlan plan,
        IEnumerable<T> rows, CancellationToken ct)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder("INSERT INTO ").Append(Quote(plan.Table)).Append(" (");
        sql.AppendJoin(", ", plan.Columns.Select(c => Quote(c.Name))).Append(") VALUES (");
        sql.AppendJoin(", ", plan.Columns.Select((_, i) => "$p" + i)).Append(')');
        command.CommandText = sql.ToString();

        var parameters = new DbParameter[plan.Columns.Count];
        for (var i = 0; i < parameters.Length; i++)
        {
            var column = plan.Columns[i];
            parameters[i] = column.Mapping.CreateParameter(command, "$p" + i, null, column.Nullable);
            command.Parameters.Add(parameters[i]);
        }
        command.Prepare();

        long count = 0;
        foreach (var row in rows)
        {
            if (count % CancellationCheckInterval == 0) ct.ThrowIfCancellationRequested();
            if (row is null) throw new ArgumentException("Rows must not be null.", nameof(rows));
            for (var i = 0; i < parameters.Length; i++)
                parameters[i].Value = plan.Columns[i].ProviderValue(row) ?? DBNull.Value;
            command.ExecuteNonQuery();
            count++;
        }
        return count;
    }

    private static async Task<long> InsertNpgsqlAsync<T>(NpgsqlConnection connection, DbTransaction transaction,
        TablePlan plan, IEnumerable<T> rows, CancellationToken ct)
    {
        _ = transaction; // COPY runs on the connection, inside whatever transaction is open on it.
        var sql = new StringBuilder("COPY ").Append(Quote(plan.Table)).Append(" (");
        sql.AppendJoin(", ", plan.Columns.Select(c => Quote(c.Name))).Append(") FROM STDIN (FORMAT BINARY)");
        var types = plan.Columns.Select(NpgsqlTypeOf).ToArray();

        long count = 0;
        await using (var importer = await connection.BeginBinaryImportAsync(sql.ToString(), ct))
        {
            foreach (var row in rows)
            {
                if (row is null) throw new ArgumentException("Rows must not be null.", nameof(rows));
                if (count % CancellationCheckInterval == 0) ct.ThrowIfCancellationRequested();
                // Synchronous per-value writes: the importer buffers and only flushes when its buffer fills, and the
                // async overloads cost a state machine per value (about twice as slow at a million rows).
                importer.StartRow();
                for (var i = 0; i < types.Length; i++)
                {
                    var value = plan.Columns[i].ProviderValue(row);
                    if (value is null) importer.WriteNull();
                    else importer.Write(value, types[i]);
                }
                count++;
            }
            await importer.CompleteAsync(ct);
        }

        foreach (var identity in plan.IdentityColumns)
        {
            await using var reset = connection.CreateCommand();
            reset.CommandText =
                $"SELECT setval(pg_get_serial_sequence('{Quote(plan.Table).Replace("'", "''")}', '{identity.Replace("'", "''")}'), max({Quote(identity)})) FROM {Quote(plan.Table)}";
            await reset.ExecuteScalarAsync(ct);
        }
        return count;
    }

    private static NpgsqlDbType NpgsqlTypeOf(ColumnPlan column)
    {
        var type = Nullable.GetUnderlyingType(column.ProviderClrType) ?? column.ProviderClrType;
        if (type == typeof(long)) return NpgsqlDbType.Bigint;
        if (type == typeof(int)) return NpgsqlDbType.Integer;
        if (type == typeof(short)) return NpgsqlDbType.Smallint;
        if (type == typeof(bool)) return NpgsqlDbType.Boolean;
        if (type == typeof(decimal)) return NpgsqlDbType.Numeric;
        if (type == typeof(double)) return NpgsqlDbType.Double;
        if (type == typeof(float)) return NpgsqlDbType.Real;
        if (type == typeof(DateOnly)) return NpgsqlDbType.Date;
        if (type == typeof(Guid)) return NpgsqlDbType.Uuid;
        if (type == typeof(byte[])) return NpgsqlDbType.Bytea;
        if (type == typeof(DateTime))
            return column.StoreType.StartsWith("timestamp without", StringComparison.OrdinalIgnoreCase)
                ? NpgsqlDbType.Timestamp
                : NpgsqlDbType.TimestampTz;
        if (type == typeof(string))
            return column.StoreType.StartsWith("text", StringComparison.OrdinalIgnoreCase) ? NpgsqlDbType.Text : NpgsqlDbType.Varchar;
        throw new NotSupportedException($"BulkWriter cannot COPY column '{column.Name}' of type {type}.");
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private sealed record ColumnPlan(
        string Name, bool Nullable, RelationalTypeMapping Mapping, Type ProviderClrType, string StoreType,
        Func<object, object?> ProviderValue);

    private sealed record TablePlan(string Table, IReadOnlyList<ColumnPlan> Columns, IReadOnlyList<string> IdentityColumns)
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(IModel, Type), TablePlan> Cache = new();

        public static TablePlan For(IModel model, Type clrType) => Cache.GetOrAdd((model, clrType), key => Build(key.Item1, key.Item2));

        private static TablePlan Build(IModel model, Type clrType)
        {
            var entityType = model.FindEntityType(clrType)
                             ?? throw new InvalidOperationException($"{clrType.Name} is not an entity type of the model.");
            if (entityType.IsOwned())
                throw new InvalidOperationException($"{clrType.Name} is owned; insert its owner instead.");
            var table = entityType.GetTableName()
                        ?? throw new InvalidOperationException($"{clrType.Name} is not mapped to a table.");
            if (entityType.GetSchema() is not null)
                throw new NotSupportedException("BulkWriter supports tables in the default schema only.");
            var store = StoreObjectIdentifier.Table(table, null);

            var columns = new List<ColumnPlan>();
            var identities = new List<string>();
            AddColumns(entityType, store, instance => instance, columns, identities, isOwner: true);
            return new TablePlan(table, columns, identities);
        }

        private static void AddColumns(IEntityType entityType, StoreObjectIdentifier store, Func<object, object?> reach,
            List<ColumnPlan> columns, List<string> identities, bool isOwner)
        {
            foreach (var property in entityType.GetProperties())
            {
                // An owned type's key is its owner's key (same column), already written by the owner.
                if (!isOwner && property.IsPrimaryKey()) continue;
                if (property.IsShadowProperty())
                    throw new NotSupportedException($"{entityType.DisplayName()}.{property.Name} is a shadow property.");
                var name = property.GetColumnName(store)
                           ?? throw new InvalidOperationException($"{property.Name} has no column in {store.Name}.");
                var mapping = property.GetRelationalTypeMapping();
                var converter = mapping.Converter;
                var getter = property.GetGetter();
                Func<object, object?> providerValue = converter is null
                    ? row => reach(row) is { } owner ? getter.GetClrValue(owner) : null
                    : row =>
                    {
                        if (reach(row) is not { } owner) return null;
                        var value = getter.GetClrValue(owner);
                        return value is null ? null : converter.ConvertToProvider(value);
                    };
                var providerType = converter?.ProviderClrType ?? mapping.ClrType;
                columns.Add(new ColumnPlan(name, property.IsColumnNullable(store), mapping, providerType,
                    mapping.StoreType, providerValue));
                if (isOwner && property.IsPrimaryKey() && property.ValueGenerated == ValueGenerated.OnAdd)
                    identities.Add(name);
            }

            foreach (var navigation in entityType.GetNavigations())
            {
                if (!navigation.ForeignKey.IsOwnership || navigation.IsCollection || navigation.IsOnDependent) continue;
                var owned = navigation.TargetEntityType;
                if (owned.GetTableName() != store.Name)
                    throw new NotSupportedException($"Owned type {owned.DisplayName()} in its own table is not supported.");
                var navigationGetter = navigation.GetGetter();
                AddColumns(owned, store, row => reach(row) is { } owner ? navigationGetter.GetClrValue(owner) : null,
                    columns, identities, isOwner: false);
            }
        }
    }
}
