using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Tests;

public sealed class QueryBudgetTests
{
    // Counting to a billion in SQLite's VM takes minutes; one GROUP BY step can be that long too.
    private const string Endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS \"Value\" FROM c";

    [Fact]
    public async Task SqliteStatement_BudgetSpentWhileItRuns_InterruptedWithinSeconds()
    {
        using var database = new TestDatabase();
        await database.MigrateAsync();
        await using var db = database.System();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var stopwatch = Stopwatch.StartNew();

        SqliteException error;
        using (QueryBudget.Enter(deadline.Token))
            error = await Assert.ThrowsAsync<SqliteException>(() => db.Database.SqlQueryRaw<long>(Endless).SingleAsync(CancellationToken.None));

        Assert.Equal(9, error.SqliteErrorCode); // SQLITE_INTERRUPT
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task SqliteStatement_OutsideABudgetOrAfterIt_RunsToTheEnd()
    {
        using var database = new TestDatabase();
        await database.MigrateAsync();
        await using var db = database.System();
        const string Short = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) AS \"Value\" FROM c";
        using var spent = new CancellationTokenSource();
        spent.Cancel();
        using (QueryBudget.Enter(spent.Token)) { }

        var count = await db.Database.SqlQueryRaw<long>(Short).SingleAsync(TestContext.Current.CancellationToken);

        Assert.Equal(200_000, count);
    }
}
