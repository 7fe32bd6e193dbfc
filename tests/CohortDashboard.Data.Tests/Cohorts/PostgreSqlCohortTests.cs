using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Periods;
using CohortDashboard.Data.Cohorts;
using CohortDashboard.Data.Columnar;
using CohortDashboard.Data.Demo;
using Npgsql;

namespace CohortDashboard.Data.Tests.Cohorts;

/// <summary>
/// Rebuilds one demo matrix with an independent query that PostgreSQL answers with its own timezone arithmetic
/// (<c>AT TIME ZONE</c>, <c>date_trunc</c>) and compares every cell with what the engine computes from the primary's
/// orders and from the columnar store built off PostgreSQL.
/// Skipped without <c>COHORTDASHBOARD_TEST_POSTGRES</c>.
/// </summary>
public sealed class PostgreSqlCohortTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MonthlyMatrix_PostgreSqlOrdersAndColumnar_EveryCellMatchesIndependentSql()
    {
        await using var database = await PostgresTempDatabase.CreateAsync();
        var asOf = new DateOnly(2026, 6, 15);
        await using (var system = database.System())
        {
            await DatabaseInitializer.MigrateAsync(system, Ct);
            await DemoSeeder.SeedIfEmptyAsync(system, 0.05, asOf, 21, Ct);
        }
        await using var db = database.For(DemoDataGenerator.NorthwindOrgId);

        var calendar = new PeriodCalendar(Granularity.Month, LocalCalendar.FindTimeZone("America/New_York"));
        var first = calendar.IndexOf(new DateOnly(2025, 7, 1));
        var request = new CohortFactRequest(calendar, CohortOrderSettings.Default, first, asOf);
        var accumulator = new CohortAccumulator(first, calendar.IndexOf(asOf), calendar.IndexOf(asOf), 12);
        var path = await CohortFactSource.ReadAsync(db, request,
            (account, facts) => accumulator.AddCustomer(account, CohortMatrixBuilder.AllGroup, facts), columnar: null, Ct);
        var matrix = CohortMatrixBuilder.Build(accumulator, calendar, CohortMeasure.GrossRevenue, RetentionMode.Bounded).Groups.Single();

        // The same matrix from the columnar store built off this PostgreSQL primary, as a matrix query reads it.
        var directory = Path.Combine(Path.GetTempPath(), "cohortdashboard-tests", "columnar-" + Guid.NewGuid().ToString("N"));
        CohortMatrix columnarMatrix;
        CohortFactPath columnarPath;
        using (var store = new ColumnarStore(directory, _ => database.For(DemoDataGenerator.NorthwindOrgId)))
        {
            var columnarAccumulator = new CohortAccumulator(first, calendar.IndexOf(asOf), calendar.IndexOf(asOf), 12);
            columnarPath = await CohortFactSource.ReadAsync(db, request with { OnlyAcquiredInRange = true },
                (account, facts) => columnarAccumulator.AddCustomer(account, CohortMatrixBuilder.AllGroup, facts), store, Ct);
            columnarMatrix = CohortMatrixBuilder.Build(columnarAccumulator, calendar, CohortMeasure.GrossRevenue, RetentionMode.Bounded).Groups.Single();
        }
        Directory.Delete(directory, recursive: true);

        var expected = new Dictionary<(string Cohort, int Offset), (long Customers, decimal Gross)>();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand("""
                WITH o AS (
                    SELECT account_id, gross_revenue,
                           date_trunc('month', placed_at AT TIME ZONE 'America/New_York') AS m
                    FROM orders
                    WHERE org_id = @org AND status = 'paid' AND placed_at < @asOfEnd),
                acquisition AS (SELECT account_id, min(m) AS c FROM o GROUP BY account_id)
                SELECT to_char(a.c, 'YYYY-MM') AS cohort,
                       ((extract(year FROM o.m) - extract(year FROM a.c)) * 12 + extract(month FROM o.m) - extract(month FROM a.c))::int AS k,
                       count(DISTINCT o.account_id) AS customers,
                       sum(o.gross_revenue) AS gross
                FROM o JOIN acquisition a USING (account_id)
                WHERE a.c >= '2025-07-01'
                GROUP BY 1, 2
                """, connection);
            command.Parameters.AddWithValue("org", DemoDataGenerator.NorthwindOrgId);
            command.Parameters.AddWithValue("asOfEnd", request.AsOfEndUtc);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
                expected[(reader.GetString(0), reader.GetInt32(1))] = (reader.GetInt64(2), reader.GetDecimal(3));
        }

        Assert.False(path.UsesColumnar, path.Reason);
        Assert.True(columnarPath.UsesColumnar, columnarPath.Reason);
        Assert.Equal(12, matrix.Rows.Count);
        var compared = 0;
        foreach (var row in matrix.Rows)
        {
            for (var k = 0; k < row.Cells.Count; k++)
            {
                if (row.Cells[k] is not { } cell) continue;
                var (customers, gross) = expected.GetValueOrDefault((row.Label, k));
                Assert.True(customers == cell.Customers, $"{row.Label} M{k}: SQL {customers} customers, engine {cell.Customers}");
                Assert.True(gross == (cell.Value ?? 0m), $"{row.Label} M{k}: SQL gross {gross}, engine {cell.Value}");
                var columnarCell = columnarMatrix.Rows.Single(r => r.Label == row.Label).Cells[k];
                Assert.True(customers == columnarCell?.Customers, $"{row.Label} M{k}: SQL {customers} customers, columnar {columnarCell?.Customers}");
                Assert.True(gross == (columnarCell?.Value ?? 0m), $"{row.Label} M{k}: SQL gross {gross}, columnar {columnarCell?.Value}");
                compared++;
            }
        }
        Assert.Equal(expected.Keys.Count(key => key.Offset < 12), matrix.Rows.Sum(r => r.Cells.Count(c => c is { Customers: > 0 })));
        Assert.True(compared >= 78, $"only {compared} cells compared");
    }
}
