using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Filters;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>Splits the matrix by an account field, or by membership of the cohort definitions of one type (SPEC §3).</summary>
public enum CohortBreakdown { None, Segment, Territory, OwnerId, UserType, VintageCohort, SegmentCohort, TerritoryCohort, RepCohort, CustomCohort }

/// <summary>
/// One cohort analysis request, as the page, the compat APIs and the benchmark phrase it. Unset dates default to the
/// org's today (as-of) and to the <see cref="Cohorts"/> periods ending at the as-of date.
/// </summary>
public sealed record CohortQuery
{
    public const int MaxOffsets = 36;
    public const int MaxCohorts = 400;

    public Granularity Granularity { get; init; } = Granularity.Month;
    public CohortMeasure Measure { get; init; } = CohortMeasure.Retention;
    public RetentionMode RetentionMode { get; init; } = RetentionMode.Bounded;
    /// <summary>Offset columns (M0..M{n−1}).</summary>
    public int Offsets { get; init; } = 12;
    /// <summary>Cohort rows when <see cref="From"/> is not given.</summary>
    public int Cohorts { get; init; } = 12;
    /// <summary>First cohort: the period containing this local date.</summary>
    public DateOnly? From { get; init; }
    /// <summary>Last cohort: the period containing this local date (at most the as-of date).</summary>
    public DateOnly? To { get; init; }
    /// <summary>IANA timezone for bucketing; the org's when unset.</summary>
    public string? TimeZone { get; init; }
    /// <summary>Local date up to which data counts; the org's today when unset.</summary>
    public DateOnly? AsOf { get; init; }
    public CohortBreakdown Breakdown { get; init; }
    /// <summary>Overrides the org's order settings (seed 003 <c>orderSettings</c>).</summary>
    public CohortOrderSettings? OrderSettings { get; init; }
    /// <summary>Only accounts with this user_type (Termina's required <c>user_type</c>).</summary>
    public string? UserType { get; init; }
    /// <summary>The filter language (SPEC §8): order fields restrict which orders qualify, account fields who counts.</summary>
    public FilterNode? Filter { get; init; }
    /// <summary>Where <see cref="Filter"/> sits in the request, prefixed to translation errors' paths.</summary>
    public IReadOnlyList<string> FilterPath { get; init; } = ["filters"];
}

/// <summary>A request the service cannot answer as asked; <see cref="Parameter"/> names the offending input.</summary>
public sealed class CohortQueryException(string parameter, string message) : Exception(message)
{
    public string Parameter { get; } = parameter;
}
