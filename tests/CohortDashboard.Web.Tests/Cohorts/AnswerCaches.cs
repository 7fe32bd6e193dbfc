using CohortDashboard.Web.Features.Cohorts;
using Microsoft.Extensions.Configuration;

namespace CohortDashboard.Web.Tests.Cohorts;

/// <summary>A <see cref="CohortAnswerCache"/> turned off, for services that must compute every answer afresh.</summary>
internal static class AnswerCaches
{
    public static CohortAnswerCache Off() => new(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Cohorts:AnswerCacheMegabytes"] = "0" }).Build());
}
