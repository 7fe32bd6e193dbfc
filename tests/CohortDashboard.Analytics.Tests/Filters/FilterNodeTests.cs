using CohortDashboard.Analytics.Filters;

namespace CohortDashboard.Analytics.Tests.Filters;

public sealed class FilterNodeTests
{
    private static readonly FilterNode Tree = FilterGroup.And(
        new FilterCondition(FilterFields.OrderSourceName, FilterOperator.Equal, FilterValue.Of("web")),
        FilterGroup.Not(FilterGroup.Or(
            new FilterCondition(FilterFields.AccountSegment, FilterOperator.Equal, FilterValue.Of("SMB")),
            new FilterCondition(FilterFields.OrderSourceName, FilterOperator.Equal, FilterValue.Of("pos")))));

    [Fact]
    public void Fields_NestedTree_DistinctInOrderOfFirstUse() =>
        Assert.Equal([FilterFields.OrderSourceName, FilterFields.AccountSegment], Tree.Fields());

    [Fact]
    public void UsesScope_NestedTree_SeesScopesAtAnyDepth()
    {
        Assert.True(Tree.UsesScope(FilterScope.Order));
        Assert.True(Tree.UsesScope(FilterScope.Account));
        Assert.False(Tree.UsesScope(FilterScope.Cohort));
    }

    [Fact]
    public void Equals_SameShapeBuiltTwice_AreEqual()
    {
        var again = FilterGroup.And(
            new FilterCondition(FilterFields.OrderSourceName, FilterOperator.Equal, FilterValue.Of("web")),
            FilterGroup.Not(FilterGroup.Or(
                new FilterCondition(FilterFields.AccountSegment, FilterOperator.Equal, FilterValue.Of("SMB")),
                new FilterCondition(FilterFields.OrderSourceName, FilterOperator.Equal, FilterValue.Of("pos")))));

        Assert.Equal(Tree, again);
        Assert.Equal(Tree.GetHashCode(), again.GetHashCode());
        Assert.NotEqual(Tree, FilterGroup.Or(((FilterGroup)Tree).Children.ToArray()));
    }

    [Fact]
    public void FilterValue_ArrayAndScalar_AreDifferent() =>
        Assert.NotEqual(FilterValue.Of("a"), FilterValue.OfStrings(["a"]));
}
