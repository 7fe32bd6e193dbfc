using System.Globalization;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Web.Features.Setup;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>
/// Command-line verbs run instead of the web server:
/// <c>seed-demo [--scale N] [--seed S]</c> migrates the configured database and fills it with demo data when empty;
/// <c>create-org --name N --currency C --timezone Z [--fiscal-year-start M] [--termina-group G --termina-deal D]
/// [--upstack-pixel P] [--demo-admin]</c> migrates it and creates an organization, printing its id.
/// Configuration (e.g. <c>--ConnectionStrings:Default "Data Source=x.db"</c>) is read as for the web app.
/// </summary>
public static class CommandLine
{
    public static async Task<bool> TryRunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("seed-demo" or "create-org")) return false;
        try
        {
            Environment.ExitCode = args[0] == "seed-demo" ? await SeedDemoAsync(args[1..]) : await CreateOrgAsync(args[1..]);
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

    private static async Task<int> CreateOrgAsync(string[] args)
    {
        var demoAdmin = args.Contains("--demo-admin");
        var (options, rest) = TakeOptions(args.Where(a => a != "--demo-admin").ToArray(),
            "--name", "--currency", "--timezone", "--fiscal-year-start", "--termina-group", "--termina-deal", "--upstack-pixel");
        string Required(string name) => options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"create-org needs {name}.");
        var request = new NewOrg(Required("--name"), Required("--currency"), Required("--timezone"),
            options.TryGetValue("--fiscal-year-start", out var month) ? ParseWhole("--fiscal-year-start", month) : 1,
            options.TryGetValue("--termina-group", out var group) ? ParseWhole("--termina-group", group) : null,
            options.TryGetValue("--termina-deal", out var deal) ? ParseWhole("--termina-deal", deal) : null,
            options.GetValueOrDefault("--upstack-pixel"));

        var builder = Host.CreateApplicationBuilder(rest);
        builder.Services.AddCohortDatabase(builder.Configuration);
        using var host = builder.Build();
        await DatabaseInitializer.MigrateAsync(host.Services);
        var clock = host.Services.GetService<TimeProvider>() ?? TimeProvider.System;
        var result = await new OrgCreator(host.Services, clock).CreateAsync(request, "cli", demoAdmin, onlyIfNone: false, CancellationToken.None);
        if (result.Org is not { } org)
        {
            foreach (var (field, messages) in result.Errors!)
                foreach (var message in messages) await Console.Error.WriteLineAsync($"{field}: {message}");
            return 1;
        }
        Console.WriteLine(org.Id.ToString(CultureInfo.InvariantCulture));
        await Console.Error.WriteLineAsync(
            $"Created organization {org.Id} \"{org.Name}\". An identity provider's org claim must carry \"{org.Name}\" or {org.Id}" +
            (org.AdminSubject is { } admin ? $"; with demo sign-in, sign in as {admin}." : "."));
        return 0;
    }

    private static int ParseWhole(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{name} expects a whole number, got '{text}'.");

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
