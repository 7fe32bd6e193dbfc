using CohortDashboard.Web.Features.Expansion;
using Microsoft.Extensions.Logging.Abstractions;

namespace CohortDashboard.Web.Tests.Expansion;

public sealed class SignalBoardNotifierTests
{
    private static SignalBoardEvent Move(long orgId, long signalId) => new(orgId, signalId, "pending", "pitched", 2, "someone");

    [Fact]
    public async Task Publish_TwoOrgsSubscribed_OnlyTheEventsOrgHears()
    {
        var notifier = new SignalBoardNotifier(NullLogger<SignalBoardNotifier>.Instance);
        var org1 = new TaskCompletionSource<SignalBoardEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var org2Heard = 0;
        using var first = notifier.Subscribe(1, e => { org1.TrySetResult(e); return Task.CompletedTask; });
        using var second = notifier.Subscribe(2, _ => { Interlocked.Increment(ref org2Heard); return Task.CompletedTask; });

        notifier.Publish(Move(1, 42));

        var heard = await org1.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(42, heard.SignalId);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(0, Volatile.Read(ref org2Heard));
    }

    [Fact]
    public async Task Subscribe_Disposed_StopsDeliveryAndFailingSubscriberDoesNotStopOthers()
    {
        var notifier = new SignalBoardNotifier(NullLogger<SignalBoardNotifier>.Instance);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gone = notifier.Subscribe(1, _ => throw new InvalidOperationException("circuit gone"));
        using var alive = notifier.Subscribe(1, _ => { heard.TrySetResult(); return Task.CompletedTask; });

        notifier.Publish(Move(1, 1));
        await heard.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(2, notifier.SubscriberCount(1));
        gone.Dispose();
        gone.Dispose();
        Assert.Equal(1, notifier.SubscriberCount(1));
    }
}
