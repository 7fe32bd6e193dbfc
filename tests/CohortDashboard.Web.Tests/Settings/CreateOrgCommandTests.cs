using System.Diagnostics;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Tests.Settings;

/// <summary>The real <c>create-org</c> command, run as its own process over a new SQLite file.</summary>
public sealed class CreateOrgCommandTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "cohortdashboard-tests", "create-org-" + Guid.NewGuid().ToString("N"));

    public CreateOrgCommandTests() => Directory.CreateDirectory(directory);

    private string Database => Path.Combine(directory, "app.db");

    private async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CohortDashboard.Web.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.ArgumentList.Add("--ConnectionStrings:Default");
        start.ArgumentList.Add($"Data Source={Database}");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }

    private List<Organization> Orgs()
    {
        var options = new DbContextOptionsBuilder<CohortDbContext>().UseSqlite($"Data Source={Database}").Options;
        using var db = new CohortDbContext(options, Data.Tenancy.OrgScope.System());
        return db.Organizations.AsNoTracking().OrderBy(o => o.Id).ToList();
    }

    [Fact]
    public async Task CreateOrg_EmptyDatabase_MigratesCreatesAndPrintsTheId()
    {
        var (exit, output, _) = await RunAsync("create-org", "--name", "Acme", "--currency", "EUR", "--timezone", "Europe/Paris",
            "--fiscal-year-start", "4", "--termina-group", "7", "--termina-deal", "1", "--upstack-pixel", "acme-px");

        Assert.Equal(0, exit);
        var org = Assert.Single(Orgs());
        Assert.Equal(org.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), output.Trim());
        Assert.Equal(("Acme", "EUR", "Europe/Paris", 4, 7, 1, "acme-px"),
            (org.Name, org.Currency, org.TimeZone, org.FiscalYearStartMonth, org.TerminaGroupId, org.TerminaDealId, org.PixelId));
    }

    [Theory]
    [InlineData("name", "--name", "ACME", "--currency", "USD", "--timezone", "UTC")]
    [InlineData("currency", "--name", "Other", "--currency", "EURO", "--timezone", "UTC")]
    [InlineData("timezone", "--name", "Other", "--currency", "EUR", "--timezone", "Europe/Atlantis")]
    [InlineData("upstack_pixel_id", "--name", "Other", "--currency", "EUR", "--timezone", "UTC", "--upstack-pixel", "acme-px")]
    public async Task CreateOrg_Refusal_NonZeroExitNamingTheFieldAndNothingCreated(string field, params string[] options)
    {
        Assert.Equal(0, (await RunAsync("create-org", "--name", "Acme", "--currency", "EUR", "--timezone", "Europe/Paris", "--upstack-pixel", "acme-px")).ExitCode);

        var (exit, output, error) = await RunAsync(["create-org", .. options]);

        Assert.Equal(1, exit);
        Assert.Equal("", output.Trim());
        Assert.StartsWith(field + ":", error.Trim());
        Assert.Single(Orgs());
    }

    [Fact]
    public async Task CreateOrg_MissingTimezone_UsageErrorExit2()
    {
        var (exit, _, error) = await RunAsync("create-org", "--name", "Acme", "--currency", "EUR");

        Assert.Equal(2, exit);
        Assert.Contains("--timezone", error);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
