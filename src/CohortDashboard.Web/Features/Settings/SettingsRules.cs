using System.Globalization;
using System.Text.Json;
using CohortDashboard.Analytics;

namespace CohortDashboard.Web.Features.Settings;

/// <summary>
/// Validation of org settings and the partial update of <c>PUT /api/settings</c>: pure code, errors keyed by the
/// setting's wire name so the page and the API name the same field.
/// </summary>
public static class SettingsRules
{
    public const int MaxNameLength = 200;
    public const int MaxPixelLength = 64;

    private static readonly Lazy<HashSet<string>> Currencies = new(() =>
        CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .Select(c => { try { return new RegionInfo(c.Name).ISOCurrencySymbol; } catch (ArgumentException) { return null; } })
            .Where(code => code is { Length: 3 } && code.All(char.IsAsciiLetterUpper))
            .Select(code => code!)
            .ToHashSet(StringComparer.Ordinal));

    private static readonly Lazy<IReadOnlyList<string>> Zones = new(() =>
        TimeZoneInfo.GetSystemTimeZones().Where(z => z.HasIanaId).Select(z => z.Id).Order(StringComparer.Ordinal).ToList());

    /// <summary>The IANA zones this machine knows, sorted (the page offers them).</summary>
    public static IReadOnlyList<string> TimeZones => Zones.Value;

    /// <summary>The ISO 4217 codes <see cref="IsCurrency"/> accepts, sorted.</summary>
    public static IReadOnlyList<string> CurrencyCodes => [.. Currencies.Value.Order(StringComparer.Ordinal)];

    /// <summary>True for an ISO 4217 code some region uses (upper case, e.g. EUR).</summary>
    public static bool IsCurrency(string? code) => code is not null && Currencies.Value.Contains(code);

    /// <summary>True for an IANA zone id this machine knows (a Windows id like "Eastern Standard Time" is not one).</summary>
    public static bool IsIanaTimeZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64) return false;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;
    }

    /// <summary>Field errors of <paramref name="v"/> (empty when every setting is valid).</summary>
    public static Dictionary<string, string[]> Validate(OrgSettingsValues v)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string key, string message) => errors[key] = [.. errors.GetValueOrDefault(key) ?? [], message];

        if (string.IsNullOrWhiteSpace(v.Name) || v.Name.Length > MaxNameLength || v.Name != v.Name.Trim())
            Add("name", $"name must be 1-{MaxNameLength} characters without leading or trailing spaces.");
        else if (UntrustedText.FindDisallowed(v.Name) is { } disallowed) Add("name", UntrustedText.DisallowedMessage(disallowed));
        if (!IsIanaTimeZone(v.Timezone)) Add("timezone", "timezone must be an IANA timezone such as Europe/Paris or America/New_York.");
        if (!IsCurrency(v.Currency)) Add("currency", "currency must be an ISO 4217 code in capitals, such as EUR or USD.");
        if (v.FiscalYearStartMonth is < 1 or > 12) Add("fiscal_year_start_month", "fiscal_year_start_month must be 1-12.");
        if (v.TerminaGroupId is <= 0) Add("termina_group_id", "termina_group_id must be a positive whole number.");
        if (v.TerminaDealId is <= 0) Add("termina_deal_id", "termina_deal_id must be a positive whole number.");
        if (v.TerminaGroupId is null != v.TerminaDealId is null)
            Add(v.TerminaGroupId is null ? "termina_group_id" : "termina_deal_id", "termina_group_id and termina_deal_id go together: set both or neither.");
        if (v.UpstackPixelId is { } pixel && (pixel.Length is 0 or > MaxPixelLength || !pixel.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            Add("upstack_pixel_id", $"upstack_pixel_id must be 1-{MaxPixelLength} letters, digits, '-' or '_'.");
        if (v.RefundDateAttribution is not ("refund_date" or "order_date"))
            Add("refund_date_attribution", "refund_date_attribution must be refund_date or order_date.");
        if (v.ChurnDefinition is not ("revenue" or "logo")) Add("churn_definition", "churn_definition must be revenue or logo.");
        if (v.AnomalyMinCohortSize is < 1 or > 1_000_000) Add("anomaly_min_cohort_size", "anomaly_min_cohort_size must be 1-1000000.");
        if (v.ConfidenceHighMinSample is < 1 or > 1_000_000) Add("confidence_high_min_sample", "confidence_high_min_sample must be 1-1000000.");
        if (v.ConfidenceMediumMinSample < 1 || v.ConfidenceMediumMinSample > v.ConfidenceHighMinSample)
            Add("confidence_medium_min_sample", "confidence_medium_min_sample must be at least 1 and not above confidence_high_min_sample.");

        var w = v.SignalWeights;
        if (w is null) Add("signal_weights", "signal_weights needs affinity, readiness, health and propensity.");
        else if (new[] { w.Affinity, w.Readiness, w.Health, w.Propensity }.Any(x => x is < 0 or > 1))
            Add("signal_weights", "Each signal weight must be between 0 and 1.");
        else if (w.Affinity + w.Readiness + w.Health + w.Propensity != 1m)
            Add("signal_weights", string.Create(CultureInfo.InvariantCulture,
                $"signal_weights must sum to 1 (they sum to {w.Affinity + w.Readiness + w.Health + w.Propensity})."));

        var cut = v.PriorityCutoffs;
        if (cut is not { Count: 4 }) Add("priority_cutoffs", "priority_cutoffs must be 4 numbers, for priorities 1 to 4.");
        else if (cut.Any(c => c is <= 0 or > 1)) Add("priority_cutoffs", "Each priority cut-off must be above 0 and at most 1.");
        else if (!(cut[0] > cut[1] && cut[1] > cut[2] && cut[2] > cut[3]))
            Add("priority_cutoffs", "priority_cutoffs must be strictly descending (priority 1 needs the highest score).");

        if (v.CrossSellMaxProducts is < 1 or > 1000) Add("cross_sell_max_products", "cross_sell_max_products must be 1-1000.");
        if (v.MaxSignalsPerAccount is < 1 or > 100) Add("max_signals_per_account", "max_signals_per_account must be 1-100.");
        if (v.NrrWarningBelow is <= 0 or > 1000) Add("nrr_warning_below", "nrr_warning_below must be above 0 and at most 1000.");
        if (v.NrrCriticalBelow <= 0 || v.NrrCriticalBelow > v.NrrWarningBelow)
            Add("nrr_critical_below", "nrr_critical_below must be above 0 and not above nrr_warning_below.");
        if (v.HealthDeclinePoints is <= 0 or > 100) Add("health_decline_points", "health_decline_points must be above 0 and at most 100.");
        if (v.ChurnAccelerationPeriods is < 1 or > 12) Add("churn_acceleration_periods", "churn_acceleration_periods must be 1-12.");
        return errors;
    }

    /// <summary>
    /// <paramref name="current"/> with the fields present in <paramref name="body"/> replaced (a partial update), or the
    /// errors of fields that are unknown or of the wrong JSON type. Ranges are checked by <see cref="Validate"/>.
    /// </summary>
    public static (OrgSettingsValues? Values, Dictionary<string, string[]> Errors) Patch(OrgSettingsValues current, JsonElement body)
    {
        var errors = new Dictionary<string, string[]>();
        var v = current;
        foreach (var property in body.EnumerateObject())
        {
            var key = property.Name;
            var value = property.Value;
            string? problem = null;
            switch (key)
            {
                case "name": v = v with { Name = Text(value, ref problem) ?? v.Name }; break;
                case "timezone": v = v with { Timezone = Text(value, ref problem) ?? v.Timezone }; break;
                case "currency": v = v with { Currency = Text(value, ref problem) ?? v.Currency }; break;
                case "fiscal_year_start_month": v = v with { FiscalYearStartMonth = Int(value, ref problem) ?? v.FiscalYearStartMonth }; break;
                case "termina_group_id": v = v with { TerminaGroupId = NullableInt(value, ref problem, v.TerminaGroupId) }; break;
                case "termina_deal_id": v = v with { TerminaDealId = NullableInt(value, ref problem, v.TerminaDealId) }; break;
                case "upstack_pixel_id": v = v with { UpstackPixelId = value.ValueKind == JsonValueKind.Null ? null : Text(value, ref problem) ?? v.UpstackPixelId }; break;
                case "count_pending_orders": v = v with { CountPendingOrders = Bool(value, ref problem) ?? v.CountPendingOrders }; break;
                case "count_voided_orders": v = v with { CountVoidedOrders = Bool(value, ref problem) ?? v.CountVoidedOrders }; break;
                case "refund_date_attribution": v = v with { RefundDateAttribution = Text(value, ref problem) ?? v.RefundDateAttribution }; break;
                case "churn_definition": v = v with { ChurnDefinition = Text(value, ref problem) ?? v.ChurnDefinition }; break;
                case "anomaly_min_cohort_size": v = v with { AnomalyMinCohortSize = Int(value, ref problem) ?? v.AnomalyMinCohortSize }; break;
                case "confidence_high_min_sample": v = v with { ConfidenceHighMinSample = Int(value, ref problem) ?? v.ConfidenceHighMinSample }; break;
                case "confidence_medium_min_sample": v = v with { ConfidenceMediumMinSample = Int(value, ref problem) ?? v.ConfidenceMediumMinSample }; break;
                case "signal_weights": v = v with { SignalWeights = Weights(value, v.SignalWeights, ref problem) }; break;
                case "priority_cutoffs": v = v with { PriorityCutoffs = Cutoffs(value, ref problem) ?? v.PriorityCutoffs }; break;
                case "cross_sell_max_products": v = v with { CrossSellMaxProducts = Int(value, ref problem) ?? v.CrossSellMaxProducts }; break;
                case "max_signals_per_account": v = v with { MaxSignalsPerAccount = Int(value, ref problem) ?? v.MaxSignalsPerAccount }; break;
                case "nrr_warning_below": v = v with { NrrWarningBelow = Number(value, ref problem) ?? v.NrrWarningBelow }; break;
                case "nrr_critical_below": v = v with { NrrCriticalBelow = Number(value, ref problem) ?? v.NrrCriticalBelow }; break;
                case "health_decline_points": v = v with { HealthDeclinePoints = Number(value, ref problem) ?? v.HealthDeclinePoints }; break;
                case "churn_acceleration_periods": v = v with { ChurnAccelerationPeriods = Int(value, ref problem) ?? v.ChurnAccelerationPeriods }; break;
                default:
                    errors[UntrustedText.Echo(key)] = [$"Unknown setting; use one of: {string.Join(", ", SettingsFields.All.Select(f => f.Key))}."];
                    continue;
            }
            if (problem is not null) errors[key] = [$"{key} {problem}."];
        }
        return errors.Count > 0 ? (null, errors) : (v, errors);
    }

    private static string? Text(JsonElement value, ref string? problem)
    {
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        problem = "must be a string";
        return null;
    }

    private static bool? Bool(JsonElement value, ref string? problem)
    {
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        problem = "must be true or false";
        return null;
    }

    private static int? Int(JsonElement value, ref string? problem)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return number;
        problem = "must be a whole number";
        return null;
    }

    private static int? NullableInt(JsonElement value, ref string? problem, int? fallback) =>
        value.ValueKind == JsonValueKind.Null ? null : Int(value, ref problem) ?? fallback;

    private static decimal? Number(JsonElement value, ref string? problem)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)) return number;
        problem = "must be a number";
        return null;
    }

    private static SignalWeightValues Weights(JsonElement value, SignalWeightValues current, ref string? problem)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            problem = "must be an object with affinity, readiness, health and propensity";
            return current;
        }
        var weights = current;
        foreach (var part in value.EnumerateObject())
        {
            var number = Number(part.Value, ref problem);
            if (problem is not null) { problem = $"{UntrustedText.Echo(part.Name)} must be a number"; return current; }
            weights = part.Name switch
            {
                "affinity" => weights with { Affinity = number!.Value },
                "readiness" => weights with { Readiness = number!.Value },
                "health" => weights with { Health = number!.Value },
                "propensity" => weights with { Propensity = number!.Value },
                _ => null!,
            };
            if (weights is null)
            {
                problem = $"has no weight '{UntrustedText.Echo(part.Name)}'; use affinity, readiness, health, propensity";
                return current;
            }
        }
        return weights;
    }

    private static IReadOnlyList<decimal>? Cutoffs(JsonElement value, ref string? problem)
    {
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 4)
        {
            var list = new List<decimal>(4);
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetDecimal(out var number)) break;
                list.Add(number);
            }
            if (list.Count == 4) return list;
        }
        problem = "must be an array of 4 numbers";
        return null;
    }
}
