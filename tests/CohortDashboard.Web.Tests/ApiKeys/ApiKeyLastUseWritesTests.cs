using CohortDashboard.Web.Features.ApiKeys;

namespace CohortDashboard.Web.Tests.ApiKeys;

/// <summary>One request per key and minute writes the last-used time, however many find it stale at once.</summary>
public sealed class ApiKeyLastUseWritesTests
{
    private static readonly DateTime Start = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task TryClaim_SixteenConcurrentCallersOfOneKey_ExactlyOneWrites()
    {
        var writes = new ApiKeyLastUseWrites();
        using var start = new ManualResetEventSlim();

        // Own threads, released together, so the callers really race (and no thread-pool starvation).
        var callers = Enumerable.Range(0, 16).Select(_ => Task.Factory.StartNew(() =>
        {
            start.Wait(TestContext.Current.CancellationToken);
            return writes.TryClaim(7, Start, Minute);
        }, TaskCreationOptions.LongRunning)).ToList();
        start.Set();
        var claims = await Task.WhenAll(callers);

        Assert.Equal(1, claims.Count(c => c));
    }

    [Fact]
    public void TryClaim_AfterTheResolution_NextCallerWritesAgainAndOtherKeysAreApart()
    {
        var writes = new ApiKeyLastUseWrites();
        Assert.True(writes.TryClaim(1, Start, Minute));
        Assert.True(writes.TryClaim(2, Start.AddSeconds(1), Minute));

        Assert.False(writes.TryClaim(1, Start.AddSeconds(59), Minute));
        Assert.True(writes.TryClaim(1, Start.AddMinutes(1), Minute));
        Assert.False(writes.TryClaim(1, Start.AddMinutes(1).AddSeconds(30), Minute));
    }
}
