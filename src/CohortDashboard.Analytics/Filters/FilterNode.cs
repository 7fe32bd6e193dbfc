namespace CohortDashboard.Analytics.Filters;

/// <summary>
/// A node of the filter language (SPEC §8): either a <see cref="FilterGroup"/> combining child nodes or a
/// <see cref="FilterCondition"/> leaf. Build one with <see cref="FilterParser"/> (which validates) or the factory
/// methods of <see cref="FilterGroup"/>; turn it back into canonical JSON with <see cref="FilterJson.Serialize"/>.
/// Equality is structural, so a parsed and a hand-built tree compare equal.
/// </summary>
public abstract record FilterNode
{
    /// <summary>Every condition of the tree, depth first, in document order.</summary>
    public IEnumerable<FilterCondition> Conditions()
    {
        var pending = new Stack<FilterNode>();
        pending.Push(this);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case FilterCondition condition:
                    yield return condition;
                    break;
                case FilterGroup group:
                    for (var i = group.Children.Count - 1; i >= 0; i--) pending.Push(group.Children[i]);
                    break;
            }
        }
    }

    /// <summary>The distinct field ids the tree uses, in order of first use.</summary>
    public IReadOnlyList<string> Fields() => Conditions().Select(c => c.Field).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Whether any condition uses a field of <paramref name="scope"/> (fields outside the catalogue count as none).</summary>
    public bool UsesScope(FilterScope scope) => Conditions().Any(c => FilterFields.Find(c.Field)?.Scope == scope);
}

/// <summary>How a group combines its children.</summary>
public enum FilterGroupKind
{
    /// <summary>Every child matches.</summary>
    And,
    /// <summary>At least one child matches.</summary>
    Or,
    /// <summary>The single child does not match.</summary>
    Not,
}

/// <summary>
/// A group node: <c>{"and": [...]}</c>, <c>{"or": [...]}</c> (one or more children) or <c>{"not": node}</c>
/// (exactly one child).
/// </summary>
public sealed record FilterGroup(FilterGroupKind Kind, IReadOnlyList<FilterNode> Children) : FilterNode
{
    /// <summary>A group matching when every child matches.</summary>
    public static FilterGroup And(params FilterNode[] children) => new(FilterGroupKind.And, children);

    /// <summary>A group matching when at least one child matches.</summary>
    public static FilterGroup Or(params FilterNode[] children) => new(FilterGroupKind.Or, children);

    /// <summary>A group matching when <paramref name="child"/> does not.</summary>
    public static FilterGroup Not(FilterNode child) => new(FilterGroupKind.Not, [child]);

    /// <inheritdoc />
    public bool Equals(FilterGroup? other) =>
        other is not null && Kind == other.Kind && Children.SequenceEqual(other.Children);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        foreach (var child in Children) hash.Add(child);
        return hash.ToHashCode();
    }
}

/// <summary>A leaf node: <c>{"field": …, "op": …, "value": …}</c>, e.g. <c>orders.source_name in ["web", "pos"]</c>.</summary>
/// <param name="Field">A field id of <see cref="FilterFields"/>, e.g. <c>orders.source_name</c>.</param>
/// <param name="Op">The operator; which ones fit depends on the field (<see cref="FilterField.Operators"/>).</param>
/// <param name="Value">A scalar for comparisons, a non-empty array for the set operators.</param>
public sealed record FilterCondition(string Field, FilterOperator Op, FilterValue Value) : FilterNode;
