using System.Globalization;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>Command-line verbs run instead of the web server, e.g. <c>seed-demo --scale 10</c>.</summary>
public static class CommandLine
{
    public static async Task<bool> TryRunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != "seed-demo") return false;

        var scale = ReadOption(args, "--scale", 1.0);
        var seed = (ulong)ReadOption(args, "--seed", (double)DemoDataGenerator.DefaultSeed);
        if (scale <= 0 || scale > 1000)
        {
            await Console.Error.WriteLineAsync("--scale must be a number above 0 and at most 1000.");
            Environment.ExitCode = 2;
            return true;
        }

        var builder = Host.CreateApplicationBuilder(args.Skip(1).Where(a => !a.StartsWith("--scale") && !a.StartsWith("--seed")).ToArray());
        builder.Services.AddCohortDatabase(builder.Configuration);
        using var host = builder.Build();
        await DatabaseInitializer.MigrateAsync(host.Services, CancellationToken.None);
        var result = await DemoSeeder.SeedAsync(host.Services, scale, seed, DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None);
        Console.WriteLine(result.ToString());
        return true;
    }

    private static double ReadOption(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0 || index + 1 >= args.Length) return fallback;
        return double.TryParse(args[index + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{name} expects a number, got '{args[index + 1]}'.");
    }
}
