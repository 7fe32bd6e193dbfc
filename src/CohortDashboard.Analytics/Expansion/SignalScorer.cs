using System.Globalization;

namespace CohortDashboard.Analytics.Expansion;

/// <summary>An active account to score, with its active holdings.</summary>
public sealed record ScoringAccount(
    long AccountId, string Segment, decimal Arr, int HealthScore, int? ExpansionPropensity, IReadOnlyList<OwnedProduct> Owned);

/// <summary>An active holding: product and adoption (0-100).</summary>
public sealed record OwnedProduct(long ProductId, decimal AdoptionPct);

/// <summary>An active catalogue product.</summary>
public sealed record CatalogProduct(long ProductId, string Name, decimal AnnualPrice);

/// <summary>Component weights; they must sum to 1.</summary>
public sealed record ScoringWeights(decimal Affinity, decimal Readiness, decimal Health, decimal Propensity)
{
    public static ScoringWeights Default { get; } = new(0.40m, 0.25m, 0.20m, 0.15m);

    public void Validate()
    {
        if (Affinity < 0 || Readiness < 0 || Health < 0 || Propensity < 0)
            throw new ArgumentException("Signal weights must not be negative.");
        if (Affinity + Readiness + Health + Propensity != 1m)
            throw new ArgumentException(
                $"Signal weights must sum to 1 (they sum to {(Affinity + Readiness + Health + Propensity).ToString(CultureInfo.InvariantCulture)}).");
    }
}

/// <summary>Score cut-offs: ≥ P1 → priority 1, ≥ P2 → 2, ≥ P3 → 3, ≥ P4 → 4, else 5.</summary>
public sealed record PriorityCutoffs(decimal P1, decimal P2, decimal P3, decimal P4)
{
    public static PriorityCutoffs Default { get; } = new(0.80m, 0.65m, 0.50m, 0.35m);
}

public sealed record ScoringSettings(ScoringWeights Weights, PriorityCutoffs Cutoffs, int CrossSellMaxProducts)
{
    public static ScoringSettings Default { get; } = new(ScoringWeights.Default, PriorityCutoffs.Default, 6);
}

public sealed record ScoredSignal(
    long AccountId,
    long TargetProductId,
    long? SourceProductId,
    decimal AffinityScore,
    decimal AffinityComponent,
    decimal AdoptionReadiness,
    decimal HealthComponent,
    decimal PropensityComponent,
    decimal EstimatedArr,
    int Priority,
    string Reason);

public sealed record ScoringResult(IReadOnlyList<ScoredSignal> Signals, int AccountsAnalyzed, int ProductsEvaluated);

/// <summary>
/// Expansion signals (SPEC §5). Pure: accounts, catalogue, affinity cells and settings in, scored signals out.
/// <list type="bullet">
/// <item>Candidates: every active catalogue product the account does not own, for accounts below
/// <c>CrossSellMaxProducts</c> active products, where some owned product has a co-adoption rate above 0 to it.</item>
/// <item>Affinity: per owned source, the account's segment cell when that cell's confidence is not low, else the "all"
/// cell; the best rate wins (ties: larger sample, then lower product id).</item>
/// <item>Readiness = mean adoption of owned products / 100; health = health_score / 100; propensity =
/// expansion_propensity / 100, or the whitespace share (unowned active products / active products) when missing.</item>
/// <item>Score rounded to 4 decimals and clamped to 0-1; estimated ARR rounded to 2 decimals.</item>
/// </list>
/// </summary>
public static class SignalScorer
{
    public static ScoringResult Score(
        IReadOnlyCollection<ScoringAccount> accounts,
        IReadOnlyCollection<CatalogProduct> catalog,
        IEnumerable<AffinityCell> cells,
        ScoringSettings settings,
        IReadOnlySet<(long AccountId, long ProductId)>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Weights.Validate();

        var cellIndex = new Dictionary<(string Segment, long A, long B), AffinityCell>();
        foreach (var cell in cells) cellIndex[(cell.Segment, cell.ProductAId, cell.ProductBId)] = cell;
        var products = catalog.ToDictionary(p => p.ProductId);
        var medians = SegmentMedians(accounts);

        var signals = new List<ScoredSignal>();
        foreach (var account in accounts)
        {
            var ownedIds = account.Owned.Select(o => o.ProductId).ToHashSet();
            if (ownedIds.Count == 0 || ownedIds.Count >= settings.CrossSellMaxProducts) continue;

            var readiness = Clamp01(account.Owned.Average(o => o.AdoptionPct) / 100m);
            var health = Clamp01(account.HealthScore / 100m);
            var ownedInCatalog = ownedIds.Count(products.ContainsKey);
            var propensity = account.ExpansionPropensity is { } p
                ? Clamp01(p / 100m)
                : catalog.Count == 0 ? 0m : (decimal)(catalog.Count - ownedInCatalog) / catalog.Count;
            medians.TryGetValue(account.Segment, out var median);
            var factor = ArrFactor(account.Arr, median);

            foreach (var target in catalog)
            {
                if (ownedIds.Contains(target.ProductId)) continue;
                if (excluded is not null && excluded.Contains((account.AccountId, target.ProductId))) continue;
                var best = BestSource(account.Segment, ownedIds, target.ProductId, cellIndex);
                if (best is null) continue;

                var affinity = Clamp01(best.CoAdoptionRate / 100m);
                var score = Composite(settings.Weights, affinity, readiness, health, propensity);
                var baseArr = best.Confidence == AffinityConfidence.Low || best.AvgArrUplift is null
                    ? target.AnnualPrice
                    : best.AvgArrUplift.Value;
                var estimated = Math.Round(baseArr * factor, 2, MidpointRounding.AwayFromZero);
                var sourceName = products.TryGetValue(best.ProductAId, out var source) ? source.Name : $"product {best.ProductAId}";
                signals.Add(new ScoredSignal(
                    account.AccountId, target.ProductId, best.ProductAId, score,
                    Round4(affinity), Round4(readiness), Round4(health), Round4(propensity),
                    estimated, Priority(score, settings.Cutoffs),
                    Reason(sourceName, target.Name, best, readiness)));
            }
        }
        return new ScoringResult(signals, accounts.Count, catalog.Count);
    }

    /// <summary>
    /// At most <paramref name="maxPerAccount"/> signals per account: its best by score (ties: larger estimated ARR, then
    /// lower target product id), skipping <paramref name="excluded"/> pairs first so a worked pair never takes a slot.
    /// Order of the result: account, then rank within the account.
    /// </summary>
    public static IReadOnlyList<ScoredSignal> BestPerAccount(
        IEnumerable<ScoredSignal> signals, int maxPerAccount, IReadOnlySet<(long AccountId, long ProductId)>? excluded = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerAccount, 1);
        return signals
            .Where(s => excluded is null || !excluded.Contains((s.AccountId, s.TargetProductId)))
            .GroupBy(s => s.AccountId)
            .OrderBy(g => g.Key)
            .SelectMany(g => g.OrderByDescending(s => s.AffinityScore).ThenByDescending(s => s.EstimatedArr)
                .ThenBy(s => s.TargetProductId).Take(maxPerAccount))
            .ToList();
    }

    /// <summary>The weighted sum of the four 0-1 components, rounded to 4 decimals and clamped to 0-1.</summary>
    public static decimal Composite(ScoringWeights weights, decimal affinity, decimal readiness, decimal health, decimal propensity) =>
        Clamp01(Round4(weights.Affinity * affinity + weights.Readiness * readiness + weights.Health * health
                       + weights.Propensity * propensity));

    public static int Priority(decimal score, PriorityCutoffs cutoffs) =>
        score >= cutoffs.P1 ? 1 : score >= cutoffs.P2 ? 2 : score >= cutoffs.P3 ? 3 : score >= cutoffs.P4 ? 4 : 5;

    /// <summary>clamp(account ARR / segment median ARR, 0.5, 2); 1 when the median is not positive.</summary>
    public static decimal ArrFactor(decimal accountArr, decimal segmentMedianArr) =>
        segmentMedianArr <= 0m ? 1m : Math.Clamp(accountArr / segmentMedianArr, 0.5m, 2m);

    public static decimal Median(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return 0m;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2m;
    }

    public static Dictionary<string, decimal> SegmentMedians(IEnumerable<ScoringAccount> accounts) =>
        accounts.GroupBy(a => a.Segment, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Median(g.Select(a => a.Arr)), StringComparer.Ordinal);

    public static string Reason(string sourceName, string targetName, AffinityCell cell, decimal readiness)
    {
        var inv = CultureInfo.InvariantCulture;
        var who = cell.Segment == AffinitySegments.All ? "all" : cell.Segment;
        return string.Format(inv,
            "Owns {0}: {1:0.#}% of {2} accounts with {0} also have {3} (sample {4}, {5} confidence); adoption readiness {6:0}%.",
            sourceName, cell.CoAdoptionRate, who, targetName, cell.SampleSize,
            cell.Confidence.ToString().ToLowerInvariant(), readiness * 100m);
    }

    private static AffinityCell? BestSource(
        string segment, HashSet<long> owned, long target, Dictionary<(string, long, long), AffinityCell> cells)
    {
        AffinityCell? best = null;
        foreach (var source in owned)
        {
            AffinityCell? cell = cells.TryGetValue((segment, source, target), out var own) && own.Confidence != AffinityConfidence.Low
                ? own
                : cells.TryGetValue((AffinitySegments.All, source, target), out var all) ? all : null;
            if (cell is null || cell.CoAdoptionCount == 0 || cell.CoAdoptionRate <= 0m) continue;
            if (best is null
                || cell.CoAdoptionRate > best.CoAdoptionRate
                || (cell.CoAdoptionRate == best.CoAdoptionRate && (cell.SampleSize > best.SampleSize
                    || (cell.SampleSize == best.SampleSize && cell.ProductAId < best.ProductAId))))
                best = cell;
        }
        return best;
    }

    private static decimal Clamp01(decimal value) => Math.Clamp(value, 0m, 1m);

    private static decimal Round4(decimal value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);
}
