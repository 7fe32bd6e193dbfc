using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Cohorts;

namespace CohortDashboard.Components.Tests.Cohorts;

public sealed class CohortEmptyStateTests : ComponentTest
{
    [Theory]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Analyst, false)]
    [InlineData(Roles.AccountManager, false)]
    public void Render_AsRole_PointsAdminsToImportAndOthersToTheirAdmin(string role, bool linksToAdmin)
    {
        SignInAs(role);

        var html = RenderText<CohortEmptyState>([]);

        Assert.Contains("data-testid=\"empty-state\"", html);
        Assert.Contains("No orders yet", html);
        Assert.Equal(linksToAdmin, html.Contains("href=\"/admin\""));
        Assert.Equal(!linksToAdmin, html.Contains("Ask an admin"));
    }
}
