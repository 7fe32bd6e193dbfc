using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Model;

namespace CohortDashboard.Data.Tests;

/// <summary>A migrated SQLite file seeded with the demo data at scale 0.05, plus a row of every other entity (cohort facts included) for both orgs.</summary>
public sealed class SeededDatabaseFixture : IAsyncLifetime
{
    public static readonly DateOnly AsOf = new(2026, 6, 15);
    public const ulong Seed = 5;
    public const double Scale = 0.05;

    public TestDatabase Database { get; } = new("seeded");
    public DemoSeedResult Result { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Database.MigrateAsync();
        await using var db = Database.System();
        Result = (await DemoSeeder.SeedIfEmptyAsync(db, Scale, AsOf, Seed))!;

        var at = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        foreach (var orgId in new[] { DemoDataGenerator.NorthwindOrgId, DemoDataGenerator.ContosoOrgId })
        {
            var account = db.Accounts.Where(a => a.OrgId == orgId).OrderBy(a => a.Id).First();
            var products = db.Products.Where(p => p.OrgId == orgId).OrderBy(p => p.Id).Take(2).ToList();
            var definition = new CohortDefinition
            {
                OrgId = orgId, Name = "Segment SMB", CohortType = CohortType.Segment, GroupingField = "segment",
                GroupingValue = "SMB", MemberCount = 3, CreatedAt = at, UpdatedAt = at,
            };
            db.CohortDefinitions.Add(definition);
            await db.SaveChangesAsync();
            db.CohortSnapshots.Add(new CohortSnapshot
            {
                OrgId = orgId, CohortDefinitionId = definition.Id, PeriodMonth = new DateOnly(2026, 5, 1), Members = 3,
                StartingArr = 100m, TotalArr = 110m, Nrr = 110m, Grr = 100m, ComputedAt = at,
            });
            db.AffinityEntries.Add(new AffinityEntry
            {
                OrgId = orgId, ProductAId = products[0].Id, ProductBId = products[1].Id, Segment = "all",
                CoAdoptionCount = 2, CoAdoptionRate = 50m, SampleSize = 4, Confidence = Confidence.Low, ComputedAt = at,
            });
            db.ExpansionSignals.Add(new ExpansionSignal
            {
                OrgId = orgId, AccountId = account.Id, TargetProductId = products[1].Id, SourceProductId = products[0].Id,
                AffinityScore = 0.7m, Priority = 2, Reason = "test", Status = SignalStatus.Pending, CreatedAt = at, UpdatedAt = at,
            });
            db.ApiKeys.Add(new ApiKey
            {
                OrgId = orgId, Name = "key", Prefix = $"cdk_test{orgId}", SecretHash = "00", Scopes = "read",
                CreatedAt = at, CreatedBy = "test",
            });
            db.AuditEvents.Add(new AuditEvent { OrgId = orgId, Actor = "test", At = at, Action = "seed", TargetType = "test" });
            db.AuthSessions.Add(new AuthSession
            {
                Id = $"session-{orgId}", OrgId = orgId, Subject = "test", Ticket = [1], CreatedAt = at, LastSeenAt = at,
                ExpiresAt = at.AddHours(12), AbsoluteExpiresAt = at.AddHours(24),
            });
            db.JobLeases.Add(new JobLease { OrgId = orgId, Job = "test", Holder = "test/1", State = "done", StartedAt = at, ExpiresAt = at });
        }
        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync()
    {
        Database.Dispose();
        return ValueTask.CompletedTask;
    }
}
