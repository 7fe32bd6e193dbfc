using System.Globalization;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>
/// Command-line verbs run instead of the web server:
/// <c>seed-demo [--scale N] [--seed S]</c> migrates the configured database and fills it with demo data when empty.
/// Configuration (e.g. <c>--ConnectionStrings:Default "Data Source=x.db"</c>) is read as for the web app.
/// </summary>
public static class CommandLine
{
    public static async Task<bool> TryRunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != "seed-demo") return false;
        try
        {
            Environment.ExitCode = await SeedDemoAsync(args[1..]);
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync(error.Message);
            Environment.ExitCode = 2;
        }
        return true;
    }

    private static async Task<int> SeedDemoAsync(string[] args)
    {
        var (options, rest) = TakeOptions(args, "--scale", "--seed");
        var scale = options.TryGetValue("--scale", out var scaleText) ? ParseNumber("--scale", scaleText) : 1.0;
        var seed = options.TryGetValue("--seed", out var seedText)
            ? ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new ArgumentException($"--seed expects a whole number, got '{seedText}'.")
            : DemoDataGenerator.DefaultSeed;
        if (scale is <= 0 or > 1000) throw new ArgumentException("--scale must be above 0 and at most 1000.");

        var builder = Host.CreateApplicationBuilder(rest);
        builder.Services.AddCohortDatabase(builder.Configuration);
        using var host = builder.Build();
        await DatabaseInitializer.MigrateAsync(host.Services);
        var result = await DemoSeeder.SeedIfEmptyAsync(host.Services, scale, DatabaseStartup.DemoToday(host.Services), seed);
        if (result is null)
        {
            await Console.Error.WriteLineAsync("The database already holds organizations; seed-demo only fills an empty database.");
            return 1;
        }
        Console.WriteLine($"Seeded demo data at scale {scale.ToString(CultureInfo.InvariantCulture)} in {result.Elapsed.TotalSeconds:0.0} s:");
        foreach (var (entity, count) in result.Counts) Console.WriteLine($"  {entity,-16} {count,10:N0}");
        return 0;
    }

    private static (Dictionary<string, string> Options, string[] Remaining) TakeOptions(string[] args, params string[] names)
    {
        var options = new Dictionary<string, string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!names.Contains(args[i])) { rest.Add(args[i]); continue; }
            if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value.");
            options[args[i]] = args[++i];
        }
        return (options, rest.ToArray());
    }

    private static double ParseNumber(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{name} expects a number, got '{text}'.");
}
