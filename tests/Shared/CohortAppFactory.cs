using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Testing;

/// <summary>
/// The real app on real Kestrel (a loopback port) over its own new SQLite file, seeded with small demo data.
/// Used by the HTTP tests and, through its address, by the browser tests.
/// </summary>
public class CohortAppFactory : WebApplicationFactory<Program>
{
    public const string TestApiKey = "cdk_test_0123456789abcdef0123456789abcdef";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "cohortdashboard-tests", Guid.NewGuid().ToString("N"));

    public CohortAppFactory()
    {
        Directory.CreateDirectory(directory);
        DatabasePath = Path.Combine(directory, "app.db");
        UseKestrel(0);
    }

    public string DatabasePath { get; }

    public string EnvironmentName { get; init; } = "Development";

    /// <summary>Extra configuration, applied last (e.g. <c>Auth:AllowDemo</c>).</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
            return new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:Default", $"Data Source={DatabasePath}");
        builder.UseSetting("Demo:Seed", "true");
        builder.UseSetting("Demo:Scale", "0.05");
        builder.UseSetting("Demo:ApiKey", TestApiKey);
        // Tests create their own account cohorts (the start-up demo generation would change other features' fixtures).
        builder.UseSetting("AccountCohorts:SeedDemo", "false");
        builder.UseSetting("Expansion:SeedDemo", "false"); // tests start from an uncomputed board unless they ask
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Every test client comes from loopback, so the per-client flood limits would throttle the suite; the tests of
        // the limits set their own.
        builder.UseSetting("RateLimits:SignInPerMinute", "100000");
        builder.UseSetting("RateLimits:ApiPerMinute", "100000");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
