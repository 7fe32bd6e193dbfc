using CohortDashboard.Web.Features.Auth;
using Microsoft.AspNetCore.Authorization;

namespace CohortDashboard.Web.Features.Cohorts.Api;

/// <summary>How one compat product words an error: status and message in, that product's body out.</summary>
public delegate IResult ApiErrorShape(int status, string message);

/// <summary>
/// API-key authentication and scope authorization for the compat routes, answering in the product's own error shape
/// (the default pipeline answers 401/403 with empty bodies). The routes are marked anonymous for the authorization
/// middleware and checked here instead: only an API-key principal passes (a browser session gets 401: these routes are
/// for machine clients), and it must satisfy <see cref="Policies.Scope"/> for the route's scope.
/// </summary>
public sealed class MachineKeyFilter(string scope, ApiErrorShape error) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!CurrentUser.IsApiKey(http.User))
            return error(StatusCodes.Status401Unauthorized, ApiKeyReader.HasKey(http.Request) ? "Invalid API key." : "Missing API key.");
        var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
        if (!(await authorization.AuthorizeAsync(http.User, Policies.Scope(scope))).Succeeded)
            return error(StatusCodes.Status403Forbidden, $"The API key lacks the required scope '{scope}'.");
        return await next(context);
    }
}

public static class MachineKeyRoutes
{
    /// <summary>Requires an API key carrying <paramref name="scope"/> on every route of <paramref name="group"/>.</summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group, string scope, ApiErrorShape error)
    {
        group.AllowAnonymous().AddEndpointFilter(new MachineKeyFilter(scope, error));
        return group;
    }
}
