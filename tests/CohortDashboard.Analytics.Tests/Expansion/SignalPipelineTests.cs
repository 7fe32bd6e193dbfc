using CohortDashboard.Analytics.Expansion;

namespace CohortDashboard.Analytics.Tests.Expansion;

public sealed class SignalPipelineTests
{
    [Fact]
    public void Summarize_FourStatuses_OpenIsPendingPlusPitchedAndWeightedByScore()
    {
        // Pending: 2 × P1 (score .8 and .6, ARR 10 000 and 5 000) and 1 × P4 (score .4, ARR 1 000).
        // Pitched: 1 × P2 (score .5, ARR 4 000). Won: 1 × P3 (score .9, ARR 20 000). Dismissed: 1 × P5 (score .1, ARR 3 000).
        PipelineGroup[] groups =
        [
            new(PipelineStatus.Pending, 1, 2, 15_000m, 1.4m, 0.8m * 10_000m + 0.6m * 5_000m),
            new(PipelineStatus.Pending, 4, 1, 1_000m, 0.4m, 400m),
            new(PipelineStatus.Pitched, 2, 1, 4_000m, 0.5m, 2_000m),
            new(PipelineStatus.Won, 3, 1, 20_000m, 0.9m, 18_000m),
            new(PipelineStatus.Dismissed, 5, 1, 3_000m, 0.1m, 300m),
        ];

        var summary = SignalPipeline.Summarize(groups);

        // The seed's KPIs stay over every status: 6 signals, 43 000 unweighted, 3 at P1-P2, mean score 3.3 / 6 = 0.55.
        Assert.Equal((6, 43_000m, 3, 0.55m), (summary.All, summary.AllEstimatedArr, summary.HighPriority, summary.AvgScore));
        // Per status: open 3 + 1 = 4; won 1; dismissed 1.
        Assert.Equal((4, 3, 1, 1, 1), (summary.Open, summary.Pending, summary.Pitched, summary.Won, summary.Dismissed));
        // Open unweighted 15 000 + 1 000 + 4 000 = 20 000; weighted 8 000 + 3 000 + 400 + 2 000 = 13 400; won ARR 20 000.
        Assert.Equal((20_000m, 13_400m, 20_000m), (summary.OpenEstimatedArr, summary.WeightedOpenArr, summary.WonArr));
        Assert.Equal(3, summary.OpenHighPriority);
        Assert.Equal([(3, 16_000m), (1, 4_000m), (1, 20_000m), (1, 3_000m)], summary.Columns.Select(c => (c.Count, c.EstimatedArr)));
    }

    [Fact]
    public void Summarize_NoSignals_AllZero()
    {
        var summary = SignalPipeline.Summarize([]);

        Assert.Equal((0, 0m, 0m, 0m), (summary.All, summary.AvgScore, summary.WeightedOpenArr, summary.AllEstimatedArr));
        Assert.All(summary.Columns, c => Assert.Equal(0, c.Count));
    }
}
