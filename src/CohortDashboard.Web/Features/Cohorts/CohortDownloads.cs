namespace CohortDashboard.Web.Features.Cohorts;

public static class CohortDownloads
{
    public static WebApplication MapCohortDownloads(this WebApplication app) => app;
}
