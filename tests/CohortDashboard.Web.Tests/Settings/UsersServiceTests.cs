using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Settings;

/// <summary>Admin → Users over the real app: who is listed with which sign-ins, and role changes with the last-admin rule.</summary>
public sealed class UsersServiceTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Actor AdminActor(string subject) => new(subject, Roles.Admin, null, false);

    private async Task AddMemberAsync(OwnOrg org, string subject, UserRole role)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await using var db = DatabaseInitializer.CreateOrgContext(scope.ServiceProvider, org.Id);
        db.OrgMemberships.Add(new OrgMembership { Subject = subject, DisplayName = "Member " + subject, Role = role });
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task ListAsync_AfterTwoSignIns_FirstAndLastSignInFromTheAuditRows()
    {
        var org = await OwnOrg.CreateAsync(app.Factory);
        (await DemoSession.SignedInClientAsync(app.Factory, org.AdminSubject)).Dispose();
        (await DemoSession.SignedInClientAsync(app.Factory, org.AdminSubject)).Dispose();

        var rows = await org.WithScopeAsync(app.Factory, sp => sp.GetRequiredService<UsersService>().ListAsync(Ct));
        var times = await org.WithScopeAsync(app.Factory, async sp =>
        {
            await using var db = DatabaseInitializer.CreateOrgContext(sp, org.Id);
            return await db.AuditEvents.Where(e => e.Action == UsersService.SignedInAction).OrderBy(e => e.Id).Select(e => e.At).ToListAsync(Ct);
        });

        var admin = Assert.Single(rows);
        Assert.Equal((org.AdminSubject, "admin", true), (admin.Subject, admin.Role, admin.Local));
        Assert.Equal(2, times.Count);
        Assert.Equal((times[0], times[1]), (admin.FirstSignIn, admin.LastSignIn));
    }

    [Fact]
    public async Task ListAsync_ProviderUserSeenOnlyBySignIn_ListedWithTheTokensRoleAndNotLocal()
    {
        var org = await OwnOrg.CreateAsync(app.Factory);
        await org.WithScopeAsync(app.Factory, async sp =>
        {
            await using var db = DatabaseInitializer.CreateOrgContext(sp, org.Id);
            db.AuditEvents.Add(UsersService.SignInRecord(new CurrentUser("idp|42", "Ada", Roles.Analyst, org.Id, "x", null), new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc)));
            await db.SaveChangesAsync(Ct);
            return 0;
        });

        var rows = await org.WithScopeAsync(app.Factory, sp => sp.GetRequiredService<UsersService>().ListAsync(Ct));

        var ada = Assert.Single(rows, r => r.Subject == "idp|42");
        Assert.Equal(("Ada", Roles.Analyst, false), (ada.Name, ada.Role, ada.Local));
        Assert.Equal(new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc), ada.LastSignIn);
        var refused = await org.WithScopeAsync(app.Factory, sp => sp.GetRequiredService<UsersService>().ChangeRoleAsync(AdminActor(org.AdminSubject), "idp|42", Roles.Admin, Ct));
        Assert.NotNull(refused.Error);
    }

    [Fact]
    public async Task ChangeRoleAsync_LastAdmin_Refused_WithASecondAdmin_DemotedAndAudited()
    {
        var org = await OwnOrg.CreateAsync(app.Factory);
        var second = $"demo-org{org.Id}-second";
        Task<RoleChangeResult> DemoteAsync(string subject) => org.WithScopeAsync(app.Factory,
            sp => sp.GetRequiredService<UsersService>().ChangeRoleAsync(AdminActor(org.AdminSubject), subject, Roles.Analyst, Ct));

        var alone = await DemoteAsync(org.AdminSubject);
        await AddMemberAsync(org, second, UserRole.Admin);
        await org.WithScopeAsync(app.Factory, async sp =>
        {
            // An open session of the admin about to be demoted: its ticket still says admin.
            await using var system = DatabaseInitializer.CreateSystemContext(sp);
            var at = new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc);
            system.AuthSessions.Add(new AuthSession
            {
                Id = $"session-{org.Id}", OrgId = org.Id, Subject = org.AdminSubject, Ticket = [1], CreatedAt = at, LastSeenAt = at,
                ExpiresAt = at.AddYears(10), AbsoluteExpiresAt = at.AddYears(10),
            });
            return await system.SaveChangesAsync(Ct);
        });
        var withSecond = await DemoteAsync(org.AdminSubject);
        var lastAgain = await DemoteAsync(second);

        Assert.Contains("last admin", alone.Error);
        Assert.Null(withSecond.Error);
        Assert.Contains("last admin", lastAgain.Error);
        var (role, audit) = await org.WithScopeAsync(app.Factory, async sp =>
        {
            await using var db = DatabaseInitializer.CreateOrgContext(sp, org.Id);
            return (await db.OrgMemberships.Where(m => m.Subject == org.AdminSubject).Select(m => m.Role).SingleAsync(Ct),
                await db.AuditEvents.SingleAsync(e => e.Action == UsersService.RoleChangedAction, Ct));
        });
        Assert.Equal(UserRole.Analyst, role);
        Assert.Equal((org.AdminSubject, org.AdminSubject), (audit.Actor, audit.TargetId));
        Assert.Equal("""{"role":"admin"}""", audit.Before);
        // The demotion ended the open session, so the old role's ticket cannot be used any more.
        var sessions = await org.WithScopeAsync(app.Factory, async sp =>
        {
            await using var system = DatabaseInitializer.CreateSystemContext(sp);
            return await system.AuthSessions.CountAsync(s => s.OrgId == org.Id && s.Subject == org.AdminSubject, Ct);
        });
        Assert.Equal(0, sessions);
    }
}
