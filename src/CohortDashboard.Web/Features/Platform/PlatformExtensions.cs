using System.Reflection;
using CohortDashboard.Data;
using CohortDashboard.Web.Features.Auth;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>Cross-cutting plumbing: problem details, error pages, health and version endpoints.</summary>
public static class PlatformExtensions
{
    public static IServiceCollection AddPlatform(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddQueryLimits();
        services.AddHealthChecks().AddCheck<DatabaseReadiness>("database", timeout: TimeSpan.FromSeconds(10));
        return services;
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        // One handler turns unhandled exceptions into ProblemDetails for API calls and the friendly /error page for
        // browsers; details are only shown in Development.
        app.UseExceptionHandler("/error");
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        // Pages re-render the not-found page; API routes keep their method and get a ProblemDetails body instead (a
        // re-executed POST would otherwise fail the page's antiforgery check and turn a 403 into a 400).
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        // Inner to the page handler: an API response gets its ProblemDetails body here, so the outer handler sees a body
        // and leaves it alone.
        app.UseWhen(context => ApiPaths.IsApi(context.Request.Path), api => api.UseStatusCodePages());
        return app;
    }

    public static WebApplication MapPlatform(this WebApplication app)
    {
        // Readiness: 503 while the database cannot be read and written (take the instance out of rotation).
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        // Liveness: the process serves requests; no dependency is checked (restart only when this fails).
        app.MapHealthChecks("/livez", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync })
            .AllowAnonymous();

        app.MapGet("/version", (DatabaseInfo database) => TypedResults.Ok(VersionInfo.Read(database.Provider)))
            .RequireDiagnosticsAccess(app.Configuration, app.Environment)
            .WithName("GetVersion");
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
            problems = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
                .ToDictionary(e => e.Key, e => e.Value.Description ?? "failed"),
        });
    }
}

/// <summary>What /version answers: the build's version and commit and the database provider in use.</summary>
public sealed record VersionInfo(string Version, string Commit, string Provider)
{
    public static VersionInfo Read(string provider)
    {
        var informational = typeof(VersionInfo).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+');
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        return new VersionInfo(version, commit, provider);
    }
}
