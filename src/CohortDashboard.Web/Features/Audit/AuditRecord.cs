using System.Text.Json;
using CohortDashboard.Data.Model;

namespace CohortDashboard.Web.Features.Audit;

/// <summary>
/// Builds the audit row of a write. Callers add it to the same context (and transaction) as the write itself, so a
/// write is never stored without its audit row or the other way round.
/// </summary>
public static class AuditRecord
{
    public static AuditEvent Create(string actor, DateTime at, string action, string targetType, string? targetId, object? before, object? after) =>
        new()
        {
            Actor = actor,
            At = at,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Before = before is null ? null : JsonSerializer.Serialize(before),
            After = after is null ? null : JsonSerializer.Serialize(after),
        };
}
