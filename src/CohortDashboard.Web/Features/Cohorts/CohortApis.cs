using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Cohorts.Api;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>
/// The machine-client cohort APIs compatible with the seed products (SPEC §6): Termina (seed 001), Upstack (seed 003)
/// and CashRunway (seed 004), each answering errors in its own shape, plus the OpenAPI document at
/// <c>/openapi/v1.json</c> (anonymous in Development, else see <c>Auth:AnonymousDiagnostics</c>).
/// </summary>
public static class CohortApis
{
    public static WebApplication MapCohortApis(this WebApplication app)
    {
        app.MapOpenApi().RequireDiagnosticsAccess(app.Configuration, app.Environment);
        app.MapCashRunwayCohortApi();
        app.MapTerminaCohortApi();
        app.MapUpstackCohortApi();
        return app;
    }
}
