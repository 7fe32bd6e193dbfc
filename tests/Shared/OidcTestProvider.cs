using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace CohortDashboard.Testing;

/// <summary>
/// The npm <c>oidc-provider</c> test server (<c>tests/oidc-provider/server.mjs</c>) on a loopback port, run as a child
/// process. <see cref="StartAsync"/> starts it, points the app at it, starts the app and registers the app's address.
/// </summary>
public sealed class OidcTestProvider : IAsyncDisposable
{
    public const string ClientId = "cohortdashboard-tests";

    private static readonly SemaphoreSlim NpmLock = new(1, 1);
    private static readonly Regex ListeningLine = new(@"listening on 127\.0\.0\.1:(\d+)$", RegexOptions.CultureInvariant);
    private Process? process;
    private readonly List<string> output = [];
    private readonly TaskCompletionSource<int> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Uri? authority;

    /// <summary>The provider's address; known once it listens.</summary>
    public Uri Authority => authority ?? throw new InvalidOperationException("The test OIDC provider has not started.");
    public string ClientSecret { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>The provider's console output so far (for failure messages).</summary>
    public string Output { get { lock (output) return string.Join('\n', output); } }

    /// <summary>
    /// Starts the provider, configures <paramref name="app"/> to sign in with it, starts the app and registers its
    /// address as the client's redirect URIs. Node binds port 0 itself and says which port it got: a port chosen here and
    /// bound later by node was once taken by another process in between.
    /// </summary>
    public async Task StartAsync(CohortAppFactory app)
    {
        await StartNodeAsync();
        Configure(app);
        await RegisterClientAsync(app.BaseAddress); // BaseAddress starts the app
    }

    private void Configure(CohortAppFactory app)
    {
        app.Settings["Authentication:Oidc:Authority"] = Authority.ToString();
        app.Settings["Authentication:Oidc:ClientId"] = ClientId;
        app.Settings["Authentication:Oidc:ClientSecret"] = ClientSecret;
        app.Settings["Authentication:Oidc:DisplayName"] = "Test provider";
    }

    private async Task StartNodeAsync()
    {
        var directory = ProviderDirectory();
        await EnsureNodeModulesAsync(directory);

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "server.mjs", "--port", "0", "--client-id", ClientId, "--client-secret", ClientSecret,
        }) start.ArgumentList.Add(arg);

        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.Add(e.Data);
            if (ListeningLine.Match(e.Data) is { Success: true } match)
                listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The test OIDC provider exited: {Output}"));
        if (!process.Start()) throw new InvalidOperationException("Could not start node.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            authority = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The test OIDC provider did not listen within 60 s: {Output}");
        }
    }

    private async Task RegisterClientAsync(Uri appBaseAddress)
    {
        var app = appBaseAddress.ToString().TrimEnd('/');
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Authority, "/test/client"), JsonContent.Create(new Dictionary<string, string[]>
        {
            ["redirect_uris"] = [app + "/signin-oidc"],
            ["post_logout_redirect_uris"] = [app + "/signin"],
        }));
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The test OIDC provider refused the app's redirect URIs ({(int)response.StatusCode}): {Output}");
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
