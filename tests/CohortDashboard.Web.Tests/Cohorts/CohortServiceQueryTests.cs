using CohortDashboard.Analytics.Cohorts;
using CohortDashboard.Analytics.Filters;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Filters;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Cohorts;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Cohorts;

/// <summary><see cref="CohortService"/> over the seeded demo app's real SQLite file: breakdowns, drill-down, bad input.</summary>
public sealed class CohortServiceQueryTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<T> WithServiceAsync<T>(Func<CohortService, Task<T>> action, long orgId = DemoDataGenerator.NorthwindOrgId)
    {
        _ = app.BaseAddress;
        await using var scope = app.Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
        return await action(scope.ServiceProvider.GetRequiredService<CohortService>());
    }

    private static FilterNode Segment(string segment) =>
        FilterGroup.And(new FilterCondition(FilterFields.AccountSegment, FilterOperator.Equal, FilterValue.Of(segment)));

    [Fact]
    public async Task AnalyzeAsync_BreakdownBySegment_EachGroupEqualsTheFilteredMatrix()
    {
        var query = new CohortQuery { Measure = CohortMeasure.Customers };
        var all = await WithServiceAsync(s => s.AnalyzeAsync(query, Ct));
        var split = await WithServiceAsync(s => s.AnalyzeAsync(query with { Breakdown = CohortBreakdown.Segment }, Ct));

        Assert.Equal(["Enterprise", "Mid-Market", "SMB"], split.Analysis.Groups.Select(g => g.Group));
        Assert.Equal(all.Analysis.Groups.Single().Customers, split.Analysis.Groups.Sum(g => g.Customers));
        Assert.True(all.Analysis.Groups.Single().Customers > 0);
        foreach (var group in split.Analysis.Groups)
        {
            var filtered = await WithServiceAsync(s => s.AnalyzeAsync(query with { Filter = Segment(group.Group) }, Ct));
            var expected = filtered.Analysis.Groups.Single();
            Assert.Equal(expected.Rows.Select(r => r.Size), group.Rows.Select(r => r.Size));
            Assert.Equal(expected.Rows.SelectMany(r => r.Cells.Select(c => c?.Value)), group.Rows.SelectMany(r => r.Cells.Select(c => c?.Value)));
        }
    }

    [Fact]
    public async Task AnalyzeAsync_BreakdownBySegmentCohortDefinitions_GroupsNamedAfterDefinitions()
    {
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        await using (var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.NorthwindOrgId))
        {
            var now = DateTime.UtcNow;
            foreach (var segment in new[] { "SMB", "Enterprise" })
            {
                if (db.CohortDefinitions.Any(d => d.Name == "Segment " + segment)) continue;
                db.CohortDefinitions.Add(new CohortDefinition
                {
                    Name = "Segment " + segment, CohortType = CohortType.Segment, GroupingField = "segment", GroupingValue = segment,
                    CreatedAt = now, UpdatedAt = now,
                });
            }
            await db.SaveChangesAsync(Ct);
        }
        var query = new CohortQuery { Measure = CohortMeasure.Customers };

        var split = await WithServiceAsync(s => s.AnalyzeAsync(query with { Breakdown = CohortBreakdown.SegmentCohort }, Ct));
        var smb = await WithServiceAsync(s => s.AnalyzeAsync(query with { Filter = Segment("SMB") }, Ct));

        Assert.Equal(["(none)", "Segment Enterprise", "Segment SMB"], split.Analysis.Groups.Select(g => g.Group).Order(StringComparer.Ordinal));
        Assert.Equal(smb.Analysis.Groups.Single().Customers, split.Analysis.Groups.Single(g => g.Group == "Segment SMB").Customers);
    }

    [Fact]
    public async Task CellCustomersAsync_RetentionCell_ListsExactlyTheCellsCustomers()
    {
        var query = new CohortQuery();
        var result = await WithServiceAsync(s => s.AnalyzeAsync(query, Ct));
        var row = result.Analysis.Groups.Single().Rows.First(r => r.Cells.Count > 1 && r.Cells[1] is { Customers: > 2 });
        var cell = row.Cells[1]!;

        var all = await WithServiceAsync(s => s.CellCustomersAsync(query, CohortMatrixBuilder.AllGroup, row.Period, 1, 0, 0, Ct));
        var firstPage = await WithServiceAsync(s => s.CellCustomersAsync(query, CohortMatrixBuilder.AllGroup, row.Period, 1, 0, 2, Ct));
        var secondPage = await WithServiceAsync(s => s.CellCustomersAsync(query, CohortMatrixBuilder.AllGroup, row.Period, 1, 1, 2, Ct));

        Assert.Equal(cell.Customers, all.Total);
        Assert.Equal(cell.Customers, all.Customers.Count);
        Assert.All(all.Customers, c => Assert.True(c.Orders > 0));
        Assert.Equal(cell.Orders, all.Customers.Sum(c => c.Orders));
        Assert.Equal(all.Customers.Take(2).Select(c => c.AccountId), firstPage.Customers.Select(c => c.AccountId));
        Assert.Equal(all.Customers.Skip(2).Take(2).Select(c => c.AccountId), secondPage.Customers.Select(c => c.AccountId));
    }

    [Fact]
    public async Task CellCustomersAsync_NetRevenueCell_CustomersSumToTheCellValue()
    {
        var query = new CohortQuery { Measure = CohortMeasure.NetRevenue };
        var result = await WithServiceAsync(s => s.AnalyzeAsync(query, Ct));
        var row = result.Analysis.Groups.Single().Rows.First(r => r.Cells.Count > 2 && r.Cells[2] is { Customers: > 2 });

        var customers = await WithServiceAsync(s => s.CellCustomersAsync(query, CohortMatrixBuilder.AllGroup, row.Period, 2, 0, 0, Ct));

        Assert.Equal(row.Cells[2]!.Value, customers.Customers.Sum(c => c.NetRevenue));
    }

    [Fact]
    public async Task CellCustomersAsync_OffsetZero_ListsTheWholeCohort()
    {
        var query = new CohortQuery();
        var result = await WithServiceAsync(s => s.AnalyzeAsync(query, Ct));
        var row = result.Analysis.Groups.Single().Rows.First(r => r.Size > 0);

        var members = await WithServiceAsync(s => s.CellCustomersAsync(query, CohortMatrixBuilder.AllGroup, row.Period, 0, 0, 0, Ct));

        Assert.Equal(row.Size, members.Total);
    }

    [Theory]
    [InlineData("timezone", "Mars/Olympus_Mons", 12, 12)]
    [InlineData("periods", null, 0, 12)]
    [InlineData("periods", null, 37, 12)]
    [InlineData("cohorts", null, 12, 0)]
    [InlineData("cohorts", null, 12, 401)]
    public async Task AnalyzeAsync_BadInput_CohortQueryExceptionNamingTheParameter(string parameter, string? timeZone, int offsets, int cohorts)
    {
        var query = new CohortQuery { TimeZone = timeZone, Offsets = offsets, Cohorts = cohorts };

        var error = await Assert.ThrowsAsync<CohortQueryException>(() => WithServiceAsync(s => s.AnalyzeAsync(query, Ct)));

        Assert.Equal(parameter, error.Parameter);
    }

    [Fact]
    public async Task AnalyzeAsync_RangeStartAfterEnd_DateRangeError()
    {
        var query = new CohortQuery { From = new DateOnly(2026, 5, 1), To = new DateOnly(2026, 2, 1) };

        var error = await Assert.ThrowsAsync<CohortQueryException>(() => WithServiceAsync(s => s.AnalyzeAsync(query, Ct)));

        Assert.Equal("dateRange", error.Parameter);
    }

    [Fact]
    public async Task AnalyzeAsync_FilterOnUnknownCohort_TranslationErrorAtTheValuePath()
    {
        var query = new CohortQuery
        {
            Filter = FilterGroup.And(new FilterCondition(FilterFields.CohortId, FilterOperator.Equal, FilterValue.Of(987654m))),
        };

        var error = await Assert.ThrowsAsync<FilterTranslationException>(() => WithServiceAsync(s => s.AnalyzeAsync(query, Ct)));

        Assert.Equal(["filters", "and", "0", "value"], error.Errors.Single().Path);
    }

    [Fact]
    public async Task AnalyzeAsync_FilterMatchingNothing_EmptyMatrixNotAnError()
    {
        var result = await WithServiceAsync(s => s.AnalyzeAsync(new CohortQuery { Filter = Segment("SMB"), UserType = "no-such-type" }, Ct));

        Assert.True(result.Analysis.IsEmpty);
        Assert.Equal(12, result.Analysis.Groups.Single().Rows.Count);
    }

    [Fact]
    public async Task AnalyzeAsync_OtherOrg_SeesOnlyItsOwnCustomers()
    {
        var northwind = await WithServiceAsync(s => s.AnalyzeAsync(new CohortQuery { Cohorts = 24 }, Ct));
        var contoso = await WithServiceAsync(s => s.AnalyzeAsync(new CohortQuery { Cohorts = 24 }, Ct), DemoDataGenerator.ContosoOrgId);

        Assert.Equal("EUR", contoso.Frame.Currency);
        Assert.Equal("Europe/Berlin", contoso.Frame.Calendar.Zone.Id);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, DemoDataGenerator.ContosoOrgId);
        var contosoAccounts = db.Accounts.Count();
        Assert.InRange(contoso.Analysis.Groups.Single().Customers, 1, contosoAccounts);
        Assert.NotEqual(northwind.Analysis.Groups.Single().Customers, contoso.Analysis.Groups.Single().Customers);
    }
}
