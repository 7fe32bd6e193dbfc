namespace CohortDashboard.Analytics.Expansion;

/// <summary>The segment name of the matrix computed over every account.</summary>
public static class AffinitySegments
{
    public const string All = "all";
}

public enum AffinityConfidence { Low, Medium, High }

/// <summary>An account of the population (active accounts), with its segment's wire name.</summary>
public sealed record AffinityAccount(long AccountId, string Segment);

/// <summary>One active product holding of an account.</summary>
public sealed record AffinityHolding(long AccountId, long ProductId, DateOnly StartDate, decimal ContractedArr);

/// <summary>Sample-size cut-offs for confidence: high when sample ≥ High, medium when ≥ Medium, else low.</summary>
public sealed record ConfidenceCutoffs(int High, int Medium)
{
    public static ConfidenceCutoffs Default { get; } = new(30, 10);

    public AffinityConfidence Classify(int sampleSize) =>
        sampleSize >= High ? AffinityConfidence.High : sampleSize >= Medium ? AffinityConfidence.Medium : AffinityConfidence.Low;
}

/// <summary>
/// One ordered pair A→B within a segment. Rate is a percentage (0-100) of A's owners that also own B; lift is that
/// share divided by the share of the segment's accounts that own B (1 = no better than B's popularity).
/// </summary>
public sealed record AffinityCell(
    long ProductAId,
    long ProductBId,
    string Segment,
    int CoAdoptionCount,
    decimal CoAdoptionRate,
    decimal? AvgTimeToCrossSellDays,
    decimal? AvgArrUplift,
    int SampleSize,
    AffinityConfidence Confidence,
    decimal? Lift);

public sealed record AffinityResult(IReadOnlyList<AffinityCell> Cells, int Accounts, int Products);

/// <summary>
/// The product affinity matrix (SPEC §5). Pure: accounts, the active catalogue and active holdings in, cells out.
/// <list type="bullet">
/// <item>Population of a segment = its accounts as given (the caller passes active accounts); "all" = every account.</item>
/// <item>An account owns a product when it has an active holding of it; several holdings of one product count once,
/// with the earliest start date and the summed contracted ARR.</item>
/// <item>A cell exists for every ordered pair of distinct catalogue products whose source has at least one owner in the
/// segment (the rate is undefined otherwise).</item>
/// <item>avg_time_to_cross_sell_days averages start(B) − start(A) over co-adopters where B started after A (null if none);
/// avg_arr_uplift averages B's contracted ARR over co-adopters (null if none).</item>
/// <item>Rounding: rate 2 decimals, days 1, uplift 2, lift 3 (half away from zero).</item>
/// </list>
/// </summary>
public static class AffinityCalculator
{
    public static AffinityResult Compute(
        IReadOnlyCollection<AffinityAccount> accounts,
        IReadOnlyCollection<long> productIds,
        IEnumerable<AffinityHolding> holdings,
        ConfidenceCutoffs cutoffs)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(productIds);
        ArgumentNullException.ThrowIfNull(holdings);
        ArgumentNullException.ThrowIfNull(cutoffs);

        var products = productIds.Distinct().Order().ToArray();
        var productIndex = new Dictionary<long, int>(products.Length);
        for (var i = 0; i < products.Length; i++) productIndex[products[i]] = i;

        var segmentOf = new Dictionary<long, string>(accounts.Count);
        foreach (var account in accounts) segmentOf[account.AccountId] = account.Segment;

        // account → product index → (earliest start, summed ARR)
        var owned = new Dictionary<long, Dictionary<int, (DateOnly Start, decimal Arr)>>();
        foreach (var holding in holdings)
        {
            if (!segmentOf.ContainsKey(holding.AccountId) || !productIndex.TryGetValue(holding.ProductId, out var p)) continue;
            if (!owned.TryGetValue(holding.AccountId, out var map)) owned[holding.AccountId] = map = [];
            map[p] = map.TryGetValue(p, out var existing)
                ? (existing.Start < holding.StartDate ? existing.Start : holding.StartDate, existing.Arr + holding.ContractedArr)
                : (holding.StartDate, holding.ContractedArr);
        }

        var cells = new List<AffinityCell>();
        cells.AddRange(ComputeSegment(AffinitySegments.All, accounts, owned, products, cutoffs));
        foreach (var segment in accounts.Select(a => a.Segment).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            cells.AddRange(ComputeSegment(segment, accounts.Where(a => a.Segment == segment).ToList(), owned, products, cutoffs));
        return new AffinityResult(cells, accounts.Count, products.Length);
    }

    private static IEnumerable<AffinityCell> ComputeSegment(
        string segment, IReadOnlyCollection<AffinityAccount> population,
        Dictionary<long, Dictionary<int, (DateOnly Start, decimal Arr)>> owned, long[] products, ConfidenceCutoffs cutoffs)
    {
        var n = products.Length;
        var owners = new int[n];
        var both = new int[n, n];
        var uplift = new decimal[n, n];
        var days = new long[n, n];
        var daysCount = new int[n, n];

        foreach (var account in population)
        {
            if (!owned.TryGetValue(account.AccountId, out var map)) continue;
            foreach (var (a, holdingA) in map)
            {
                owners[a]++;
                foreach (var (b, holdingB) in map)
                {
                    if (a == b) continue;
                    both[a, b]++;
                    uplift[a, b] += holdingB.Arr;
                    if (holdingB.Start > holdingA.Start)
                    {
                        days[a, b] += holdingB.Start.DayNumber - holdingA.Start.DayNumber;
                        daysCount[a, b]++;
                    }
                }
            }
        }

        var size = population.Count;
        for (var a = 0; a < n; a++)
        {
            if (owners[a] == 0) continue;
            for (var b = 0; b < n; b++)
            {
                if (a == b) continue;
                var count = both[a, b];
                var share = (decimal)count / owners[a];
                decimal? lift = owners[b] == 0 ? null : Round(share / ((decimal)owners[b] / size), 3);
                yield return new AffinityCell(
                    products[a], products[b], segment, count,
                    Round(share * 100m, 2),
                    daysCount[a, b] == 0 ? null : Round((decimal)days[a, b] / daysCount[a, b], 1),
                    count == 0 ? null : Round(uplift[a, b] / count, 2),
                    owners[a],
                    cutoffs.Classify(owners[a]),
                    lift);
            }
        }
    }

    private static decimal Round(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);
}
