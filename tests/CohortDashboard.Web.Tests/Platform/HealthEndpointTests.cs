using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CohortDashboard.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CohortDashboard.Web.Tests.Platform;

/// <summary>
/// Readiness (<c>/healthz</c>) against a database that breaks under the running app, and liveness (<c>/livez</c>);
/// each test has its own app and database because it breaks them.
/// </summary>
public sealed class HealthEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    private static string Problem(JsonElement body) => body.GetProperty("problems").GetProperty("database").GetString()!;

    [Fact]
    public async Task Healthz_WriteLockHeldByAnotherConnection_503UntilReleasedLivezStays200()
    {
        await using var app = new CohortAppFactory();
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/healthz")).Status);

        HttpStatusCode locked, live;
        JsonElement body;
        await using (var holder = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False"))
        {
            await holder.OpenAsync(Ct);
            await using var command = holder.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE";
            await command.ExecuteNonQueryAsync(Ct);
            (locked, body) = await GetAsync(client, "/healthz");
            (live, _) = await GetAsync(client, "/livez");
        }
        var (after, _) = await GetAsync(client, "/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, locked);
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("database").GetString());
        Assert.Contains("does not accept writes", Problem(body));
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task Healthz_DatabaseFileDeleted_503NoEmptyDatabaseCreatedRequestsFail()
    {
        await using var app = new CohortAppFactory();
        using var client = app.CreateClient();
        using var api = app.CreateClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", CohortAppFactory.TestApiKey);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/healthz")).Status);
        using (var before = await api.GetAsync("/api/expansion/signals", Ct)) Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        foreach (var file in new[] { "", "-wal", "-shm" }) File.Delete(app.DatabasePath + file);
        var (status, body) = await GetAsync(client, "/healthz");
        using var page = await api.GetAsync("/api/expansion/signals", Ct);
        var (live, _) = await GetAsync(client, "/livez");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("cannot be opened", Problem(body));
        Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
        Assert.False(File.Exists(app.DatabasePath), "a new empty database file was created");
        Assert.Equal(HttpStatusCode.OK, live);
    }

    [Fact]
    public async Task Healthz_SchemaMissing_503()
    {
        await using var app = new CohortAppFactory();
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/healthz")).Status);

        await using (var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE \"__EFMigrationsHistory\"";
            await command.ExecuteNonQueryAsync(Ct);
        }
        var (status, body) = await GetAsync(client, "/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("schema is missing", Problem(body));
    }

    [Fact]
    public async Task Healthz_PostgreSqlReadOnlyThenTableDropped_503Each()
    {
        var server = Environment.GetEnvironmentVariable("COHORTDASHBOARD_TEST_POSTGRES");
        Assert.SkipWhen(string.IsNullOrWhiteSpace(server), "COHORTDASHBOARD_TEST_POSTGRES is not set; no PostgreSQL server to test against.");
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ToString();
        var name = "health_test_" + Guid.NewGuid().ToString("N")[..12];
        var database = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ToString();
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        try
        {
            await using var app = new CohortAppFactory();
            app.Settings["Database:Provider"] = "PostgreSQL";
            app.Settings["ConnectionStrings:Default"] = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
            using var client = app.CreateClient();
            var (healthy, _) = await GetAsync(client, "/healthz");

            await ExecuteAsync(admin, $"ALTER DATABASE {name} SET default_transaction_read_only = on");
            NpgsqlConnection.ClearAllPools(); // the setting applies to new sessions
            var (readOnly, readOnlyBody) = await GetAsync(client, "/healthz");
            await ExecuteAsync(admin, $"ALTER DATABASE {name} SET default_transaction_read_only = off");
            NpgsqlConnection.ClearAllPools();
            var (writable, _) = await GetAsync(client, "/healthz");
            await ExecuteAsync(database, "DROP TABLE organizations CASCADE");
            var (dropped, droppedBody) = await GetAsync(client, "/healthz");

            Assert.Equal(HttpStatusCode.OK, healthy);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readOnly);
            Assert.Contains("does not accept writes", Problem(readOnlyBody));
            Assert.Equal(HttpStatusCode.OK, writable);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, dropped);
            Assert.Contains("cannot be read", Problem(droppedBody));
        }
        finally
        {
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
