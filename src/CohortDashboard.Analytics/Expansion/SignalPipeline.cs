namespace CohortDashboard.Analytics.Expansion;

/// <summary>The board's four statuses; "open" means pending or pitched.</summary>
public enum PipelineStatus { Pending, Pitched, Won, Dismissed }

/// <summary>Signals of one status and priority: how many, their estimated ARR, summed scores and score × ARR.</summary>
public sealed record PipelineGroup(PipelineStatus Status, int Priority, int Count, decimal EstimatedArr, decimal ScoreSum, decimal WeightedArr);

/// <summary>Count and estimated ARR of one status (a kanban column's header).</summary>
public sealed record StatusTotal(PipelineStatus Status, int Count, decimal EstimatedArr);

/// <param name="All">Every signal, any status (the seed's <c>total_opportunities</c>).</param>
/// <param name="AllEstimatedArr">Unweighted estimated ARR of every signal (the seed's <c>estimated_expansion_arr</c>).</param>
/// <param name="HighPriority">P1-P2 signals of any status (the seed's <c>high_priority_count</c>).</param>
/// <param name="AvgScore">Mean score of every signal, 4 decimals (the seed's <c>avg_affinity_score</c>).</param>
/// <param name="WeightedOpenArr">
/// The weighted pipeline: Σ score × estimated ARR over open signals, 2 decimals. A score of 0.4 counts 40 % of the
/// signal's estimated ARR — the expected value if the score were the chance to win.
/// </param>
public sealed record PipelineSummary(
    int All, decimal AllEstimatedArr, int HighPriority, decimal AvgScore,
    int Open, int Pending, int Pitched, int Won, int Dismissed,
    decimal OpenEstimatedArr, decimal WeightedOpenArr, decimal WonArr, int OpenHighPriority,
    IReadOnlyList<StatusTotal> Columns);

/// <summary>Headline numbers of an expansion pipeline, per status, from grouped signals (pure).</summary>
public static class SignalPipeline
{
    public static bool IsOpen(PipelineStatus status) => status is PipelineStatus.Pending or PipelineStatus.Pitched;

    public static PipelineSummary Summarize(IReadOnlyCollection<PipelineGroup> groups)
    {
        var all = groups.Sum(g => g.Count);
        var open = groups.Where(g => IsOpen(g.Status)).ToList();
        int CountOf(PipelineStatus status) => groups.Where(g => g.Status == status).Sum(g => g.Count);
        return new PipelineSummary(
            all,
            Money(groups.Sum(g => g.EstimatedArr)),
            groups.Where(g => g.Priority <= 2).Sum(g => g.Count),
            all == 0 ? 0m : Math.Round(groups.Sum(g => g.ScoreSum) / all, 4, MidpointRounding.AwayFromZero),
            open.Sum(g => g.Count),
            CountOf(PipelineStatus.Pending), CountOf(PipelineStatus.Pitched), CountOf(PipelineStatus.Won), CountOf(PipelineStatus.Dismissed),
            Money(open.Sum(g => g.EstimatedArr)),
            Money(open.Sum(g => g.WeightedArr)),
            Money(groups.Where(g => g.Status == PipelineStatus.Won).Sum(g => g.EstimatedArr)),
            open.Where(g => g.Priority <= 2).Sum(g => g.Count),
            Enum.GetValues<PipelineStatus>().Select(status => new StatusTotal(status, CountOf(status),
                Money(groups.Where(g => g.Status == status).Sum(g => g.EstimatedArr)))).ToList());
    }

    private static decimal Money(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}
