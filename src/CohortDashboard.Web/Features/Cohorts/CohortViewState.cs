using System.Globalization;
using System.Text;
using CohortDashboard.Analytics;
using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Filters;
using Microsoft.AspNetCore.WebUtilities;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>How the cohorts page shows the matrix.</summary>
public enum CohortView { Table, Heatmap, Curves }

/// <summary>
/// Everything the Cohorts page shows, as it is kept in the URL (so a view can be bookmarked and shared) and read back
/// by the page and the CSV downloads. Only values that differ from the defaults are written. Parameters:
/// <c>measure</c>, <c>show</c> (pct | count), <c>grain</c>, <c>periods</c>, <c>cohorts</c>, <c>from</c>, <c>to</c>
/// (yyyy-MM-dd), <c>tz</c>, <c>mode</c> (bounded | unbounded), <c>breakdown</c>, <c>filter</c> (base64url filter JSON)
/// <c>view</c> (table | heatmap | curves) and <c>projection</c> (on).
/// </summary>
public sealed record CohortViewState
{
    public const int DefaultPeriods = 12;
    public const int DefaultCohorts = 12;

    /// <summary>The measure picked; <see cref="CohortMeasure.Customers"/> and <see cref="CohortMeasure.AmountRetention"/> are
    /// never held here but reached through <see cref="AsCount"/>/<see cref="AsPercent"/> (see <see cref="EffectiveMeasure"/>).</summary>
    public CohortMeasure Measure { get; init; } = CohortMeasure.Retention;
    /// <summary>Show counts rather than percentages: customers instead of retention.</summary>
    public bool AsCount { get; init; }
    /// <summary>Show net revenue as a percentage of the first period's (amount retention).</summary>
    public bool AsPercent { get; init; }
    public Granularity Granularity { get; init; } = Granularity.Month;
    public int Periods { get; init; } = DefaultPeriods;
    public int Cohorts { get; init; } = DefaultCohorts;
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    /// <summary>IANA timezone; null means the org's default.</summary>
    public string? TimeZone { get; init; }
    public RetentionMode RetentionMode { get; init; } = RetentionMode.Bounded;
    public CohortBreakdown Breakdown { get; init; }
    public FilterNode? Filter { get; init; }
    public CohortView View { get; init; } = CohortView.Table;
    /// <summary>Show where each cohort is headed (docs/projections.md) next to the data.</summary>
    public bool Projection { get; init; }

    /// <summary>Whether the matrix's not-yet-elapsed cells can carry projections: unbounded retention (sBG) or LTV (chain ladder).</summary>
    public bool HasProjectedCells =>
        (EffectiveMeasure == CohortMeasure.Retention && RetentionMode == RetentionMode.Unbounded) || EffectiveMeasure == CohortMeasure.Ltv;

    /// <summary>Measures offered in the measure picker (the % / count toggle reaches the other two).</summary>
    public static IReadOnlyList<CohortMeasure> PickableMeasures { get; } =
    [
        CohortMeasure.Retention, CohortMeasure.Orders, CohortMeasure.GrossRevenue, CohortMeasure.NetRevenue,
        CohortMeasure.Ltv, CohortMeasure.Aov, CohortMeasure.Cm1, CohortMeasure.Cm2,
    ];

    /// <summary>Whether the % / count toggle applies to the picked measure.</summary>
    public bool HasPercentToggle => Measure is CohortMeasure.Retention or CohortMeasure.NetRevenue;

    /// <summary>Whether the N-day / unbounded toggle applies (customer counting measures only).</summary>
    public bool HasRetentionMode => EffectiveMeasure is CohortMeasure.Retention or CohortMeasure.Customers;

    /// <summary>Whether the view currently shows a percentage.</summary>
    public bool ShowsPercent => EffectiveMeasure.IsPercentage();

    /// <summary>The measure the service computes.</summary>
    public CohortMeasure EffectiveMeasure => Measure switch
    {
        CohortMeasure.Retention when AsCount => CohortMeasure.Customers,
        CohortMeasure.NetRevenue when AsPercent => CohortMeasure.AmountRetention,
        _ => Measure,
    };

    /// <summary>Switches to percentages (true) or counts/amounts (false).</summary>
    public CohortViewState WithPercent(bool percent) => Measure switch
    {
        CohortMeasure.Retention => this with { AsCount = !percent },
        CohortMeasure.NetRevenue => this with { AsPercent = percent },
        _ => this,
    };

    /// <summary>The service query of this view.</summary>
    public CohortQuery ToQuery() => new()
    {
        Granularity = Granularity,
        Measure = EffectiveMeasure,
        RetentionMode = RetentionMode,
        Offsets = Periods,
        Cohorts = Cohorts,
        From = From,
        To = To,
        TimeZone = TimeZone,
        Breakdown = Breakdown,
        Filter = Filter,
        FilterPath = ["filter"],
    };

    /// <summary>The query string (without '?') holding the non-default values.</summary>
    public string ToQueryString()
    {
        var pairs = new List<KeyValuePair<string, string>>();
        void Add(string key, string value) => pairs.Add(new(key, value));
        var measure = EffectiveMeasure;
        if (measure != CohortMeasure.Retention) Add("measure", measure.ToWire());
        if (Granularity != Granularity.Month) Add("grain", Granularity.ToWire());
        if (Periods != DefaultPeriods) Add("periods", Periods.ToString(CultureInfo.InvariantCulture));
        if (Cohorts != DefaultCohorts) Add("cohorts", Cohorts.ToString(CultureInfo.InvariantCulture));
        if (From is { } from) Add("from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (To is { } to) Add("to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (!string.IsNullOrWhiteSpace(TimeZone)) Add("tz", TimeZone);
        if (RetentionMode == RetentionMode.Unbounded) Add("mode", "unbounded");
        if (Breakdown != CohortBreakdown.None) Add("breakdown", BreakdownWire(Breakdown));
        if (Filter is not null) Add("filter", EncodeFilter(Filter));
        if (View != CohortView.Table) Add("view", View.ToString().ToLowerInvariant());
        if (Projection) Add("projection", "on");
        return string.Join('&', pairs.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
    }

    /// <summary>
    /// Reads a view from query parameters; unknown or malformed values fall back to the defaults and are reported
    /// in <paramref name="problems"/> (shown on the page, never thrown).
    /// </summary>
    public static CohortViewState FromQuery(Func<string, string?> get, List<string> problems)
    {
        var state = new CohortViewState();
        if (get("measure") is { Length: > 0 } measureText)
        {
            if (!CohortMeasures.TryParse(measureText, out var measure)) problems.Add($"Unknown measure '{UntrustedText.Echo(measureText)}'.");
            else state = measure switch
            {
                CohortMeasure.Customers => state with { Measure = CohortMeasure.Retention, AsCount = true },
                CohortMeasure.AmountRetention => state with { Measure = CohortMeasure.NetRevenue, AsPercent = true },
                _ => state with { Measure = measure },
            };
        }
        if (get("grain") is { Length: > 0 } grainText)
        {
            if (GranularityNames.TryParse(grainText, out var grain)) state = state with { Granularity = grain };
            else problems.Add($"Unknown granularity '{UntrustedText.Echo(grainText)}'.");
        }
        state = state with
        {
            Periods = ReadInt(get("periods"), "periods", DefaultPeriods, 1, CohortQuery.MaxOffsets, problems),
            Cohorts = ReadInt(get("cohorts"), "cohorts", DefaultCohorts, 1, CohortQuery.MaxCohorts, problems),
            From = ReadDate(get("from"), "from", problems),
            To = ReadDate(get("to"), "to", problems),
            TimeZone = string.IsNullOrWhiteSpace(get("tz")) ? null : get("tz")!.Trim(),
        };
        switch (get("mode"))
        {
            case null or "" or "bounded": break;
            case "unbounded": state = state with { RetentionMode = RetentionMode.Unbounded }; break;
            case var other: problems.Add($"Unknown retention mode '{UntrustedText.Echo(other)}'."); break;
        }
        if (get("breakdown") is { Length: > 0 } breakdownText)
        {
            if (Analytics.WireNames.TryParse(breakdownText, BreakdownWire, out CohortBreakdown breakdown, StringComparison.Ordinal))
                state = state with { Breakdown = breakdown };
            else problems.Add($"Unknown breakdown '{UntrustedText.Echo(breakdownText)}'.");
        }
        if (get("view") is { Length: > 0 } viewText)
        {
            if (Enum.TryParse<CohortView>(viewText, ignoreCase: true, out var view) && Enum.IsDefined(view)) state = state with { View = view };
            else problems.Add($"Unknown view '{UntrustedText.Echo(viewText)}'.");
        }
        switch (get("projection"))
        {
            case null or "" or "off": break;
            case "on": state = state with { Projection = true }; break;
            case var other: problems.Add($"Unknown projection '{UntrustedText.Echo(other)}' (use on or off)."); break;
        }
        if (get("filter") is { Length: > 0 } filterText)
        {
            var (filter, errors) = DecodeFilter(filterText);
            if (filter is not null) state = state with { Filter = filter };
            problems.AddRange(errors);
        }
        return state;
    }

    /// <summary>The wire name of a breakdown: none, segment, territory, owner_id, user_type, vintage_cohort, ...</summary>
    public static string BreakdownWire(CohortBreakdown breakdown)
    {
        var name = breakdown.ToString();
        var wire = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) wire.Append('_');
            wire.Append(char.ToLowerInvariant(name[i]));
        }
        return wire.ToString();
    }

    /// <summary>The filter as base64url of its canonical JSON (compact, and safe in any URL).</summary>
    public static string EncodeFilter(FilterNode filter) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(FilterJson.Serialize(filter)));

    /// <summary>Parses a <c>filter</c> parameter: base64url JSON, or plain JSON (hand-written links).</summary>
    public static (FilterNode? Filter, IReadOnlyList<string> Errors) DecodeFilter(string text)
    {
        string json;
        if (text.TrimStart().StartsWith('{'))
        {
            json = text;
        }
        else
        {
            try
            {
                json = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(text.Trim()));
            }
            catch (FormatException)
            {
                return (null, ["The filter in the link is not valid base64url."]);
            }
        }
        return CohortFilterDraft.ParseJson(json);
    }

    private static int ReadInt(string? text, string name, int fallback, int min, int max, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        problems.Add($"'{name}' must be a whole number from {min} to {max}.");
        return fallback;
    }

    private static DateOnly? ReadDate(string? text, string name, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date >= FilterDate.Earliest && date <= FilterDate.Latest) return date;
        problems.Add($"'{name}' must be a date like 2024-01-31, from {FilterDate.Earliest:yyyy-MM-dd} to {FilterDate.Latest:yyyy-MM-dd}.");
        return null;
    }
}
