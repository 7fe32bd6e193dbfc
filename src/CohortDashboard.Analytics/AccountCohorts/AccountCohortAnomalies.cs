using System.Globalization;

namespace CohortDashboard.Analytics.AccountCohorts;

/// <summary>What an account-cohort anomaly is about.</summary>
public enum AccountCohortAnomalyType { LowNrr, AcceleratingChurn, HealthDecline }

public enum AnomalySeverity { Warning, Critical }

/// <summary>Anomaly thresholds (org settings; defaults per SPEC §4).</summary>
/// <param name="NrrWarningBelow">NRR strictly below this (percent) is a warning.</param>
/// <param name="NrrCriticalBelow">NRR strictly below this (percent) is critical; at most <paramref name="NrrWarningBelow"/>.</param>
/// <param name="HealthDeclinePoints">A fall in average health of at least this many points from the month before.</param>
/// <param name="ChurnAccelerationPeriods">The churn count rising in this many consecutive months.</param>
public sealed record AnomalyThresholds(decimal NrrWarningBelow, decimal NrrCriticalBelow, decimal HealthDeclinePoints, int ChurnAccelerationPeriods)
{
    public static AnomalyThresholds Default { get; } = new(100m, 90m, 10m, 2);

    public void Validate()
    {
        if (NrrCriticalBelow > NrrWarningBelow)
            throw new ArgumentException("The critical NRR threshold must not be above the warning threshold.");
        if (HealthDeclinePoints <= 0) throw new ArgumentException("The health decline threshold must be positive.");
        if (ChurnAccelerationPeriods < 1) throw new ArgumentException("Churn acceleration needs at least 1 period.");
    }
}

/// <param name="Period">First day of the month the anomaly is seen in.</param>
/// <param name="Value">The measured value: NRR percent, churn count, or health points lost.</param>
/// <param name="Threshold">The threshold it crossed: NRR percent, number of periods, or health points.</param>
/// <param name="Message">A plain-language sentence naming the cohort, month, value and threshold.</param>
public sealed record AccountCohortAnomaly(
    AccountCohortAnomalyType Type, AnomalySeverity Severity, long CohortId, string CohortName, DateOnly Period,
    decimal Value, decimal Threshold, string Message);

/// <summary>
/// Anomalies in a cohort's monthly snapshots (SPEC §4). Each month is checked on its own; "consecutive" and "prior
/// period" mean the calendar month before, so a gap in the snapshots breaks a run rather than bridging it.
/// <list type="bullet">
/// <item><b>Low NRR</b>: NRR &lt; critical threshold → critical, else NRR &lt; warning threshold → warning (strictly
/// below: an NRR equal to a threshold is fine). Months without NRR are skipped.</item>
/// <item><b>Accelerating churn</b> (warning): the churn count rose strictly month on month for at least
/// <c>ChurnAccelerationPeriods</c> consecutive months ending in this one; reported in every month the run goes on.</item>
/// <item><b>Health decline</b> (warning): average health fell by at least <c>HealthDeclinePoints</c> from the month
/// before, both months having paying members (an empty month's average of 0 says nothing).</item>
/// </list>
/// A month that is still running (<c>runningMonth</c> or later: its snapshot holds a few days) is never judged — its
/// NRR and churn are partial — though it may still be the "month before" of nothing. Ordered by month, then type.
/// </summary>
public static class AccountCohortAnomalies
{
    /// <param name="runningMonth">First day of the month in progress (the org's current month); null when every snapshot is of a finished month.</param>
    public static IReadOnlyList<AccountCohortAnomaly> Detect(
        long cohortId, string cohortName, IEnumerable<AccountCohortSnapshot> snapshots, AnomalyThresholds thresholds, DateOnly? runningMonth = null)
    {
        thresholds.Validate();
        var months = snapshots.Where(s => runningMonth is not { } running || s.PeriodMonth < running).OrderBy(s => s.PeriodMonth).ToList();
        var anomalies = new List<AccountCohortAnomaly>();
        var rising = 0;   // consecutive month-on-month increases of the churn count ending at the current month
        for (var i = 0; i < months.Count; i++)
        {
            var s = months[i];
            var previous = i > 0 && months[i - 1].PeriodMonth == s.PeriodMonth.AddMonths(-1) ? months[i - 1] : null;
            var month = s.PeriodMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture);

            if (s.Nrr is { } nrr && nrr < thresholds.NrrWarningBelow)
            {
                var (severity, threshold, word) = nrr < thresholds.NrrCriticalBelow
                    ? (AnomalySeverity.Critical, thresholds.NrrCriticalBelow, "critical")
                    : (AnomalySeverity.Warning, thresholds.NrrWarningBelow, "warning");
                anomalies.Add(new(AccountCohortAnomalyType.LowNrr, severity, cohortId, cohortName, s.PeriodMonth, nrr, threshold,
                    Text($"{cohortName}: net revenue retention in {month} was {nrr:0.##}%, below the {word} threshold of {threshold:0.##}%.")));
            }

            rising = previous is not null && s.ChurnCount > previous.ChurnCount ? rising + 1 : 0;
            if (rising >= thresholds.ChurnAccelerationPeriods)
            {
                var run = string.Join(" → ", months.Skip(i - rising).Take(rising + 1).Select(m => m.ChurnCount));
                anomalies.Add(new(AccountCohortAnomalyType.AcceleratingChurn, AnomalySeverity.Warning, cohortId, cohortName, s.PeriodMonth,
                    s.ChurnCount, thresholds.ChurnAccelerationPeriods,
                    Text($"{cohortName}: churned accounts have risen for {rising} consecutive months ({run}), to {s.ChurnCount} in {month}.")));
            }

            if (previous is { Members: > 0 } && s.Members > 0 && previous.AvgHealth - s.AvgHealth >= thresholds.HealthDeclinePoints)
            {
                var drop = previous.AvgHealth - s.AvgHealth;
                anomalies.Add(new(AccountCohortAnomalyType.HealthDecline, AnomalySeverity.Warning, cohortId, cohortName, s.PeriodMonth,
                    drop, thresholds.HealthDeclinePoints,
                    Text($"{cohortName}: average health fell {drop:0.##} points in {month}, from {previous.AvgHealth:0.##} to {s.AvgHealth:0.##} (threshold {thresholds.HealthDeclinePoints:0.##}).")));
            }
        }
        return anomalies;
    }

    /// <summary>The wire name of a type: <c>low_nrr</c>, <c>accelerating_churn</c>, <c>health_decline</c>.</summary>
    public static string ToWire(this AccountCohortAnomalyType type) => type switch
    {
        AccountCohortAnomalyType.LowNrr => "low_nrr",
        AccountCohortAnomalyType.AcceleratingChurn => "accelerating_churn",
        AccountCohortAnomalyType.HealthDecline => "health_decline",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The wire name of a severity: <c>warning</c>, <c>critical</c>.</summary>
    public static string ToWire(this AnomalySeverity severity) => severity == AnomalySeverity.Critical ? "critical" : "warning";

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
