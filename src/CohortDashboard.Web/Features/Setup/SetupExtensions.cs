namespace CohortDashboard.Web.Features.Setup;

public static class SetupExtensions
{
    public static IServiceCollection AddSetup(this IServiceCollection services)
    {
        services.AddScoped<OrgCreator>();
        return services;
    }
}
