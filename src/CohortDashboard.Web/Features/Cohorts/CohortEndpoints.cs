namespace CohortDashboard.Web.Features.Cohorts;

public static class CohortEndpoints
{
    /// <summary>The cohort routes: the compat APIs (Termina, Upstack, CashRunway), the projections and the page's downloads.</summary>
    public static WebApplication MapCohorts(this WebApplication app)
    {
        app.MapCohortApis();
        app.MapCohortProjectionApi();
        app.MapCohortDownloads();
        return app;
    }
}
