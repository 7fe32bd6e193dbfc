using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.RateLimiting;

namespace CohortDashboard.Web.Features.Security;

/// <summary>Per-client flood limits (sign-in and API) from <c>RateLimits:*</c>.</summary>
public sealed record RequestLimits(int SignInPerMinute, int ApiPerMinute)
{
    public static RequestLimits Read(IConfiguration configuration) => new(
        configuration.GetValue("RateLimits:SignInPerMinute", 30),
        configuration.GetValue("RateLimits:ApiPerMinute", 1200));
}

/// <summary>Security headers on every response and per-client request limits against floods.</summary>
public static class SecurityExtensions
{
    public static IServiceCollection AddSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = RequestLimits.Read(configuration);
        services.AddSingleton(limits);
        services.AddSingleton(SecurityHeaders.Create(configuration));
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, limits));
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    public static WebApplication UseSecurity(this WebApplication app)
    {
        var headers = app.Services.GetRequiredService<SecurityHeaders>();
        app.Use((context, next) =>
        {
            // On starting, so the headers are there whatever writes the response (pages, API, error handler, static files).
            context.Response.OnStarting(() =>
            {
                headers.Apply(context.Response);
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RequestLimits limits)
    {
        var client = context.Connection.RemoteIpAddress?.ToString() ?? IPAddress.None.ToString();
        var path = context.Request.Path;
        // Sign-in attempts (demo form posts, the identity provider's challenge and callback), not the sign-in page itself.
        if ((path.StartsWithSegments("/signin") && !path.Equals("/signin", StringComparison.OrdinalIgnoreCase))
            || path.StartsWithSegments("/signin-oidc"))
            return PerMinute("signin:" + client, limits.SignInPerMinute);
        if (ApiPaths.IsApi(path))
            return PerMinute("api:" + client, limits.ApiPerMinute);
        return RateLimitPartition.GetNoLimiter("pages");
    }

    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var response = rejected.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        const string message = "Too many requests from this client; slow down and retry after the time in Retry-After.";
        // The CashRunway routes answer errors as {error}; everything else as ProblemDetails.
        if (rejected.HttpContext.Request.Path.StartsWithSegments("/api/agent"))
            await response.WriteAsJsonAsync(new { error = message }, ct);
        else
            await rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = rejected.HttpContext,
                ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = message },
            });
    }
}
