using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.AccountCohorts;
using CohortDashboard.Web.Features.Platform;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.AccountCohorts;

/// <summary>The recompute's transaction and its per-org gate, on the real app over a real SQLite file.</summary>
public sealed class SnapshotRecomputeTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient ApiKeyClient()
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        return client;
    }

    private async Task<List<(long Id, long Cohort, DateOnly Month, decimal TotalArr, DateTime ComputedAt)>> SnapshotRowsAsync()
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.NorthwindOrgId);
        return (await db.CohortSnapshots.OrderBy(s => s.Id).ToListAsync(Ct))
            .Select(s => (s.Id, s.CohortDefinitionId, s.PeriodMonth, s.TotalArr, s.ComputedAt)).ToList();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={app.Factory.DatabasePath}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    [Fact]
    public async Task Recompute_FailsHalfWayThroughTheInsert_PreviousSnapshotsIntact()
    {
        using var client = ApiKeyClient();
        (await client.PostAsync("/api/cohorts/definitions", null, Ct)).Dispose();
        using var first = await client.PostAsync("/api/cohorts/snapshots/recompute", null, Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var before = await SnapshotRowsAsync();
        var audits = await AuditCountAsync();
        Assert.True(before.Count > 20);

        // A trigger in the database file aborts the insert once 10 new rows are in, i.e. after the old rows were
        // deleted and part of the new ones written: only the transaction can bring the old ones back.
        await ExecuteAsync("""
            CREATE TRIGGER fail_half_way BEFORE INSERT ON cohort_snapshots
            WHEN (SELECT COUNT(*) FROM cohort_snapshots) >= 10
            BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
            """);
        HttpResponseMessage failed;
        try
        {
            failed = await client.PostAsync("/api/cohorts/snapshots/recompute", null, Ct);
        }
        finally
        {
            await ExecuteAsync("DROP TRIGGER fail_half_way;");
        }

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        failed.Dispose();
        Assert.Equal(before, await SnapshotRowsAsync());
        Assert.Equal(audits, await AuditCountAsync());
        // And the gate was released: the next recompute runs and replaces them.
        using var again = await client.PostAsync("/api/cohorts/snapshots/recompute", null, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var after = await SnapshotRowsAsync();
        Assert.Equal(before.Count, after.Count);
        Assert.True(after.Min(r => r.Id) > before.Max(r => r.Id));
    }

    [Fact]
    public async Task Recompute_WhileOneRuns_409AndNothingWritten()
    {
        using var client = ApiKeyClient();
        var jobs = app.Factory.Services.GetRequiredService<OrgJobs>();
        (await client.PostAsync("/api/cohorts/definitions", null, Ct)).Dispose();
        var before = await SnapshotRowsAsync();

        HttpResponseMessage second;
        using (var running = jobs.TryStart(DemoDataGenerator.NorthwindOrgId, AccountCohortService.RecomputeJob))
        {
            Assert.NotNull(running);
            second = await client.PostAsync("/api/cohorts/snapshots/recompute", null, Ct);
        }
        Assert.Equal(before, await SnapshotRowsAsync());
        using var afterwards = await client.PostAsync("/api/cohorts/snapshots/recompute", null, Ct);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Contains("already running", (await second.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        second.Dispose();
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
        Assert.NotEqual(before, await SnapshotRowsAsync());
    }

    [Fact]
    public async Task GenerateDefinitions_WhileOneRuns_409()
    {
        using var client = ApiKeyClient();
        var jobs = app.Factory.Services.GetRequiredService<OrgJobs>();
        using var running = jobs.TryStart(DemoDataGenerator.NorthwindOrgId, AccountCohortService.GenerateJob);

        using var response = await client.PostAsync("/api/cohorts/definitions", null, Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    private async Task<int> AuditCountAsync()
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.NorthwindOrgId);
        return await db.AuditEvents.CountAsync(e => e.Action == AccountCohortJobs.RecomputedAction, Ct);
    }
}
