using CohortDashboard.Web.Features.Instances;
using CohortDashboard.Web.Features.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Benchmarks;

/// <summary>What <see cref="OrgJobs"/> needs since jobs take a lease in the database (issue 18), for a bench's own container.</summary>
public static class BenchJobs
{
    public static IServiceCollection AddBenchJobLeases(this IServiceCollection services, string instance) => services
        .AddSingleton(new InstanceIdentity(instance))
        .AddSingleton(new JobLeaseOptions(TimeSpan.FromSeconds(JobLeases.DefaultLeaseSeconds)))
        .AddSingleton<JobLeases>();
}
