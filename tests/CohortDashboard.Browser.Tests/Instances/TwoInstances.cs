using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using CohortDashboard.Data;
using CohortDashboard.Testing;
using Microsoft.Playwright;
using Npgsql;

namespace CohortDashboard.Browser.Tests.Instances;

/// <summary>
/// Two instances of the app (A and B, real Kestrel on their own loopback ports, in this process) over one throwaway
/// PostgreSQL database on the server test.sh starts (<c>COHORTDASHBOARD_TEST_POSTGRES</c>; the tests skip without it),
/// plus Chromium. A can be restarted; <see cref="StartProcessAsync"/> runs a third instance as its own OS process, so a
/// test can kill it.
/// </summary>
public sealed class TwoInstances : IAsyncLifetime
{
    private IPlaywright? playwright;
    private TempDatabase? database;

    public bool Available { get; private set; }
    public CohortAppFactory A { get; private set; } = default!;
    public CohortAppFactory B { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;
    public string ConnectionString => database!.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("COHORTDASHBOARD_TEST_POSTGRES"))) return;
        database = await TempDatabase.PostgreSqlAsync();
        A = StartInstance("A");
        _ = A.BaseAddress; // A migrates and seeds; B then starts on the seeded database
        B = StartInstance("B");
        _ = B.BaseAddress;
        playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchChromiumAsync(playwright);
        Available = true;
    }

    private CohortAppFactory StartInstance(string name)
    {
        var app = new CohortAppFactory();
        foreach (var (key, value) in database!.Settings) app.Settings[key] = value;
        app.Settings["Instances:Name"] = name;
        return app;
    }

    /// <summary>Stops A and starts it again on the same database (a restart).</summary>
    public async Task RestartAAsync()
    {
        await A.DisposeAsync();
        A = StartInstance("A");
        _ = A.BaseAddress;
    }

    public static HttpClient ApiClient(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        return client;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    /// <summary>
    /// The app as a separate OS process (the built CohortDashboard.Web.dll) on a free loopback port, named
    /// <paramref name="name"/>, with a short job lease; returns once it answers /healthz.
    /// </summary>
    public async Task<(Process Process, Uri BaseAddress)> StartProcessAsync(string name, int leaseSeconds)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "CohortDashboard.sln"))) root = Path.GetDirectoryName(root.TrimEnd('/'))!;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name; // bin/<Configuration>/net10.0
        var project = Path.Combine(root, "src", "CohortDashboard.Web");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(project, "bin", configuration, "net10.0", "CohortDashboard.Web.dll")])
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Database__Provider"] = "PostgreSQL";
        start.Environment["ConnectionStrings__Default"] = ConnectionString;
        start.Environment["Demo__Seed"] = "true";
        start.Environment["Demo__Scale"] = "0.05";
        start.Environment["Demo__ApiKey"] = CohortAppFactory.TestApiKey;
        start.Environment["AccountCohorts__SeedDemo"] = "false";
        start.Environment["Instances__Name"] = name;
        start.Environment["Jobs__LeaseSeconds"] = leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var client = new HttpClient { BaseAddress = address };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"Instance {name} exited with {process.ExitCode}.");
            try
            {
                if ((await client.GetAsync("/healthz")).IsSuccessStatusCode) return (process, address);
            }
            catch (HttpRequestException) { }
            if (deadline.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException($"Instance {name} did not start.");
            await Task.Delay(250);
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        if (A is not null) await A.DisposeAsync();
        if (B is not null) await B.DisposeAsync();
        if (database is not null) await database.DisposeAsync();
    }
}
