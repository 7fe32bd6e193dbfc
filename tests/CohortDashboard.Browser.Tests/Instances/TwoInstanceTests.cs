using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CohortDashboard.Data.Demo;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Import;
using CohortDashboard.Web.Features.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests.Instances;

/// <summary>Two app instances on one PostgreSQL database: what one does, the other sees and honours.</summary>
public sealed class TwoInstanceTests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const long Northwind = DemoDataGenerator.NorthwindOrgId;

    private void RequireInstances() =>
        Assert.SkipUnless(instances.Available, "COHORTDASHBOARD_TEST_POSTGRES is not set; no PostgreSQL server for two instances.");

    [Fact]
    public async Task SignIn_OnA_CookieAcceptedByB()
    {
        RequireInstances();
        // Cookies are per host, not per port: the context signed in on A sends the same cookie to B.
        await using var session = await BrowserFixture.NewSessionAsync(instances.Browser, instances.A.BaseAddress);
        await session.SignInAsync(DemoSession.Admin, "/signals");

        await session.Page.GotoAsync(new Uri(instances.B.BaseAddress, "/admin").ToString());
        await session.WaitForInteractiveAsync();

        Assert.Equal("/admin", new Uri(session.Page.Url).AbsolutePath);
        Assert.Equal(instances.B.BaseAddress.Port, new Uri(session.Page.Url).Port);
        await Assertions.Expect(session.Page.Locator("[data-testid='import-panel']")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task SignalMove_OnA_AppearsOnBoardOpenOnBWithin2Seconds()
    {
        RequireInstances();
        using (var api = TwoInstances.ApiClient(instances.A.BaseAddress))
        {
            var existing = await api.GetFromJsonAsync<JsonElement>("/api/expansion/signals?page_size=1", Ct);
            if (existing.GetProperty("total_count").GetInt32() == 0)
            {
                (await api.PostAsync("/api/expansion/affinity", null, Ct)).EnsureSuccessStatusCode();
                (await api.PostAsync("/api/expansion/signals", null, Ct)).EnsureSuccessStatusCode();
            }
        }
        await using var mover = await BrowserFixture.NewSessionAsync(instances.Browser, instances.A.BaseAddress);
        await using var watcher = await BrowserFixture.NewSessionAsync(instances.Browser, instances.B.BaseAddress);
        await mover.SignInAsync(DemoSession.Admin, "/signals");
        await watcher.SignInAsync(DemoSession.Analyst, "/signals");
        var first = mover.Page.Locator("[data-testid='column-pending'] [data-testid='signal-card']").First;
        await Assertions.Expect(first).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var id = await first.GetAttributeAsync("data-signal-id");
        ILocator CardIn(IPage page, string column) =>
            page.Locator($"[data-testid='column-{column}'] [data-testid='signal-card'][data-signal-id='{id}']");
        await Assertions.Expect(CardIn(watcher.Page, "pending")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        var card = CardIn(mover.Page, "pending");
        await card.Locator("[data-testid='move-menu-button']").ClickAsync();
        await card.Locator("[data-testid='move-to-pitched']").ClickAsync();
        await Assertions.Expect(CardIn(mover.Page, "pitched")).ToBeVisibleAsync(new() { Timeout = 10_000 });

        // No reload on B: the move arrives through PostgreSQL NOTIFY.
        await Assertions.Expect(CardIn(watcher.Page, "pitched")).ToBeVisibleAsync(new() { Timeout = 2_000 });
        await Assertions.Expect(CardIn(watcher.Page, "pending")).ToHaveCountAsync(0);
        Assert.Empty(mover.ConsoleErrors);
        Assert.Empty(watcher.ConsoleErrors);
    }

    [Fact]
    public async Task RecomputeAll_RunningOnA_409OnBAndBsPageShowsItRunning()
    {
        RequireInstances();
        await using var session = await BrowserFixture.NewSessionAsync(instances.Browser, instances.B.BaseAddress);
        await session.SignInAsync(DemoSession.Admin, "/admin");
        using var apiA = TwoInstances.ApiClient(instances.A.BaseAddress);
        using var apiB = TwoInstances.ApiClient(instances.B.BaseAddress);

        // An import into the org on A holds the run after it has started (it waits for the import), so it stays running.
        var importOnA = await instances.A.Services.GetRequiredService<OrgJobs>().WaitAsync(Northwind, ImportService.Job, Ct);
        Task<HttpResponseMessage> runOnA;
        try
        {
            runOnA = apiA.PostAsync("/api/recompute", null, Ct);
            var elsewhere = session.Page.Locator("[data-testid='recompute-elsewhere'][data-state='running']");
            await Assertions.Expect(elsewhere).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Assertions.Expect(elsewhere).ToContainTextAsync("Running on instance A");
            await Assertions.Expect(elsewhere.Locator("[data-testid='recompute-step']")).ToHaveCountAsync(4);
            await Assertions.Expect(session.Page.Locator("[data-testid='recompute-all']")).ToBeDisabledAsync();

            var onB = await apiB.PostAsync("/api/recompute", null, Ct);
            Assert.Equal(HttpStatusCode.Conflict, onB.StatusCode);
            Assert.Equal("application/problem+json", onB.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            importOnA.Dispose();
        }

        var done = await runOnA;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.True((await done.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("success").GetBoolean());
        // The run ended: B's page drops it and offers the button again.
        await Assertions.Expect(session.Page.Locator("[data-testid='recompute-elsewhere']")).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await Assertions.Expect(session.Page.Locator("[data-testid='recompute-all']")).ToBeEnabledAsync();
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task Quota_SpentOnAAndBTogether_NotRefilledByARestartOfA()
    {
        RequireInstances();
        async Task<int> RemainingAfterCallAsync(Uri instance)
        {
            using var api = TwoInstances.ApiClient(instance);
            var response = await api.GetAsync("/api/agent/cohorts/summary", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return int.Parse(response.Headers.GetValues("X-CashRunway-Quota-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var start = await RemainingAfterCallAsync(instances.A.BaseAddress);
        Assert.Equal(start - 1, await RemainingAfterCallAsync(instances.B.BaseAddress));
        Assert.Equal(start - 2, await RemainingAfterCallAsync(instances.A.BaseAddress));
        Assert.Equal(start - 3, await RemainingAfterCallAsync(instances.B.BaseAddress));

        await instances.RestartAAsync();

        Assert.Equal(start - 4, await RemainingAfterCallAsync(instances.A.BaseAddress));
        Assert.Equal(start - 5, await RemainingAfterCallAsync(instances.B.BaseAddress));
    }

    [Fact]
    public async Task RecomputeAll_InstanceKilledMidRun_ShownFailedOnBAndBRunsItAfterTheLease()
    {
        RequireInstances();
        // A stand-in import holds the org's import lease, so the run on the killed instance stops where it waits for it.
        await instances.ExecuteAsync($"""
            INSERT INTO job_leases (org_id, job, holder, state, started_at, expires_at)
            VALUES ({Northwind}, '{ImportService.Job}', 'test/import', 'running', now(), now() + interval '1 hour')
            ON CONFLICT (org_id, job) DO UPDATE SET holder = excluded.holder, state = excluded.state, expires_at = excluded.expires_at
            """);
        var (process, address) = await instances.StartProcessAsync("C", leaseSeconds: 3);
        try
        {
            using var apiC = TwoInstances.ApiClient(address);
            _ = apiC.PostAsync("/api/recompute", null, Ct);
            await WaitUntilAsync(async () => await instances.ScalarAsync(
                $"SELECT holder FROM job_leases WHERE org_id = {Northwind} AND job = '{RecomputeAllService.Job}' AND state = 'running'") is { } holder
                && holder.StartsWith("C/", StringComparison.Ordinal));
            using var apiB = TwoInstances.ApiClient(instances.B.BaseAddress);
            Assert.Equal(HttpStatusCode.Conflict, (await apiB.PostAsync("/api/recompute", null, Ct)).StatusCode);

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);

            await using var session = await BrowserFixture.NewSessionAsync(instances.Browser, instances.B.BaseAddress);
            await session.SignInAsync(DemoSession.Admin, "/admin");
            var failed = session.Page.Locator("[data-testid='recompute-elsewhere'][data-state='failed']");
            await Assertions.Expect(failed).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Assertions.Expect(failed).ToContainTextAsync("instance C failed");

            await instances.ExecuteAsync($"UPDATE job_leases SET state = 'done' WHERE org_id = {Northwind} AND job = '{ImportService.Job}'");
            var run = await apiB.PostAsync("/api/recompute", null, Ct);
            Assert.Equal(HttpStatusCode.OK, run.StatusCode);
            Assert.True((await run.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("success").GetBoolean());
            Assert.Empty(session.ConsoleErrors);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
            await instances.ExecuteAsync($"UPDATE job_leases SET state = 'done' WHERE org_id = {Northwind} AND job = '{ImportService.Job}'");
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        // A wait, not a date: a stopwatch, which no moved clock can shorten or stretch.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("The condition did not become true within 30 s.");
            await Task.Delay(100, Ct);
        }
    }
}
