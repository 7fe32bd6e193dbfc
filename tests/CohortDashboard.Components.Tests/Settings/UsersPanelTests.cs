using Bunit;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CohortDashboard.Components.Tests.Settings;

/// <summary>Admin → Users against the real users service and seeded database (Northwind: one admin, one analyst, one account manager).</summary>
public sealed class UsersPanelTests : ComponentTest, IClassFixture<SeededApp>
{
    private readonly SeededApp app;
    private readonly IRenderedComponent<MudDialogProvider> dialogs;

    public UsersPanelTests(SeededApp app)
    {
        this.app = app;
        SignInAs(Roles.Admin, DemoDataGenerator.NorthwindOrgId, "demo-admin");
        UseApp(app.Factory.Services, DemoDataGenerator.NorthwindOrgId);
        Render<MudPopoverProvider>();
        dialogs = Render<MudDialogProvider>();
    }

    private static string RowOf(string subject) => $"tr.users-row:has([data-subject='{subject}'])";

    private static Task PickRoleAsync(IRenderedComponent<UsersPanel> panel, string subject, string role)
    {
        var index = panel.FindAll("tr.users-row").ToList().FindIndex(r => r.QuerySelector($"[data-subject='{subject}']") is not null);
        var row = panel.FindAll("tr.users-row")[index];
        var selectIndex = panel.FindAll("tr.users-row").Take(index).Count(r => r.QuerySelector("[data-testid='user-role-select']") is not null);
        Assert.NotNull(row.QuerySelector("[data-testid='user-role-select']"));
        var select = panel.FindComponents<MudSelect<string>>()[selectIndex];
        return panel.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(role));
    }

    private async Task<(string Role, int RoleChanges)> StoredAsync(string subject)
    {
        await using var scope = OrgScopeIn(app.Factory.Services, DemoDataGenerator.NorthwindOrgId);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        var role = (await db.OrgMemberships.SingleAsync(m => m.Subject == subject, Xunit.TestContext.Current.CancellationToken)).Role.ToWire();
        var changes = await db.AuditEvents.CountAsync(e => e.Action == UsersService.RoleChangedAction && e.TargetId == subject && e.Actor == "demo-admin", Xunit.TestContext.Current.CancellationToken);
        return (role, changes);
    }

    [Fact]
    public async Task ChangeRole_LocalAnalystToAccountManager_StoredAndAudited()
    {
        var panel = Render<UsersPanel>();
        panel.WaitForElement(RowOf("demo-analyst"));

        await PickRoleAsync(panel, "demo-analyst", Roles.AccountManager);

        panel.WaitForAssertion(() => Assert.Contains("Demo Analyst is now Account manager", panel.Find("[data-testid='users-message']").TextContent));
        Assert.Equal((Roles.AccountManager, 1), await StoredAsync("demo-analyst"));
        Assert.Equal("Account manager", panel.Find(RowOf("demo-analyst")).QuerySelector("[data-testid='users-role']")!.TextContent);
    }

    [Fact]
    public async Task ChangeRole_LastAdminDemotedAfterConfirming_RefusedAndStaysAdmin()
    {
        var panel = Render<UsersPanel>();
        panel.WaitForElement(RowOf("demo-admin"));

        var picking = PickRoleAsync(panel, "demo-admin", Roles.Analyst);
        Assert.Contains("Demo Admin", dialogs.WaitForElement("[data-testid='confirm-message']").TextContent);
        dialogs.Find("[data-testid='confirm-yes']").Click();
        await picking;

        panel.WaitForAssertion(() => Assert.Contains("last admin", panel.Find("[data-testid='users-message']").TextContent));
        Assert.Equal((Roles.Admin, 0), await StoredAsync("demo-admin"));
    }

    [Fact]
    public async Task ChangeRole_ToAdminCancelled_NothingStored()
    {
        var panel = Render<UsersPanel>();
        panel.WaitForElement(RowOf("demo-am"));

        var picking = PickRoleAsync(panel, "demo-am", Roles.Admin);
        dialogs.WaitForElement("[data-testid='confirm-no']").Click();
        await picking;

        Assert.Equal((Roles.AccountManager, 0), await StoredAsync("demo-am"));
        Assert.Empty(panel.FindAll("[data-testid='users-message']"));
    }

    [Fact]
    public async Task Render_ProviderUserSignedIn_ListedWithoutARoleControl()
    {
        await using (var scope = OrgScopeIn(app.Factory.Services, DemoDataGenerator.NorthwindOrgId))
        await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken))
        {
            var user = new CurrentUser("oidc|bunit-provider", "Provider Person", Roles.Analyst, DemoDataGenerator.NorthwindOrgId, "Northwind Learning", null);
            db.AuditEvents.Add(UsersService.SignInRecord(user, app.Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        var panel = Render<UsersPanel>();
        var row = panel.WaitForElement(RowOf("oidc|bunit-provider"));

        Assert.Contains("Provider Person", row.TextContent);
        Assert.Null(row.QuerySelector("[data-testid='user-role-select']"));
        Assert.NotNull(row.QuerySelector("[data-testid='user-role-provider']"));
        Assert.NotNull(panel.Find(RowOf("demo-analyst")).QuerySelector("[data-testid='user-role-select']"));
    }
}

/// <summary>The Users panel is on the admin-only page; should it be reached anyway, the service still refuses a non-admin's change.</summary>
public sealed class UsersPanelAsAnalystTests : ComponentTest, IClassFixture<SeededApp>
{
    private readonly SeededApp app;

    public UsersPanelAsAnalystTests(SeededApp app)
    {
        this.app = app;
        SignInAs(Roles.Analyst, DemoDataGenerator.NorthwindOrgId, "demo-analyst");
        UseApp(app.Factory.Services, DemoDataGenerator.NorthwindOrgId);
        Render<MudPopoverProvider>();
    }

    [Fact]
    public async Task ChangeRole_AsAnalyst_RefusedAndNothingStored()
    {
        var panel = Render<UsersPanel>();
        panel.WaitForElement("[data-subject='demo-am']");
        var amIndex = panel.FindAll("tr.users-row").Where(r => r.QuerySelector("[data-testid='user-role-select']") is not null).ToList()
            .FindIndex(r => r.QuerySelector("[data-subject='demo-am']") is not null);
        var select = panel.FindComponents<MudSelect<string>>()[amIndex];

        await panel.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(Roles.Analyst));

        panel.WaitForAssertion(() => Assert.Contains("Only an admin", panel.Find("[data-testid='users-message']").TextContent));
        await using var scope = OrgScopeIn(app.Factory.Services, DemoDataGenerator.NorthwindOrgId);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(UserRole.AccountManager, (await db.OrgMemberships.SingleAsync(m => m.Subject == "demo-am", Xunit.TestContext.Current.CancellationToken)).Role);
    }
}
