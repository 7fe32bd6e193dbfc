using System.Collections.Concurrent;
using System.Globalization;
using CohortDashboard.Data;
using CohortDashboard.Web.Features.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>
/// The bounds of heavy analytics requests: <c>Limits:QueryTimeoutSeconds</c> (default 30) per request,
/// <c>Limits:HeavyQueriesPerOrg</c> running at once per org (default half the cores, at least 1) and
/// <c>Limits:HeavyQueueSeconds</c> (default 10) a further one waits for a turn before it is refused.
/// </summary>
public sealed record QueryLimitOptions(TimeSpan QueryTimeout, int HeavyQueriesPerOrg, TimeSpan QueueWait)
{
    public static QueryLimitOptions From(IConfiguration configuration)
    {
        var timeout = configuration.GetValue("Limits:QueryTimeoutSeconds", 30.0);
        var perOrg = configuration.GetValue("Limits:HeavyQueriesPerOrg", 0);
        var queue = configuration.GetValue("Limits:HeavyQueueSeconds", 10.0);
        if (timeout <= 0 || perOrg < 0 || queue < 0)
            throw new InvalidOperationException(
                "Limits:QueryTimeoutSeconds must be above 0, Limits:HeavyQueriesPerOrg and Limits:HeavyQueueSeconds 0 or more.");
        return new QueryLimitOptions(TimeSpan.FromSeconds(timeout), perOrg > 0 ? perOrg : Math.Max(1, Environment.ProcessorCount / 2),
            TimeSpan.FromSeconds(queue));
    }
}

/// <summary>Marks an endpoint as heavy analytics and says how its product words the 429 and 504 answers.</summary>
public sealed class HeavyAnalytics(Func<int, string, IResult> error)
{
    public IResult Error(int status, string message) => error(status, message);
}

/// <summary>Per org, at most <see cref="QueryLimitOptions.HeavyQueriesPerOrg"/> heavy requests run at once; others queue briefly.</summary>
public sealed class OrgQueryGate(QueryLimitOptions options)
{
    private readonly ConcurrentDictionary<long, SemaphoreSlim> _gates = new();

    /// <summary>A turn for <paramref name="orgId"/>, waiting up to <paramref name="wait"/>; null when none came.</summary>
    public async Task<IDisposable?> EnterAsync(long orgId, TimeSpan wait, CancellationToken ct)
    {
        var gate = _gates.GetOrAdd(orgId, _ => new SemaphoreSlim(options.HeavyQueriesPerOrg, options.HeavyQueriesPerOrg));
        return await gate.WaitAsync(wait, ct) ? new Turn(gate) : null;
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}

public static class QueryLimits
{
    public static IServiceCollection AddQueryLimits(this IServiceCollection services)
    {
        services.AddSingleton(provider => QueryLimitOptions.From(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<OrgQueryGate>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Bounds every route of <paramref name="builder"/> (see <see cref="UseQueryLimits"/>), errors in the route's shape.</summary>
    public static TBuilder WithQueryLimits<TBuilder>(this TBuilder builder, Func<int, string, IResult> error)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new HeavyAnalytics(error));

    /// <summary>
    /// For endpoints marked <see cref="WithQueryLimits"/> (after authentication, which names the org): waits for one of
    /// the org's turns (429 with <c>Retry-After</c> when none comes within the queue wait), then runs the request with
    /// a deadline on the app's <see cref="TimeProvider"/>. At the deadline the request's cancellation token fires (the
    /// handler's <c>CancellationToken</c> is that token) and the running database command stops
    /// (<see cref="QueryBudget"/>); the answer is 504.
    /// </summary>
    public static WebApplication UseQueryLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<HeavyAnalytics>() is not { } heavy)
            {
                await next(context);
                return;
            }
            var options = context.RequestServices.GetRequiredService<QueryLimitOptions>();
            using var turn = CurrentUser.OrgIdOf(context.User) is { } orgId
                ? await context.RequestServices.GetRequiredService<OrgQueryGate>().EnterAsync(orgId, options.QueueWait, context.RequestAborted)
                : NoOrg.Instance; // not signed in: the route's own filter answers 401
            if (turn is null)
            {
                RetryAfter.Set(context.Response, options.QueueWait);
                await heavy.Error(StatusCodes.Status429TooManyRequests,
                    $"Your organization already runs {options.HeavyQueriesPerOrg} heavy analytics request(s) and more are queued; retry after the Retry-After seconds.")
                    .ExecuteAsync(context);
                return;
            }

            var aborted = context.RequestAborted;
            using var timeout = new CancellationTokenSource(options.QueryTimeout, context.RequestServices.GetRequiredService<TimeProvider>());
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);
            context.RequestAborted = deadline.Token;
            try
            {
                using (QueryBudget.Enter(deadline.Token)) await next(context);
            }
            catch (Exception) when (timeout.IsCancellationRequested && !aborted.IsCancellationRequested && !context.Response.HasStarted)
            {
                // Whatever the cancelled work threw (OperationCanceledException, SQLite's "interrupted", Npgsql's
                // cancellation), the client hears one thing: the request ran out of time. The answer is written under
                // the connection's own token: under the spent deadline the writer would give up and the client would
                // see a reset connection.
                context.RequestAborted = aborted;
                context.Response.Clear();
                await heavy.Error(StatusCodes.Status504GatewayTimeout,
                    $"The query ran longer than {options.QueryTimeout.TotalSeconds:0.###} s and was stopped; narrow the date range or filters, or try again later.")
                    .ExecuteAsync(context);
            }
            finally
            {
                context.RequestAborted = aborted;
            }
        });
        return app;
    }

    private sealed class NoOrg : IDisposable
    {
        public static readonly NoOrg Instance = new();

        public void Dispose() { }
    }
}

/// <summary>The <c>Retry-After</c> header in whole seconds, rounded up and never below 1 (0 would invite a retry storm).</summary>
public static class RetryAfter
{
    public static void Set(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
