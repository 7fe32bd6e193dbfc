namespace CohortDashboard.Data.Import;

/// <summary>
/// Answers whether rows a file refers to already exist. The import service backs it with the org's external ids from
/// the database; tests pass <see cref="KnownReferences"/>. External ids compare ordinally (case-sensitive), as stored.
/// </summary>
public interface IReferenceLookup
{
    /// <summary>True when the org has an account with this external id.</summary>
    bool AccountExists(string externalId);

    /// <summary>True when the org has a product with this external id.</summary>
    bool ProductExists(string externalId);
}

/// <summary>An <see cref="IReferenceLookup"/> over in-memory sets of external ids.</summary>
public sealed class KnownReferences(IEnumerable<string> accountExternalIds, IEnumerable<string> productExternalIds)
    : IReferenceLookup
{
    private readonly HashSet<string> _accounts = new(accountExternalIds, StringComparer.Ordinal);
    private readonly HashSet<string> _products = new(productExternalIds, StringComparer.Ordinal);

    /// <inheritdoc />
    public bool AccountExists(string externalId) => _accounts.Contains(externalId);

    /// <inheritdoc />
    public bool ProductExists(string externalId) => _products.Contains(externalId);
}

/// <summary>How to read one import file.</summary>
/// <param name="TimeZone">The org's timezone: a date or time without an offset is local time there.</param>
/// <param name="References">Existing rows that references must name; null skips reference checks (preview, tests).</param>
public sealed record ImportOptions(TimeZoneInfo TimeZone, IReferenceLookup? References = null);
