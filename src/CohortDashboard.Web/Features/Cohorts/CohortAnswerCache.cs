using System.Globalization;
using System.Text;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Data.Cohorts;
using Microsoft.Extensions.Caching.Memory;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>
/// Computed cohort answers of this app instance, kept until the org's data changes: the key holds the org, its
/// <see cref="Data.Model.Organization.DataVersion"/> and every input that shapes the answer (the resolved frame, not
/// the raw request, so "today" moving on is a new question). Answers are immutable records, shared as they are.
/// Bounded by <c>Cohorts:AnswerCacheMegabytes</c> (default 64; 0 turns caching off), least recently used evicted first.
/// Other answers with the same lifetime (the overview's figures, account-cohort vintage curves) share the bound through
/// <see cref="TryGet{T}"/> and <see cref="Set{T}"/>, under keys that start with their kind's name (cohort keys start
/// with the org id).
/// </summary>
public sealed class CohortAnswerCache(IConfiguration configuration) : IDisposable
{
    private readonly long _limitBytes = (long)(configuration.GetValue("Cohorts:AnswerCacheMegabytes", 64.0) * 1024 * 1024);
    private MemoryCache? _cache;
    private readonly Lock _create = new();

    public sealed record Answer(IReadOnlyList<CohortAnalysis> Analyses, CohortFactPath Path);

    private MemoryCache? Cache
    {
        get
        {
            if (_limitBytes <= 0) return null;
            if (_cache is not null) return _cache;
            lock (_create) return _cache ??= new MemoryCache(new MemoryCacheOptions { SizeLimit = _limitBytes, CompactionPercentage = 0.25 });
        }
    }

    /// <summary>The key of <paramref name="query"/>'s answer for <paramref name="measures"/> in <paramref name="frame"/>.</summary>
    public static string KeyOf(CohortFrame frame, CohortQuery query, IReadOnlyList<CohortMeasure> measures)
    {
        var org = frame.Org;
        var key = new StringBuilder(256);
        key.Append(CultureInfo.InvariantCulture,
            $"{org.Id}|v{org.DataVersion}|{frame.Calendar.Granularity}|{frame.Calendar.Zone.Id}|fy{org.FiscalYearStartMonth}|{frame.AsOf:yyyy-MM-dd}|");
        key.Append(CultureInfo.InvariantCulture, $"{frame.FirstCohort}..{frame.LastCohort}x{frame.Offsets}|{query.RetentionMode}|{query.Breakdown}|");
        key.Append(CultureInfo.InvariantCulture,
            $"{frame.OrderSettings.CountPending},{frame.OrderSettings.CountVoided},{frame.OrderSettings.RefundsOnOrderDate}|min{org.Settings.AnomalyMinCohortSize}|");
        key.Append(string.Join(',', measures)).Append('|');
        // The user type and filter come from requests: length-prefixed, so no value can forge another key's shape.
        AppendText(key, query.UserType);
        AppendText(key, query.Filter is null ? null : FilterJson.Serialize(query.Filter));
        AppendText(key, string.Join('\u001f', query.FilterPath));
        return key.ToString();
    }

    private static void AppendText(StringBuilder key, string? text) =>
        key.Append(CultureInfo.InvariantCulture, $"{(text is null ? -1 : text.Length)}:{text}|");

    public bool TryGet(string key, out Answer answer) => TryGet<Answer>(key, out answer);

    public void Set(string key, Answer answer) => Set(key, answer, EstimatedBytes(answer));

    /// <summary>Another page's answer under <paramref name="key"/>: "{kind}|{org id}|v{data version}|…inputs".</summary>
    public bool TryGet<T>(string key, out T answer) where T : class
    {
        answer = null!;
        return Cache?.TryGetValue(key, out answer!) == true;
    }

    /// <summary>Keeps another page's immutable answer, counted as <paramref name="estimatedBytes"/> against the bound.</summary>
    public void Set<T>(string key, T answer, long estimatedBytes) where T : class
    {
        if (Cache is not { } cache) return;
        using var entry = cache.CreateEntry(key);
        entry.Value = answer;
        entry.Size = key.Length * 2L + estimatedBytes;
    }

    // Records, lists and boxed decimals of every cell: a generous estimate, so the limit holds in real memory.
    private static long EstimatedBytes(Answer answer) =>
        512 + answer.Analyses.Sum(a => 256 + a.Groups.Sum(g => 256 + g.Mean.Count * CellBytes + g.Rows.Sum(r => 160 + r.Cells.Count * CellBytes)));

    private const long CellBytes = 160;

    public void Dispose() => _cache?.Dispose();
}
