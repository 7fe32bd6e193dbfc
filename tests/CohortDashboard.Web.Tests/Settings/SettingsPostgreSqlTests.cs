using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Web.Features.Cohorts;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CohortDashboard.Web.Tests.Settings;

/// <summary>
/// Org creation and a settings save on PostgreSQL (when <c>COHORTDASHBOARD_TEST_POSTGRES</c> names a server): a new org
/// after the demo orgs' explicit ids, the cross-org uniqueness check, and a timezone change's background rebuild.
/// </summary>
public sealed class SettingsPostgreSqlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    [Fact]
    public async Task CreateOrgAndPutSettings_PostgreSql_StoredRebuiltAndUniqueNamesKept()
    {
        var server = Environment.GetEnvironmentVariable("COHORTDASHBOARD_TEST_POSTGRES");
        Assert.SkipWhen(string.IsNullOrWhiteSpace(server), "COHORTDASHBOARD_TEST_POSTGRES is not set; no PostgreSQL server to test against.");
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ToString();
        var name = "settings_test_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        try
        {
            await using var app = new CohortAppFactory();
            app.Settings["Database:Provider"] = "PostgreSQL";
            app.Settings["ConnectionStrings:Default"] = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
            var org = await OwnOrg.CreateAsync(app, "UTC");
            using var client = await DemoSession.SignedInClientAsync(app, org.AdminSubject);

            using var taken = await client.PutAsync("/api/settings",
                new StringContent("""{"name": "CONTOSO RETAIL"}""", Encoding.UTF8, "application/json"), Ct);
            using var saved = await client.PutAsync("/api/settings",
                new StringContent("""{"timezone": "Asia/Tokyo", "refund_date_attribution": "order_date", "priority_cutoffs": [0.9, 0.7, 0.5, 0.3]}""",
                    Encoding.UTF8, "application/json"), Ct);
            await app.Services.GetRequiredService<SettingsRecompute>().WhenIdle(org.Id).WaitAsync(TimeSpan.FromSeconds(60), Ct);
            var got = await client.GetFromJsonAsync<JsonElement>("/api/settings", Ct);
            var cohorts = await org.WithScopeAsync(app, sp => sp.GetRequiredService<CohortService>().AnalyzeAsync(new CohortQuery(), Ct));

            Assert.True(org.Id > 2, $"new org id {org.Id} after the demo orgs");
            Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            Assert.Equal(("Asia/Tokyo", "order_date"), (got.GetProperty("timezone").GetString(), got.GetProperty("refund_date_attribution").GetString()));
            Assert.Equal([0.9m, 0.7m, 0.5m, 0.3m], got.GetProperty("priority_cutoffs").EnumerateArray().Select(e => e.GetDecimal()));
            Assert.Equal("Asia/Tokyo", cohorts.Frame.Calendar.Zone.Id);
            Assert.True(cohorts.Path.UsesColumnar, cohorts.Path.Reason);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }
}
