using CohortDashboard.Web.Features.ApiKeys;

namespace CohortDashboard.Web.Tests.ApiKeys;

public sealed class ApiKeyQuotaTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Take_DefaultAllowance_250ThenExhaustedUntilTheBurstRollsOut()
    {
        var clock = new ManualClock(Start);
        var quota = new ApiKeyQuota(clock);
        QuotaState state = default;
        for (var i = 0; i < 250; i++) state = quota.Take("a", QuotaLimit.Default);

        Assert.Equal((true, 0, Start + TimeSpan.FromHours(5)), (state.Allowed, state.Remaining, state.ResetsAt));
        Assert.Equal(new QuotaState(false, 0, Start + TimeSpan.FromHours(5)), quota.Take("a", QuotaLimit.Default));
        Assert.True(quota.Take("b", QuotaLimit.Default).Allowed);

        clock.Now = Start + TimeSpan.FromHours(5);
        var after = quota.Take("a", QuotaLimit.Default);
        Assert.True(after.Allowed);
        Assert.Equal(249, after.Remaining); // the whole burst was at one instant, so it rolls out at once
    }

    [Fact]
    public void Take_Rolling_CreditsFreeUpOneByOneAsTheyAgeOut()
    {
        // 3 per hour, used at 12:00, 12:20, 12:40: at 13:00 exactly one credit is back, at 13:20 a second.
        var clock = new ManualClock(Start);
        var quota = new ApiKeyQuota(clock);
        var limit = new QuotaLimit(3, TimeSpan.FromHours(1));
        foreach (var minutes in new[] { 0, 20, 40 })
        {
            clock.Now = Start.AddMinutes(minutes);
            Assert.True(quota.Take("k", limit).Allowed);
        }
        clock.Now = Start.AddMinutes(59);
        Assert.Equal(new QuotaState(false, 0, Start.AddHours(1)), quota.Take("k", limit));

        clock.Now = Start.AddMinutes(60);
        Assert.Equal(new QuotaState(true, 0, Start.AddMinutes(80)), quota.Take("k", limit));
        Assert.False(quota.Take("k", limit).Allowed);
    }

    [Fact]
    public void Take_AllowanceLowered_AppliesAtOnce()
    {
        var clock = new ManualClock(Start);
        var quota = new ApiKeyQuota(clock);
        for (var i = 0; i < 5; i++) quota.Take("k", new QuotaLimit(10, TimeSpan.FromHours(1)));

        Assert.False(quota.Take("k", new QuotaLimit(2, TimeSpan.FromHours(1))).Allowed);
        // Lowering forgets the oldest uses beyond the new allowance (2 kept), so raising it back leaves 10 - 3.
        Assert.Equal(7, quota.Take("k", new QuotaLimit(10, TimeSpan.FromHours(1))).Remaining);
    }
}
