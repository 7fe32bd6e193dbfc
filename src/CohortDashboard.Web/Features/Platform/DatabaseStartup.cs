using CohortDashboard.Data;
using CohortDashboard.Data.Demo;

namespace CohortDashboard.Web.Features.Platform;

public static class DatabaseStartup
{
    /// <summary>Applies migrations, then seeds the demo orgs into an empty database when <c>Demo:Seed</c> is true.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        await DatabaseInitializer.MigrateAsync(app.Services, app.Lifetime.ApplicationStopping);
        if (!app.Configuration.GetValue("Demo:Seed", false)) return;

        var scale = app.Configuration.GetValue("Demo:Scale", 1.0);
        // The demo's "today" comes from the app's clock, so a test host that moves the clock gets data around its today.
        var today = DateOnly.FromDateTime((app.Services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow().UtcDateTime);
        var result = await DemoSeeder.SeedIfEmptyAsync(app.Services, scale, today,
            DemoDataGenerator.DefaultSeed, app.Lifetime.ApplicationStopping);
        if (result is not null) app.Logger.LogInformation("Seeded demo data: {Result}", result);
    }
}
