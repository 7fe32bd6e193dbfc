using System.Text.Json.Serialization;
using CohortDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Web.Features.Audit;

/// <summary>Which audit events to list: all filters optional, newest first.</summary>
public sealed record AuditFilter(string? Action = null, string? Actor = null, DateTime? From = null, DateTime? To = null, int Page = 1, int PageSize = 50);

public sealed record AuditEntry(
    [property: JsonPropertyName("id"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long Id,
    [property: JsonPropertyName("at")] DateTime At,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("target_type")] string TargetType,
    [property: JsonPropertyName("target_id")] string? TargetId,
    [property: JsonPropertyName("before")] string? Before,
    [property: JsonPropertyName("after")] string? After);

public sealed record AuditPage(
    [property: JsonPropertyName("events")] IReadOnlyList<AuditEntry> Events,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("page_size")] int PageSize,
    [property: JsonPropertyName("actions")] IReadOnlyList<string> Actions);

/// <summary>Reads the current org's audit log (writes happen beside each change, see <see cref="AuditRecord"/>).</summary>
public sealed class AuditLogService(IDbContextFactory<CohortDbContext> dbFactory)
{
    public const int MaxPageSize = 500;

    /// <summary>A page of events matching the filter, with the total and every action name the org has, for pickers.</summary>
    public async Task<AuditPage> ListAsync(AuditFilter filter, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var events = db.AuditEvents.AsNoTracking();
        // Actions are dotted ("api_key.revoked"), so "api_key" picks a whole family and "api_key.revoked" one action.
        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            var action = filter.Action.Trim();
            events = events.Where(e => e.Action == action || e.Action.StartsWith(action + "."));
        }
        if (!string.IsNullOrWhiteSpace(filter.Actor)) events = events.Where(e => e.Actor == filter.Actor.Trim());
        if (filter.From is { } from) events = events.Where(e => e.At >= from);
        if (filter.To is { } to) events = events.Where(e => e.At < to);

        var pageSize = Math.Clamp(filter.PageSize, 1, MaxPageSize);
        var page = Math.Max(1, filter.Page);
        var total = await events.CountAsync(ct);
        var rows = await events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => new AuditEntry(e.Id, e.At, e.Actor, e.Action, e.TargetType, e.TargetId, e.Before, e.After))
            .ToListAsync(ct);
        var actions = await db.AuditEvents.AsNoTracking().Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
        return new AuditPage(rows, total, page, pageSize, actions);
    }
}
