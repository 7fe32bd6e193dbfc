using CohortDashboard.Analytics.AccountCohorts;

namespace CohortDashboard.Analytics.Tests.AccountCohorts;

public sealed class CohortSnapshotCalculatorTests
{
    private static readonly DateOnly Dec = new(2025, 12, 1), Jan = new(2026, 1, 1), Feb = new(2026, 2, 1);

    private static CohortAccount Account(long id, decimal[] decJanFeb, int health, int risk, int products, decimal adoption,
        bool statusChurned = false, DateOnly? churnedOn = null) =>
        new(new AccountArrSeries(id, Dec, decJanFeb), statusChurned, churnedOn, health, risk, products, adoption);

    /// <summary>
    /// ARR at the ends of Dec, Jan, Feb:
    /// A 1 000 → 1 000 → 1 200 (expansion 200); B 1 000 → 1 000 → 600 (downsell 400); C 500 → 500 → 0 (churn 500);
    /// D 500 → 500 → 500 with status churned on Feb 10; E 300 → 0 → 300 (back in Feb); F 0 → 0 → 200 (first ARR in Feb).
    /// Health / risk / products / adoption: A 80/10/3/70, B 60/30/2/50, C 40/70/1/10, D 20/90/1/20, E 50/40/1/40, F 90/5/1/33.
    /// </summary>
    private static CohortMembers Cohort(DateOnly? dChurnedOn = null) => new(7, "Vintage 2025-Q4",
    [
        Account(1, [1_000m, 1_000m, 1_200m], 80, 10, 3, 70m),
        Account(2, [1_000m, 1_000m, 600m], 60, 30, 2, 50m),
        Account(3, [500m, 500m, 0m], 40, 70, 1, 10m),
        Account(4, [500m, 500m, 500m], 20, 90, 1, 20m, statusChurned: true, churnedOn: dChurnedOn),
        Account(5, [300m, 0m, 300m], 50, 40, 1, 40m),
        Account(6, [0m, 0m, 200m], 90, 5, 1, 33m),
    ]);

    [Fact]
    public void Compute_RevenueDefinition_DownsellIsChurnAndStatusIgnored()
    {
        var s = Assert.Single(CohortSnapshotCalculator.Compute(Cohort(Feb.AddDays(9)), Feb, Feb, ChurnBasis.Revenue));

        // Starting (Jan ends) = 1 000 + 1 000 + 500 + 500 + 0 + 0 = 3 000; total = 1 200 + 600 + 0 + 500 + 300 + 200 = 2 800.
        Assert.Equal(Feb, s.PeriodMonth);
        Assert.Equal(3_000m, s.StartingArr);
        Assert.Equal(2_800m, s.TotalArr);
        // New = F 200; expansion = A 200 + E's come-back 300 = 500; churn = B's downsell 400 + C 500 = 900, 2 accounts; no contraction.
        Assert.Equal(200m, s.NewArr);
        Assert.Equal(500m, s.ExpansionArr);
        Assert.Equal(0m, s.ContractionArr);
        Assert.Equal(900m, s.ChurnArr);
        Assert.Equal(2, s.ChurnCount);
        // Reconciles: 3 000 + 200 + 500 − 0 − 900 = 2 800.
        Assert.Equal(s.TotalArr, s.StartingArr + s.NewArr + s.ExpansionArr - s.ContractionArr - s.ChurnArr);
        // NRR = (3 000 + 500 − 0 − 900) / 3 000 = 2 600 / 3 000 = 86.666…% → 86.67; GRR = 2 100 / 3 000 = 70%.
        Assert.Equal(86.67m, s.Nrr);
        Assert.Equal(70m, s.Grr);
        // Paying at Feb end: A, B, D, E, F = 5. Health (80 + 60 + 20 + 50 + 90) / 5 = 60; risk (10 + 30 + 90 + 40 + 5) / 5 = 35;
        // products (3 + 2 + 1 + 1 + 1) / 5 = 1.6; adoption (70 + 50 + 20 + 40 + 33) / 5 = 42.6.
        Assert.Equal(5, s.Members);
        Assert.Equal(60m, s.AvgHealth);
        Assert.Equal(35m, s.AvgRisk);
        Assert.Equal(1.6m, s.ProductsPerAccount);
        Assert.Equal(42.6m, s.AdoptionPct);
    }

    [Fact]
    public void Compute_LogoDefinition_DownsellIsContractionAndStatusChurnedAccountLost()
    {
        var s = Assert.Single(CohortSnapshotCalculator.Compute(Cohort(Feb.AddDays(9)), Feb, Feb, ChurnBasis.Logo));

        // D's ARR is 0 from February (status churned Feb 10). Starting still 3 000; total = 1 200 + 600 + 0 + 0 + 300 + 200 = 2 300.
        Assert.Equal(3_000m, s.StartingArr);
        Assert.Equal(2_300m, s.TotalArr);
        // New 200; expansion 500; contraction = B 400; churn = C 500 + D 500 = 1 000, 2 logos.
        Assert.Equal(200m, s.NewArr);
        Assert.Equal(500m, s.ExpansionArr);
        Assert.Equal(400m, s.ContractionArr);
        Assert.Equal(1_000m, s.ChurnArr);
        Assert.Equal(2, s.ChurnCount);
        // Reconciles: 3 000 + 200 + 500 − 400 − 1 000 = 2 300.
        Assert.Equal(s.TotalArr, s.StartingArr + s.NewArr + s.ExpansionArr - s.ContractionArr - s.ChurnArr);
        // NRR = (3 000 + 500 − 400 − 1 000) / 3 000 = 2 100 / 3 000 = 70%; GRR = (3 000 − 400 − 1 000) / 3 000 = 53.333…% → 53.33.
        Assert.Equal(70m, s.Nrr);
        Assert.Equal(53.33m, s.Grr);
        // Paying: A, B, E, F = 4. Health (80 + 60 + 50 + 90) / 4 = 70; risk (10 + 30 + 40 + 5) / 4 = 21.25;
        // products (3 + 2 + 1 + 1) / 4 = 1.75; adoption (70 + 50 + 40 + 33) / 4 = 48.25.
        Assert.Equal(4, s.Members);
        Assert.Equal(70m, s.AvgHealth);
        Assert.Equal(21.25m, s.AvgRisk);
        Assert.Equal(1.75m, s.ProductsPerAccount);
        Assert.Equal(48.25m, s.AdoptionPct);
    }

    [Fact]
    public void Compute_TwoMonths_StartingArrIsPreviousMonthEnd()
    {
        var snapshots = CohortSnapshotCalculator.Compute(Cohort(), Jan, Feb, ChurnBasis.Revenue);

        Assert.Equal([Jan, Feb], snapshots.Select(s => s.PeriodMonth));
        // January: starting = Dec ends 1 000 + 1 000 + 500 + 500 + 300 = 3 300; E drops to 0 → churn 300, 1 account;
        // total 3 000 = February's starting ARR. NRR = GRR = 3 000 / 3 300 = 90.909…% → 90.91.
        var jan = snapshots[0];
        Assert.Equal(3_300m, jan.StartingArr);
        Assert.Equal(3_000m, jan.TotalArr);
        Assert.Equal(300m, jan.ChurnArr);
        Assert.Equal(1, jan.ChurnCount);
        Assert.Equal(90.91m, jan.Nrr);
        Assert.Equal(90.91m, jan.Grr);
        Assert.Equal(jan.TotalArr, snapshots[1].StartingArr);
    }

    [Fact]
    public void Compute_LogoWithUnknownChurnDate_LostInLastMonthOnly()
    {
        // D has no ChurnedOn: its status is known to hold only in the last month asked for (Feb), so January keeps its 500
        // (January total 3 000, as under revenue) and February loses it (churn 1 000, as with Feb 10).
        var snapshots = CohortSnapshotCalculator.Compute(Cohort(dChurnedOn: null), Jan, Feb, ChurnBasis.Logo);

        Assert.Equal(3_000m, snapshots[0].TotalArr);
        Assert.Equal(1_000m, snapshots[1].ChurnArr);
        Assert.Equal(2_300m, snapshots[1].TotalArr);
    }

    [Fact]
    public void Compute_NoStartingArr_NrrAndGrrNull()
    {
        // Only F, which first pays in February: starting 0, new 200, no ratio to give.
        var cohort = new CohortMembers(1, "New", [Account(6, [0m, 0m, 200m], 90, 5, 1, 33m)]);

        var s = Assert.Single(CohortSnapshotCalculator.Compute(cohort, Feb, Feb, ChurnBasis.Revenue));

        Assert.Equal(200m, s.NewArr);
        Assert.Null(s.Nrr);
        Assert.Null(s.Grr);
    }

    [Fact]
    public void Compute_NoPayingMembers_AveragesZero()
    {
        // An account without contracts (all-zero series) in January: no paying member to average over.
        var cohort = new CohortMembers(1, "Empty", [new CohortAccount(AccountArrSeries.Zero(9, Jan), false, null, 50, 50, 0, 0m)]);

        var s = Assert.Single(CohortSnapshotCalculator.Compute(cohort, Jan, Jan, ChurnBasis.Revenue));

        Assert.Equal(0, s.Members);
        Assert.Equal(0m, s.AvgHealth);
    }

    [Fact]
    public void Grr_ExpansionOnly_CappedAt100()
    {
        // GRR ignores expansion: (1 000 − 0 − 0) / 1 000 = 100%, whereas NRR with 250 expansion = 1 250 / 1 000 = 125%.
        Assert.Equal(100m, CohortSnapshotCalculator.Grr(1_000m, 0m, 0m));
        Assert.Equal(125m, CohortSnapshotCalculator.Nrr(1_000m, 250m, 0m, 0m));
    }

    [Fact]
    public void Grr_NegativeLossesFromBadInput_StillCappedAt100()
    {
        // (1 000 − (−100)) / 1 000 = 110% → capped to 100.
        Assert.Equal(100m, CohortSnapshotCalculator.Grr(1_000m, -100m, 0m));
    }
}
