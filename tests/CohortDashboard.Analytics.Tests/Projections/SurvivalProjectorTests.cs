using CohortDashboard.Analytics.Projections;

namespace CohortDashboard.Analytics.Tests.Projections;

public sealed class SurvivalProjectorTests
{
    private static readonly int[] Regular = [1000, 631, 468, 382, 326, 289, 262, 241];

    [Fact]
    public void Project_LongCohort_FitsItselfAndAnchorsOnItsLastObservation()
    {
        var projection = SurvivalProjector.Project([new SurvivalCohort("regular", new SurvivalSeries(Regular))], horizon: 12).Single();

        Assert.Equal(FitScope.Cohort, projection.Model!.Scope);
        Assert.Equal(7, projection.ObservedPeriods);
        Assert.Null(projection.At(7));
        // Share at 8 = 241/1000 · S(8)/S(7): the survivors' retention, from the cohort's own α, β.
        var fit = projection.Model.Fit;
        Assert.Equal(0.241 * fit.Survival(8) / fit.Survival(7), projection.At(8)!.Value, 1e-12);
        Assert.Equal(5, projection.Projected.Count);
        Assert.All(projection.Projected, p => Assert.InRange(p.Value, p.Lower!.Value, p.Upper!.Value));
    }

    [Fact]
    public void Project_YoungAndSmallCohorts_UseThePooledFit()
    {
        // Young (2 periods), small (50 customers) and new cohorts get the fit pooled over the cohorts with data.
        SurvivalCohort[] cohorts =
        [
            new("old", new SurvivalSeries(Regular)),
            new("young", new SurvivalSeries([800, 510, 380])),
            new("small", new SurvivalSeries([50, 33, 25, 20, 17, 15, 13])),
            new("new", new SurvivalSeries([300])),
        ];

        var projections = SurvivalProjector.Project(cohorts, horizon: 12).ToDictionary(p => p.Key);

        Assert.Equal(FitScope.Cohort, projections["old"].Model!.Scope);
        foreach (var key in new[] { "young", "small", "new" })
        {
            Assert.Equal(FitScope.Pooled, projections[key].Model!.Scope);
            Assert.Equal(3, projections[key].Model!.Cohorts); // the cohorts with a completed period
            Assert.Equal(1000 + 800 + 50, projections[key].Model!.Customers);
        }
        // The newest cohort (no completed period) is projected from offset 1 with the pooled curve itself.
        var pooled = projections["new"].Model!.Fit;
        Assert.Equal(pooled.Survival(1), projections["new"].At(1)!.Value, 1e-12);
        Assert.Equal(12, projections["new"].Projected.Count);
    }

    [Fact]
    public void Project_NothingFittable_SaysNotEnoughDataForEveryCohort()
    {
        SurvivalCohort[] cohorts = [new("a", new SurvivalSeries([40, 40, 40, 40])), new("b", new SurvivalSeries([30, 30]))];

        var projections = SurvivalProjector.Project(cohorts, horizon: 6);

        Assert.All(projections, p =>
        {
            Assert.Null(p.Model);
            Assert.Equal("not enough data: nobody left: there is no churn to model", p.NotEnoughData);
            Assert.Empty(p.Projected);
        });
    }

    [Fact]
    public void Project_CohortWithComeBacks_StartsFromTheCountObservedLast()
    {
        // 30 → 10 → 15: the fit sees 30, 10, 10 (one-way), the projection starts from the 15 actually there.
        SurvivalCohort[] cohorts = [new("old", new SurvivalSeries(Regular)), new("back", new SurvivalSeries([30, 10, 15]))];

        var back = SurvivalProjector.Project(cohorts, horizon: 4).Single(p => p.Key == "back");

        var fit = back.Model!.Fit;
        Assert.Equal(0.5 * fit.Survival(3) / fit.Survival(2), back.At(3)!.Value, 1e-12);
    }

    [Fact]
    public void Project_CohortWithNobodyLeft_ProjectsZero()
    {
        SurvivalCohort[] cohorts = [new("old", new SurvivalSeries(Regular)), new("gone", new SurvivalSeries([30, 10, 0]))];

        var gone = SurvivalProjector.Project(cohorts, horizon: 5).Single(p => p.Key == "gone");

        Assert.All(gone.Projected, p => Assert.Equal(new ProjectedValue(0, 0, 0), p));
    }
}
