using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace CohortDashboard.Data;

/// <summary>
/// The deadline of the work the current async flow does for one request. PostgreSQL commands stop on the cancellation
/// token EF hands them; SQLite ignores tokens once a statement runs (one step of a GROUP BY can take minutes), so
/// <see cref="SqliteInterrupt"/> checks this budget from inside SQLite and interrupts the statement when it is spent.
/// </summary>
public static class QueryBudget
{
    private static readonly AsyncLocal<CancellationToken> Budget = new();

    /// <summary>The current flow's budget; <see cref="CancellationToken.None"/> outside a bounded request.</summary>
    public static CancellationToken Current => Budget.Value;

    /// <summary>Bounds the database work of this flow (and the awaits after it) by <paramref name="token"/> until disposed.</summary>
    public static IDisposable Enter(CancellationToken token)
    {
        var before = Budget.Value;
        Budget.Value = token;
        return new Exit(before);
    }

    private sealed class Exit(CancellationToken before) : IDisposable
    {
        public void Dispose() => Budget.Value = before;
    }
}

/// <summary>
/// Installs a SQLite progress handler on every connection EF opens: every few thousand virtual-machine steps SQLite
/// asks whether the running flow's <see cref="QueryBudget"/> is spent, and a spent one interrupts the statement
/// (<c>SQLITE_INTERRUPT</c>). The handler runs on the thread executing the statement, so it reads that flow's budget.
/// </summary>
public sealed class SqliteInterrupt : DbConnectionInterceptor
{
    public static readonly SqliteInterrupt Instance = new();

    private const int StepsBetweenChecks = 10_000;

    // Kept in a static field: native code holds only a handle to the delegate.
    private static readonly delegate_progress Check = _ => QueryBudget.Current.IsCancellationRequested ? 1 : 0;

    private SqliteInterrupt() { }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Install(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Install(connection);
        return Task.CompletedTask;
    }

    private static void Install(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) raw.sqlite3_progress_handler(handle, StepsBetweenChecks, Check, null);
    }
}
