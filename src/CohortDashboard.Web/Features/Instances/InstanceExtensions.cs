using CohortDashboard.Data;
using CohortDashboard.Web.Features.Expansion;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortDashboard.Web.Features.Instances;

/// <summary>This app instance's name, unique among the instances sharing the database (job leases record it).</summary>
public sealed record InstanceIdentity(string Name);

/// <summary>
/// What lets several app instances share one database: the data protection key ring in the database (cookies and
/// antiforgery tokens of one instance are accepted by every other, and across restarts), job leases, and on
/// PostgreSQL the LISTEN/NOTIFY backplane for signal board events. On SQLite the same services run in one process.
/// </summary>
public static class InstanceExtensions
{
    /// <summary>The data protection application name every instance uses: keys and payloads are shared only under one.</summary>
    public const string ApplicationName = "CohortDashboard";

    public static IServiceCollection AddInstances(this IServiceCollection services, IConfiguration configuration)
    {
        var name = configuration["Instances:Name"];
        services.AddSingleton(new InstanceIdentity(string.IsNullOrWhiteSpace(name)
            ? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
            : name.Trim()[..Math.Min(name.Trim().Length, 90)]));
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToDbContext<CohortDbContext>();

        var leaseSeconds = configuration.GetValue("Jobs:LeaseSeconds", JobLeases.DefaultLeaseSeconds);
        if (leaseSeconds is < 2 or > 3600)
            throw new InvalidOperationException($"Jobs:LeaseSeconds must be between 2 and 3600 (was {leaseSeconds}).");
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new JobLeaseOptions(TimeSpan.FromSeconds(leaseSeconds)));
        services.AddSingleton<JobLeases>();

        services.AddSingleton<SignalBoardBackplane>();
        services.AddHostedService(sp => sp.GetRequiredService<SignalBoardBackplane>());
        return services;
    }
}
