using System.Globalization;
using CohortDashboard.Analytics.Filters;

namespace CohortDashboard.Web.Features.Cohorts;

/// <summary>One editable condition of the filter builder: a field, an operator and the value as typed or picked.</summary>
public sealed class FilterDraftRow
{
    public string Field { get; set; } = FilterFields.AccountSegment;
    public FilterOperator Op { get; set; } = FilterOperator.Equal;
    /// <summary>Typed text (comma-separated for operators taking a list).</summary>
    public string Text { get; set; } = "";
    /// <summary>Picked values, for enum fields and cohort definitions.</summary>
    public IEnumerable<string> Picked { get; set; } = [];

    public FilterField Definition => FilterFields.Find(Field)!;

    /// <summary>Whether the value is picked from a list (enum values, cohort definitions) rather than typed.</summary>
    public bool IsPicked => Definition.ValueType == FilterValueType.Enum || Field == FilterFields.CohortId;

    /// <summary>Changes the field, keeping the operator when it still fits and clearing values that no longer do.</summary>
    public void SetField(string field)
    {
        Field = field;
        if (!Definition.Allows(Op)) Op = Definition.Operators[0];
        Text = "";
        Picked = []; // a new or changed condition starts empty: the user picks its value, nothing is guessed
    }
}

/// <summary>
/// The filter builder's working copy: a flat list of conditions joined by all (and) or any (or). Filters from a link that
/// are nested deeper are not editable as rows (<see cref="FromNode"/> returns null) and are edited as JSON instead.
/// </summary>
public sealed class CohortFilterDraft
{
    /// <summary>The fields the builder offers, with their labels (SPEC §8 catalogue, cohort analysis subset).</summary>
    public static IReadOnlyList<(string Id, string Label)> Fields { get; } =
    [
        (FilterFields.AccountSegment, "Segment"),
        (FilterFields.AccountTerritory, "Territory"),
        (FilterFields.AccountOwnerId, "Rep"),
        (FilterFields.AccountUserType, "User type"),
        (FilterFields.OrderSourceName, "Source name"),
        (FilterFields.OrderCustomerType, "Customer type"),
        (FilterFields.OrderTags, "Order tags"),
        (FilterFields.UtmSource, "UTM source"),
        (FilterFields.UtmMedium, "UTM medium"),
        (FilterFields.UtmCampaign, "UTM campaign"),
        (FilterFields.UtmContent, "UTM content"),
        (FilterFields.UtmTerm, "UTM term"),
        (FilterFields.CohortId, "Cohort definition"),
    ];

    public List<FilterDraftRow> Rows { get; } = [];

    /// <summary>True: every condition must match (and); false: any (or).</summary>
    public bool MatchAll { get; set; } = true;

    public static FilterDraftRow NewRow()
    {
        var row = new FilterDraftRow();
        row.SetField(FilterFields.AccountSegment);
        return row;
    }

    /// <summary>The draft of a flat filter (one condition, or one and/or group of conditions); null for anything deeper.</summary>
    public static CohortFilterDraft? FromNode(FilterNode? node)
    {
        var draft = new CohortFilterDraft();
        IReadOnlyList<FilterNode> conditions;
        switch (node)
        {
            case null:
                return draft;
            case FilterCondition condition:
                conditions = [condition];
                break;
            case FilterGroup { Kind: FilterGroupKind.And or FilterGroupKind.Or } group when group.Children.All(c => c is FilterCondition):
                draft.MatchAll = group.Kind == FilterGroupKind.And;
                conditions = group.Children;
                break;
            default:
                return null;
        }
        foreach (var condition in conditions.Cast<FilterCondition>())
        {
            if (!Fields.Any(f => f.Id == condition.Field)) return null;
            var values = condition.Value.Kind switch
            {
                FilterValueKind.Number => condition.Value.AsNumbers().Select(n => n.ToString(CultureInfo.InvariantCulture)).ToList(),
                FilterValueKind.String => condition.Value.AsStrings().ToList(),
                _ => condition.Value.AsBooleans().Select(b => b ? "true" : "false").ToList(),
            };
            draft.Rows.Add(new FilterDraftRow { Field = condition.Field, Op = condition.Op, Text = string.Join(", ", values), Picked = values });
        }
        return draft;
    }

    /// <summary>
    /// The filter node of the draft (null when it has no conditions), validated by the filter language's own parser so
    /// the errors name the offending condition (<c>filter.and.1.value</c>).
    /// </summary>
    public (FilterNode? Node, IReadOnlyList<string> Errors) Build()
    {
        if (Rows.Count == 0) return (null, []);
        var errors = new List<string>();
        var conditions = new List<FilterNode>();
        for (var i = 0; i < Rows.Count; i++)
        {
            var row = Rows[i];
            var values = row.IsPicked
                ? row.Picked.Where(v => !string.IsNullOrWhiteSpace(v)).ToList()
                : (row.Op.TakesArray() ? row.Text.Split(',') : [row.Text]).Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
            if (values.Count == 0)
            {
                errors.Add($"Condition {i + 1}: enter a value.");
                continue;
            }
            FilterValue value;
            if (row.Definition.ValueType == FilterValueType.Number)
            {
                var numbers = values.Select(v => decimal.TryParse(v, NumberStyles.Number, CultureInfo.InvariantCulture, out var n) ? n : (decimal?)null).ToList();
                if (numbers.Any(n => n is null))
                {
                    errors.Add($"Condition {i + 1}: '{string.Join(", ", values)}' is not a number.");
                    continue;
                }
                value = row.Op.TakesArray() ? FilterValue.OfNumbers(numbers.Select(n => n!.Value)) : FilterValue.Of(numbers[0]!.Value);
            }
            else
            {
                value = row.Op.TakesArray() ? FilterValue.OfStrings(values) : FilterValue.Of(values[0]);
            }
            conditions.Add(new FilterCondition(row.Field, row.Op, value));
        }
        if (errors.Count > 0) return (null, errors);

        // The language wants a group at the top, even around a single condition.
        FilterNode node = MatchAll ? FilterGroup.And([.. conditions]) : FilterGroup.Or([.. conditions]);
        return ParseJson(FilterJson.Serialize(node));
    }

    /// <summary>Parses filter JSON typed in the advanced editor.</summary>
    public static (FilterNode? Node, IReadOnlyList<string> Errors) ParseJson(string json)
    {
        if (string.IsNullOrWhiteSpace(json)) return (null, []);
        var parsed = FilterParser.Parse(json, FilterContext.CohortAnalysis, ["filter"]);
        return parsed.IsValid
            ? (parsed.Node, [])
            : (null, parsed.Errors.Select(e => $"{string.Join('.', e.Path)}: {e.Message}").ToList());
    }
}
