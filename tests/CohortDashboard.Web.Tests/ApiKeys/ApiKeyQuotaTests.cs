using CohortDashboard.Data;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.ApiKeys;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.ApiKeys;

/// <summary>The rolling credit windows, counted in a real database (SQLite, and PostgreSQL when test.sh runs one).</summary>
public sealed class ApiKeyQuotaTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IServiceScopeFactory Scopes(IServiceProvider services) => services.GetRequiredService<IServiceScopeFactory>();

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSQL)]
    public async Task TakeAsync_DefaultAllowance_250ThenExhaustedUntilTheBurstRollsOut(DatabaseProvider provider)
    {
        await using var database = await TempDatabase.CreateAsync(provider);
        await using var services = await database.ServicesAsync();
        var clock = new ManualClock(Start);
        var quota = new ApiKeyQuota(Scopes(services), clock);
        QuotaState state = default;
        for (var i = 0; i < 250; i++) state = await quota.TakeAsync("a", QuotaLimit.Default, Ct);

        Assert.Equal((true, 0, Start + TimeSpan.FromHours(5)), (state.Allowed, state.Remaining, state.ResetsAt));
        Assert.Equal(new QuotaState(false, 0, Start + TimeSpan.FromHours(5)), await quota.TakeAsync("a", QuotaLimit.Default, Ct));
        Assert.True((await quota.TakeAsync("b", QuotaLimit.Default, Ct)).Allowed);

        clock.Now = Start + TimeSpan.FromHours(5);
        var after = await quota.TakeAsync("a", QuotaLimit.Default, Ct);
        Assert.True(after.Allowed);
        Assert.Equal(249, after.Remaining); // the whole burst was at one instant, so it rolls out at once
    }

    [Fact]
    public async Task TakeAsync_Rolling_CreditsFreeUpOneByOneAsTheyAgeOut()
    {
        // 3 per hour, used at 12:00, 12:20, 12:40: at 13:00 exactly one credit is back, at 13:20 a second.
        await using var database = TempDatabase.Sqlite();
        await using var services = await database.ServicesAsync();
        var clock = new ManualClock(Start);
        var quota = new ApiKeyQuota(Scopes(services), clock);
        var limit = new QuotaLimit(3, TimeSpan.FromHours(1));
        foreach (var minutes in new[] { 0, 20, 40 })
        {
            clock.Now = Start.AddMinutes(minutes);
            Assert.True((await quota.TakeAsync("k", limit, Ct)).Allowed);
        }
        clock.Now = Start.AddMinutes(59);
        Assert.Equal(new QuotaState(false, 0, Start.AddHours(1)), await quota.TakeAsync("k", limit, Ct));

        clock.Now = Start.AddMinutes(60);
        Assert.Equal(new QuotaState(true, 0, Start.AddMinutes(80)), await quota.TakeAsync("k", limit, Ct));
        Assert.False((await quota.TakeAsync("k", limit, Ct)).Allowed);
    }

    [Fact]
    public async Task TakeAsync_AllowanceLowered_AppliesAtOnce()
    {
        await using var database = TempDatabase.Sqlite();
        await using var services = await database.ServicesAsync();
        var quota = new ApiKeyQuota(Scopes(services), new ManualClock(Start));
        for (var i = 0; i < 5; i++) await quota.TakeAsync("k", new QuotaLimit(10, TimeSpan.FromHours(1)), Ct);

        Assert.False((await quota.TakeAsync("k", new QuotaLimit(2, TimeSpan.FromHours(1)), Ct)).Allowed);
        // Lowering forgets the oldest uses beyond the new allowance (2 kept), so raising it back leaves 10 - 3.
        Assert.Equal(7, (await quota.TakeAsync("k", new QuotaLimit(10, TimeSpan.FromHours(1)), Ct)).Remaining);
    }

    /// <summary>Two quota services over one database stand for two app instances: together they grant the allowance once.</summary>
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSQL)]
    public async Task TakeAsync_ConcurrentTakersOnTwoInstances_GrantExactlyTheAllowance(DatabaseProvider provider)
    {
        await using var database = await TempDatabase.CreateAsync(provider);
        await using var first = await database.ServicesAsync();
        await using var second = await database.ServicesAsync();
        var clock = new ManualClock(Start);
        var quotas = new[] { new ApiKeyQuota(Scopes(first), clock), new ApiKeyQuota(Scopes(second), clock) };
        var limit = new QuotaLimit(20, TimeSpan.FromHours(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => quotas[i % 2].TakeAsync("k", limit, Ct))));

        Assert.Equal(20, results.Count(r => r.Allowed));
        Assert.Equal(Enumerable.Range(0, 20).ToHashSet(), results.Where(r => r.Allowed).Select(r => r.Remaining).ToHashSet());
    }

    /// <summary>On SQLite one instance's takers queue in memory for the one writer; the count stays exact under a burst.</summary>
    [Fact]
    public async Task TakeAsync_BurstOfConcurrentTakersOnOneInstance_GrantExactlyTheAllowance()
    {
        await using var database = TempDatabase.Sqlite();
        await using var services = await database.ServicesAsync();
        using var quota = new ApiKeyQuota(Scopes(services), new ManualClock(Start));
        var limit = new QuotaLimit(25, TimeSpan.FromHours(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => quota.TakeAsync("k", limit, Ct))));

        Assert.Equal(25, results.Count(r => r.Allowed));
        Assert.Equal(Enumerable.Range(0, 25).ToHashSet(), results.Where(r => r.Allowed).Select(r => r.Remaining).ToHashSet());
        Assert.All(results.Where(r => !r.Allowed), r => Assert.Equal(new QuotaState(false, 0, Start.AddHours(1)), r));
    }
}
