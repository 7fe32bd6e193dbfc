namespace CohortDashboard.Data;

/// <summary>The database engines the product runs on.</summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSQL,
}

/// <summary>Which database this host talks to; registered as a singleton by <see cref="DataServiceCollectionExtensions.AddCohortDatabase"/>.</summary>
public sealed record DatabaseInfo(DatabaseProvider Kind)
{
    /// <summary>"Sqlite" or "PostgreSQL", e.g. for the <c>/version</c> endpoint.</summary>
    public string Provider => Kind.ToString();

    /// <summary>Parses the <c>Database:Provider</c> setting: <c>Sqlite</c> (default when empty) or <c>PostgreSQL</c>, case-insensitive.</summary>
    public static DatabaseProvider ParseProvider(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return DatabaseProvider.Sqlite;
        var trimmed = value.Trim();
        if (string.Equals(trimmed, "Sqlite", StringComparison.OrdinalIgnoreCase)) return DatabaseProvider.Sqlite;
        if (string.Equals(trimmed, "PostgreSQL", StringComparison.OrdinalIgnoreCase)) return DatabaseProvider.PostgreSQL;
        throw new InvalidOperationException(
            $"Unsupported Database:Provider '{value}'. Use 'Sqlite' (the default) or 'PostgreSQL'.");
    }
}
