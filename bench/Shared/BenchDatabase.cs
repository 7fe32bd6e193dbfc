using Microsoft.Extensions.Configuration;

namespace CohortDashboard.Benchmarks;

/// <summary>
/// The database a bench runner works on, from its first argument: a SQLite file, or a PostgreSQL connection string
/// (<c>Host=…</c>), so the same steps can be timed on either engine.
/// </summary>
internal static class BenchDatabase
{
    public static bool IsPostgreSql(string target) => target.StartsWith("Host=", StringComparison.OrdinalIgnoreCase);

    public static IConfiguration Configuration(string target) => new ConfigurationBuilder()
        .AddInMemoryCollection(IsPostgreSql(target)
            ? new Dictionary<string, string?> { ["ConnectionStrings:Default"] = target, ["Database:Provider"] = "PostgreSQL" }
            : new Dictionary<string, string?> { ["ConnectionStrings:Default"] = $"Data Source={target}" })
        .Build();

    /// <summary>How the target reads in the output (never a connection string's credentials).</summary>
    public static string Describe(string target) => IsPostgreSql(target) ? "PostgreSQL" : target;

    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, if any.</summary>
    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
