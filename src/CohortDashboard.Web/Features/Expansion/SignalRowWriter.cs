using System.Globalization;
using CohortDashboard.Data;
using CohortDashboard.Data.Bulk;
using CohortDashboard.Data.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace CohortDashboard.Web.Features.Expansion;

/// <summary>
/// Inserts freshly generated signals inside the caller's transaction. PostgreSQL goes through the
/// <see cref="BulkWriter"/> (binary COPY). On SQLite, ADO.NET re-binds every parameter by name on every execution
/// (~25 µs a row here), so signals go through one prepared statement driven by SQLite's own API with positional
/// binds on the connection's handle (several times faster at 170k rows; the engine work is the same). Values are
/// stored exactly as EF stores them on SQLite: decimals and instants as TEXT in EF's formats.
/// Like the bulk writer this bypasses the context's org guard: callers set <c>OrgId</c> from the scope.
/// </summary>
internal static class SignalRowWriter
{
    private const string DecimalFormat = "0.0###########################";
    private const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    private static readonly string[] Columns =
    [
        "id", "org_id", "account_id", "target_product_id", "source_product_id", "affinity_score", "affinity_component",
        "adoption_readiness", "health_component", "propensity_component", "estimated_arr", "priority", "reason", "status",
        "created_at", "updated_at", "updated_by", "version",
    ];

    private static readonly string InsertSql =
        $"INSERT INTO expansion_signals ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select((_, i) => "?" + (i + 1).ToString(CultureInfo.InvariantCulture)))})";

    public static async Task<long> InsertAsync(CohortDbContext db, IEnumerable<ExpansionSignal> rows, CancellationToken ct)
    {
        if (!db.Database.IsSqlite()) return await BulkWriter.InsertAsync(db, rows, ct);
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Open a transaction first.");
        var handle = ((SqliteConnection)db.Database.GetDbConnection()).Handle
                     ?? throw new InvalidOperationException("The connection is not open.");
        return Insert(handle, rows, ct);
    }

    private static long Insert(sqlite3 handle, IEnumerable<ExpansionSignal> rows, CancellationToken ct)
    {
        Check(handle, raw.sqlite3_prepare_v2(handle, InsertSql, out var statement));
        try
        {
            long count = 0;
            foreach (var s in rows)
            {
                if (count % 1024 == 0) ct.ThrowIfCancellationRequested();
                raw.sqlite3_bind_int64(statement, 1, s.Id);
                raw.sqlite3_bind_int64(statement, 2, s.OrgId);
                raw.sqlite3_bind_int64(statement, 3, s.AccountId);
                raw.sqlite3_bind_int64(statement, 4, s.TargetProductId);
                if (s.SourceProductId is { } source) raw.sqlite3_bind_int64(statement, 5, source);
                else raw.sqlite3_bind_null(statement, 5);
                raw.sqlite3_bind_text(statement, 6, Text(s.AffinityScore));
                raw.sqlite3_bind_text(statement, 7, Text(s.AffinityComponent));
                raw.sqlite3_bind_text(statement, 8, Text(s.AdoptionReadiness));
                raw.sqlite3_bind_text(statement, 9, Text(s.HealthComponent));
                raw.sqlite3_bind_text(statement, 10, Text(s.PropensityComponent));
                raw.sqlite3_bind_text(statement, 11, Text(s.EstimatedArr));
                raw.sqlite3_bind_int(statement, 12, s.Priority);
                raw.sqlite3_bind_text(statement, 13, s.Reason);
                raw.sqlite3_bind_text(statement, 14, s.Status.ToSnake());
                raw.sqlite3_bind_text(statement, 15, s.CreatedAt.ToString(DateTimeFormat, CultureInfo.InvariantCulture));
                raw.sqlite3_bind_text(statement, 16, s.UpdatedAt.ToString(DateTimeFormat, CultureInfo.InvariantCulture));
                if (s.UpdatedBy is null) raw.sqlite3_bind_null(statement, 17);
                else raw.sqlite3_bind_text(statement, 17, s.UpdatedBy);
                raw.sqlite3_bind_int(statement, 18, s.Version);
                var step = raw.sqlite3_step(statement);
                if (step != raw.SQLITE_DONE) Check(handle, step);
                raw.sqlite3_reset(statement);
                count++;
            }
            return count;
        }
        finally
        {
            statement.Dispose();
        }
    }

    private static void Check(sqlite3 handle, int rc)
    {
        if (rc != raw.SQLITE_OK) throw new SqliteException(raw.sqlite3_errmsg(handle).utf8_to_string(), rc);
    }

    private static string Text(decimal value) => value.ToString(DecimalFormat, CultureInfo.InvariantCulture);
}
