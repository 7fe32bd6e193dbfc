using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CohortDashboard.Testing;

/// <summary>
/// The npm <c>oidc-provider</c> test server (<c>tests/oidc-provider/server.mjs</c>) on a free loopback port, run as
/// a child process. Point an app at it with <see cref="Configure"/> before the app starts; start the provider once the
/// app's address (its redirect URIs) is known: the app reads discovery only at the first sign-in.
/// </summary>
public sealed class OidcTestProvider : IAsyncDisposable
{
    public const string ClientId = "cohortdashboard-tests";

    private static readonly SemaphoreSlim NpmLock = new(1, 1);
    private Process? process;
    private readonly List<string> output = [];

    public OidcTestProvider()
    {
        Port = FreeLoopbackPort();
        Authority = new Uri($"http://127.0.0.1:{Port}");
    }

    public int Port { get; }
    public Uri Authority { get; }
    public string ClientSecret { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>The provider's console output so far (for failure messages).</summary>
    public string Output { get { lock (output) return string.Join('\n', output); } }

    public void Configure(CohortAppFactory app)
    {
        app.Settings["Authentication:Oidc:Authority"] = Authority.ToString();
        app.Settings["Authentication:Oidc:ClientId"] = ClientId;
        app.Settings["Authentication:Oidc:ClientSecret"] = ClientSecret;
        app.Settings["Authentication:Oidc:DisplayName"] = "Test provider";
    }

    public async Task StartAsync(Uri appBaseAddress)
    {
        var directory = ProviderDirectory();
        await EnsureNodeModulesAsync(directory);

        var app = appBaseAddress.ToString().TrimEnd('/');
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "server.mjs", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--issuer", Authority.ToString().TrimEnd('/'),
            "--client-id", ClientId, "--client-secret", ClientSecret,
            "--redirect-uri", app + "/signin-oidc", "--post-logout-redirect-uri", app + "/signin",
        }) start.ArgumentList.Add(arg);

        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The test OIDC provider exited: {Output}");
            try
            {
                using var response = await http.GetAsync(new Uri(Authority, "/.well-known/openid-configuration"));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The test OIDC provider did not serve discovery within 60 s: {Output}");
    }

    /// <summary>Makes the provider sign with a brand-new key (new kid), as a real key rotation does.</summary>
    public async Task RotateKeysAsync()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Authority, "/test/rotate-keys"), null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Makes the token endpoint hand out broken id_tokens (<c>bad-signature</c>, <c>wrong-audience</c>,
    /// <c>wrong-issuer</c>, <c>expired</c>, <c>wrong-nonce</c>, <c>alg-none</c>) until set back to <c>normal</c>.
    /// </summary>
    public async Task SetIdTokenModeAsync(string mode)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Authority, "/test/id-token-mode"), new StringContent(mode));
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process?.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ProviderDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "oidc-provider");
            if (File.Exists(Path.Combine(candidate, "server.mjs"))) return candidate;
        }
        throw new DirectoryNotFoundException("tests/oidc-provider/server.mjs not found above " + AppContext.BaseDirectory);
    }

    /// <summary>test.sh installs the packages; this covers running the tests straight from an IDE or dotnet test.</summary>
    private static async Task EnsureNodeModulesAsync(string directory)
    {
        await NpmLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(directory, "node_modules", "oidc-provider"))) return;
            var npm = new ProcessStartInfo("npm") { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "ci", "--no-audit", "--no-fund" }) npm.ArgumentList.Add(arg);
            using var run = Process.Start(npm) ?? throw new InvalidOperationException("Could not start npm.");
            var stderr = run.StandardError.ReadToEndAsync();
            await run.StandardOutput.ReadToEndAsync();
            await run.WaitForExitAsync();
            if (run.ExitCode != 0) throw new InvalidOperationException($"npm ci in {directory} failed: {await stderr}");
        }
        finally
        {
            NpmLock.Release();
        }
    }
}
