namespace CohortDashboard.Web.Features.Cohorts;

public static class CohortApis
{
    public static WebApplication MapCohortApis(this WebApplication app) => app;
}
