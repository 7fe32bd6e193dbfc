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
        var result = await DemoSeeder.SeedIfEmptyAsync(app.Services, scale, DemoToday(app.Services),
            DemoDataGenerator.DefaultSeed, app.Lifetime.ApplicationStopping);
        if (result is not null) app.Logger.LogInformation("Seeded demo data: {Result}", result);
    }

    /// <summary>
    /// The demo's "today", from the app's clock (the system clock where none is registered), so a host that moves the
    /// clock gets data around its own today.
    /// </summary>
    public static DateOnly DemoToday(IServiceProvider services) =>
        DateOnly.FromDateTime((services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow().UtcDateTime);
}
