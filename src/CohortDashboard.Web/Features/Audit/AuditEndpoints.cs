using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CohortDashboard.Web.Features.Audit;

/// <summary>Query options of GET /api/audit.</summary>
public sealed record AuditQuery(
    [FromQuery(Name = "action")] string? Action,
    [FromQuery(Name = "actor")] string? Actor,
    [FromQuery(Name = "from")] string? From,
    [FromQuery(Name = "to")] string? To,
    [FromQuery(Name = "page")] string? Page,
    [FromQuery(Name = "page_size")] string? PageSize);

public static class AuditEndpoints
{
    public static IServiceCollection AddAuditLog(this IServiceCollection services) => services.AddScoped<AuditLogService>();

    public static WebApplication MapAuditLog(this WebApplication app)
    {
        app.MapGet("/api/audit", ListAsync).WithTags("Audit").RequireAuthorization(Policies.Admin).WithName("ListAuditEvents");
        return app;
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAsync(
        [AsParameters] AuditQuery query, AuditLogService audit, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var from = QueryValues.Instant(query.From, "from", errors);
        var to = QueryValues.Instant(query.To, "to", errors);
        var page = QueryValues.WholeNumber(query.Page, "page", 1, int.MaxValue, errors) ?? 1;
        var pageSize = QueryValues.WholeNumber(query.PageSize, "page_size", 1, AuditLogService.MaxPageSize, errors) ?? 50;
        if (from is not null && to is not null && from >= to) errors["to"] = ["'to' must be after 'from'."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await audit.ListAsync(new AuditFilter(query.Action, query.Actor, from, to, page, pageSize), ct));
    }
}
