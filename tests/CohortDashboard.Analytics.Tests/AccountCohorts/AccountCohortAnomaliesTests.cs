using CohortDashboard.Analytics.AccountCohorts;

namespace CohortDashboard.Analytics.Tests.AccountCohorts;

public sealed class AccountCohortAnomaliesTests
{
    private static readonly DateOnly Jan = new(2026, 1, 1);

    private static AccountCohortSnapshot Snap(int monthOffset, decimal? nrr = null, int churnCount = 0, decimal health = 70m, int members = 10) =>
        new(5, Jan.AddMonths(monthOffset), members, 1_000m, 1_000m, 0m, 0m, 0m, 0m, churnCount, nrr, nrr is null ? null : Math.Min(nrr.Value, 100m),
            health, 30m, 2m, 50m);

    private static IReadOnlyList<AccountCohortAnomaly> Detect(params AccountCohortSnapshot[] snapshots) =>
        AccountCohortAnomalies.Detect(5, "Vintage 2025-Q3", snapshots, AnomalyThresholds.Default);

    [Fact]
    public void Detect_RunningMonth_NeverJudged()
    {
        // March is running (a few days of it): its 99.8 % NRR, rising churn and health drop are all partial.
        var snapshots = new[] { Snap(0, nrr: 101m, churnCount: 1), Snap(1, nrr: 85m, churnCount: 2), Snap(2, nrr: 99.8m, churnCount: 3, health: 50m) };

        var anomalies = AccountCohortAnomalies.Detect(5, "Vintage 2025-Q3", snapshots, AnomalyThresholds.Default, runningMonth: Jan.AddMonths(2));

        // Only February's critical NRR; without the running month the churn run (1 → 2) is one rise, below 2 periods.
        var anomaly = Assert.Single(anomalies);
        Assert.Equal((AccountCohortAnomalyType.LowNrr, AnomalySeverity.Critical, Jan.AddMonths(1)), (anomaly.Type, anomaly.Severity, anomaly.Period));
        // The same months with March finished: March is judged (low NRR, two rises of churn, a 20-point health fall).
        Assert.Equal(4, AccountCohortAnomalies.Detect(5, "Vintage 2025-Q3", snapshots, AnomalyThresholds.Default, runningMonth: Jan.AddMonths(3)).Count);
    }

    [Fact]
    public void Detect_NrrJustBelowWarning_Warning()
    {
        // 99.99 < 100 (warning) but ≥ 90 (critical).
        var anomaly = Assert.Single(Detect(Snap(0, nrr: 99.99m)));

        Assert.Equal(AccountCohortAnomalyType.LowNrr, anomaly.Type);
        Assert.Equal(AnomalySeverity.Warning, anomaly.Severity);
        Assert.Equal(100m, anomaly.Threshold);
        Assert.Equal(Jan, anomaly.Period);
        Assert.Equal("Vintage 2025-Q3: net revenue retention in 2026-01 was 99.99%, below the warning threshold of 100%.", anomaly.Message);
    }

    [Fact]
    public void Detect_NrrAtWarningThreshold_None()
    {
        // 100 is not strictly below 100.
        Assert.Empty(Detect(Snap(0, nrr: 100m)));
    }

    [Fact]
    public void Detect_NrrJustAboveWarning_None()
    {
        Assert.Empty(Detect(Snap(0, nrr: 100.01m)));
    }

    [Fact]
    public void Detect_HealthDownJustOverTenPoints_HealthDecline()
    {
        // 70 → 59.99: a fall of 10.01 ≥ 10.
        Assert.Equal(10.01m, Assert.Single(Detect(Snap(0, health: 70m), Snap(1, health: 59.99m))).Value);
    }

    [Fact]
    public void Detect_NrrJustBelowCritical_Critical()
    {
        // 89.99 < 90.
        var anomaly = Assert.Single(Detect(Snap(0, nrr: 89.99m)));

        Assert.Equal(AnomalySeverity.Critical, anomaly.Severity);
        Assert.Equal(90m, anomaly.Threshold);
        Assert.Contains("below the critical threshold of 90%", anomaly.Message);
    }

    [Fact]
    public void Detect_NrrAtCriticalThreshold_WarningOnly()
    {
        // 90 is not below 90, but is below 100.
        Assert.Equal(AnomalySeverity.Warning, Assert.Single(Detect(Snap(0, nrr: 90m))).Severity);
    }

    [Fact]
    public void Detect_ChurnUpTwoConsecutiveMonths_AcceleratingChurn()
    {
        // 1 → 2 → 4: two rises in a row, the threshold of 2, reached in March.
        var anomaly = Assert.Single(Detect(Snap(0, churnCount: 1), Snap(1, churnCount: 2), Snap(2, churnCount: 4)));

        Assert.Equal(AccountCohortAnomalyType.AcceleratingChurn, anomaly.Type);
        Assert.Equal(AnomalySeverity.Warning, anomaly.Severity);
        Assert.Equal(new DateOnly(2026, 3, 1), anomaly.Period);
        Assert.Equal(4m, anomaly.Value);
        Assert.Equal("Vintage 2025-Q3: churned accounts have risen for 2 consecutive months (1 → 2 → 4), to 4 in 2026-03.", anomaly.Message);
    }

    [Fact]
    public void Detect_ChurnUpOnlyOnce_None()
    {
        // 2 → 2 → 3: the February count did not rise, so March ends a run of 1 rise, below 2.
        Assert.Empty(Detect(Snap(0, churnCount: 2), Snap(1, churnCount: 2), Snap(2, churnCount: 3)));
    }

    [Fact]
    public void Detect_ChurnRisingThreeMonths_ReportedInEachMonthOfTheRun()
    {
        // 0 → 1 → 2 → 3: runs of 2 (March) and 3 (April) rises.
        var anomalies = Detect(Snap(0, churnCount: 0), Snap(1, churnCount: 1), Snap(2, churnCount: 2), Snap(3, churnCount: 3));

        Assert.Equal([new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 1)], anomalies.Select(a => a.Period));
        Assert.Contains("risen for 3 consecutive months (0 → 1 → 2 → 3)", anomalies[1].Message);
    }

    [Fact]
    public void Detect_ChurnRiseAcrossMissingMonth_RunBroken()
    {
        // January 1, (no February snapshot), March 2, April 3: March does not follow a snapshot month, so only one rise.
        Assert.Empty(Detect(Snap(0, churnCount: 1), Snap(2, churnCount: 2), Snap(3, churnCount: 3)));
    }

    [Fact]
    public void Detect_HealthDownExactlyTenPoints_HealthDecline()
    {
        // 70 → 60: a fall of 10 ≥ 10.
        var anomaly = Assert.Single(Detect(Snap(0, health: 70m), Snap(1, health: 60m)));

        Assert.Equal(AccountCohortAnomalyType.HealthDecline, anomaly.Type);
        Assert.Equal(10m, anomaly.Value);
        Assert.Equal(new DateOnly(2026, 2, 1), anomaly.Period);
        Assert.Equal("Vintage 2025-Q3: average health fell 10 points in 2026-02, from 70 to 60 (threshold 10).", anomaly.Message);
    }

    [Fact]
    public void Detect_HealthDownJustUnderTenPoints_None()
    {
        // 70 → 60.01: a fall of 9.99 < 10.
        Assert.Empty(Detect(Snap(0, health: 70m), Snap(1, health: 60.01m)));
    }

    [Fact]
    public void Detect_HealthFromEmptyMonth_None()
    {
        // February has no paying members (average 0): not a fall from 70 to 0.
        Assert.Empty(Detect(Snap(0, health: 70m), Snap(1, health: 0m, members: 0)));
    }

    [Fact]
    public void Detect_CustomThresholds_Used()
    {
        // Warning below 105, critical below 95, 5 health points, 1 period: 104 NRR warns; churn 0 → 1 is one rise;
        // health 70 → 65 is a 5-point fall.
        var thresholds = new AnomalyThresholds(105m, 95m, 5m, 1);

        var anomalies = AccountCohortAnomalies.Detect(5, "Custom", [Snap(0, health: 70m), Snap(1, nrr: 104m, churnCount: 1, health: 65m)], thresholds);

        Assert.Equal([AccountCohortAnomalyType.LowNrr, AccountCohortAnomalyType.AcceleratingChurn, AccountCohortAnomalyType.HealthDecline],
            anomalies.Select(a => a.Type));
    }

    [Fact]
    public void Validate_CriticalAboveWarning_Throws()
    {
        Assert.Throws<ArgumentException>(() => new AnomalyThresholds(90m, 100m, 10m, 2).Validate());
    }

    [Fact]
    public void ToWire_TypesAndSeverities_SnakeCase()
    {
        Assert.Equal("accelerating_churn", AccountCohortAnomalyType.AcceleratingChurn.ToWire());
        Assert.Equal("critical", AnomalySeverity.Critical.ToWire());
    }
}
