using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Data.Model;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Expansion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Expansion;

/// <summary>The Pillar expansion API (seed 002) over real Kestrel and a real SQLite file with small demo data.</summary>
public sealed class ExpansionApiTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] SignalFields =
    [
        "id", "account_id", "account_name", "account_segment", "account_arr", "target_product_id", "target_product_name",
        "source_product_id", "source_product_name", "affinity_score", "adoption_readiness", "estimated_arr", "priority",
        "reason", "status", "current_products",
    ];

    private static readonly string[] AffinityFields =
    [
        "product_a_id", "product_b_id", "product_a_name", "product_b_name", "co_adoption_count", "co_adoption_rate",
        "avg_time_to_cross_sell_days", "avg_arr_uplift", "segment", "sample_size", "confidence", "lift",
    ];

    private HttpClient ApiKeyClient()
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        return client;
    }

    private async Task GenerateAsync(HttpClient admin)
    {
        using var affinity = await admin.PostAsync("/api/expansion/affinity", null, Ct);
        Assert.Equal(HttpStatusCode.OK, affinity.StatusCode);
        using var signals = await admin.PostAsync("/api/expansion/signals", null, Ct);
        Assert.Equal(HttpStatusCode.OK, signals.StatusCode);
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, string json) =>
        client.PatchAsync("/api/expansion/signals", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private async Task<List<JsonElement>> AllSignalsAsync(HttpClient client, string query = "")
    {
        var all = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var body = await client.GetFromJsonAsync<JsonElement>($"/api/expansion/signals?page_size=500&page={page}{query}", Ct);
            all.AddRange(body.GetProperty("signals").EnumerateArray());
            if (!body.GetProperty("has_more").GetBoolean()) return all;
        }
    }

    [Fact]
    public async Task PostAffinity_Admin_ReplacesEntriesAndGetAnswersEverySeedField()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);

        using var first = await admin.PostAsync("/api/expansion/affinity", null, Ct);
        using var second = await admin.PostAsync("/api/expansion/affinity", null, Ct);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var recompute = await JsonAsync(second);
        Assert.True(recompute.GetProperty("success").GetBoolean());
        var entries = recompute.GetProperty("entries_computed").GetInt32();
        Assert.True(entries > 0);
        Assert.Equal(12, recompute.GetProperty("products").GetInt32());
        Assert.True(recompute.GetProperty("accounts").GetInt32() > 0);

        // Replaced, not appended: every segment together holds exactly the entries of the last run.
        var everything = await admin.GetFromJsonAsync<JsonElement>("/api/expansion/affinity", Ct);
        Assert.Equal(entries, everything.GetProperty("matrix").GetArrayLength());

        var all = await admin.GetFromJsonAsync<JsonElement>("/api/expansion/affinity?segment=all", Ct);
        var matrix = all.GetProperty("matrix").EnumerateArray().ToList();
        Assert.Equal(12 * 11, matrix.Count);
        Assert.All(matrix, entry =>
        {
            foreach (var field in AffinityFields) Assert.True(entry.TryGetProperty(field, out _), $"missing {field}");
            Assert.Equal("all", entry.GetProperty("segment").GetString());
            Assert.Equal(JsonValueKind.String, entry.GetProperty("product_a_id").ValueKind);
            Assert.Contains(entry.GetProperty("confidence").GetString(), new[] { "high", "medium", "low" });
        });
        Assert.Equal(12, all.GetProperty("products").GetArrayLength()); // Northwind's catalogue only

        var enterprise = await admin.GetFromJsonAsync<JsonElement>("/api/expansion/affinity?segment=Enterprise", Ct);
        Assert.All(enterprise.GetProperty("matrix").EnumerateArray(), e => Assert.Equal("Enterprise", e.GetProperty("segment").GetString()));
        Assert.NotEqual(0, enterprise.GetProperty("matrix").GetArrayLength());
    }

    [Fact]
    public async Task GetAffinity_UnknownSegment_Returns400NamingTheParameter()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var response = await admin.GetAsync("/api/expansion/affinity?segment=Galactic", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("segment", (await JsonAsync(response)).GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData(DemoSession.Analyst)]
    [InlineData(DemoSession.AccountManager)]
    public async Task PostAffinityAndSignals_NonAdminSession_Returns403(string subject)
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, subject);
        using var affinity = await client.PostAsync("/api/expansion/affinity", null, Ct);
        using var signals = await client.PostAsync("/api/expansion/signals", null, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, affinity.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, signals.StatusCode);
        Assert.Equal("Forbidden", (await JsonAsync(affinity)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task PostSignals_ApiKey_AnswersSeedResponseAndGetHasSeedShapeWithPagingAndKpi()
    {
        using var key = ApiKeyClient();
        using var affinity = await key.PostAsync("/api/expansion/affinity", null, Ct);
        Assert.Equal(HttpStatusCode.OK, affinity.StatusCode);
        using var generate = await key.PostAsync("/api/expansion/signals", null, Ct);
        Assert.Equal(HttpStatusCode.OK, generate.StatusCode);
        var generated = await JsonAsync(generate);
        Assert.True(generated.GetProperty("success").GetBoolean());
        Assert.True(generated.GetProperty("signals_generated").GetInt32() > 0);
        Assert.True(generated.GetProperty("accounts_analyzed").GetInt32() > 0);
        Assert.Equal(12, generated.GetProperty("products_evaluated").GetInt32());

        var first = await key.GetFromJsonAsync<JsonElement>("/api/expansion/signals?page_size=5", Ct);
        Assert.Equal(5, first.GetProperty("signals").GetArrayLength());
        Assert.True(first.GetProperty("products").GetArrayLength() >= 12);
        foreach (var signal in first.GetProperty("signals").EnumerateArray())
            foreach (var field in SignalFields) Assert.True(signal.TryGetProperty(field, out _), $"missing {field}");

        // KPIs are over every matching signal, not the page: check them against all pages.
        var all = await AllSignalsAsync(key);
        var kpi = first.GetProperty("kpi");
        Assert.Equal(all.Count, kpi.GetProperty("total_opportunities").GetInt32());
        Assert.Equal(all.Count, first.GetProperty("total_count").GetInt32());
        Assert.Equal(all.Sum(s => s.GetProperty("estimated_arr").GetDecimal()), kpi.GetProperty("estimated_expansion_arr").GetDecimal());
        Assert.Equal(all.Count(s => s.GetProperty("priority").GetInt32() <= 2), kpi.GetProperty("high_priority_count").GetInt32());
        Assert.Equal(Math.Round(all.Average(s => s.GetProperty("affinity_score").GetDecimal()), 4),
            kpi.GetProperty("avg_affinity_score").GetDecimal());
        Assert.Equal(all.Count, all.Select(s => s.GetProperty("id").GetString()).Distinct().Count());

        // Our additions beside them: per status, and the open pipeline weighted by score.
        bool IsOpen(JsonElement s) => s.GetProperty("status").GetString() is "pending" or "pitched";
        var open = all.Where(IsOpen).ToList();
        Assert.Equal(open.Count, kpi.GetProperty("open_count").GetInt32());
        Assert.Equal(all.Count(s => s.GetProperty("status").GetString() == "won"), kpi.GetProperty("won_count").GetInt32());
        Assert.Equal(all.Count(s => s.GetProperty("status").GetString() == "dismissed"), kpi.GetProperty("dismissed_count").GetInt32());
        Assert.Equal(open.Sum(s => s.GetProperty("estimated_arr").GetDecimal()), kpi.GetProperty("open_estimated_arr").GetDecimal());
        var weighted = open.Sum(s => s.GetProperty("affinity_score").GetDecimal() * s.GetProperty("estimated_arr").GetDecimal());
        // The database sums score × ARR in doubles; over a few hundred signals that is within a cent of the decimal sum.
        Assert.Equal((double)weighted, (double)kpi.GetProperty("weighted_pipeline_arr").GetDecimal(), 0.02);
        Assert.True(kpi.GetProperty("weighted_pipeline_arr").GetDecimal() < kpi.GetProperty("open_estimated_arr").GetDecimal());

        // Generation keeps at most 3 pending signals per account (the org's default cap; worked ones come on top).
        Assert.Equal(3, all.Where(s => s.GetProperty("status").GetString() == "pending")
            .GroupBy(s => s.GetProperty("account_id").GetString()).Max(g => g.Count()));

        // Best first: priority ascending, then score descending.
        var order = all.Select(s => (P: s.GetProperty("priority").GetInt32(), S: s.GetProperty("affinity_score").GetDecimal())).ToList();
        Assert.Equal(order.OrderBy(o => o.P).ThenByDescending(o => o.S).ToList(), order);
    }

    [Fact]
    public async Task GetSignals_Filters_ReturnOnlyMatchingSignals()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        await GenerateAsync(admin);
        var all = await AllSignalsAsync(admin);
        var sample = all[all.Count / 2];
        var accountId = sample.GetProperty("account_id").GetString();
        var productId = sample.GetProperty("target_product_id").GetString();
        var priority = sample.GetProperty("priority").GetInt32();

        var byAccount = await AllSignalsAsync(admin, $"&account_id={accountId}");
        Assert.Equal(all.Count(s => s.GetProperty("account_id").GetString() == accountId), byAccount.Count);
        Assert.All(byAccount, s => Assert.Equal(accountId, s.GetProperty("account_id").GetString()));

        var byProduct = await AllSignalsAsync(admin, $"&product_id={productId}&priority={priority}&status=pending");
        Assert.Equal(all.Count(s => s.GetProperty("target_product_id").GetString() == productId
                                    && s.GetProperty("priority").GetInt32() == priority
                                    && s.GetProperty("status").GetString() == "pending"), byProduct.Count);
        Assert.NotEmpty(byProduct);
    }

    [Theory]
    [InlineData("status=open", "status")]
    [InlineData("priority=6", "priority")]
    [InlineData("priority=high", "priority")]
    [InlineData("account_id=abc", "account_id")]
    [InlineData("page_size=100000", "page_size")]
    public async Task GetSignals_BadQuery_Returns400NamingTheParameter(string query, string field)
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Analyst);
        using var response = await admin.GetAsync($"/api/expansion/signals?{query}", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await JsonAsync(response)).GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task PostSignals_Regenerate_KeepsPitchedWonDismissedAndNeverDuplicatesThem()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        await GenerateAsync(admin);
        var pending = await AllSignalsAsync(admin, "&status=pending");
        var worked = new Dictionary<string, string>();
        foreach (var (signal, status) in pending.Take(3).Zip(new[] { "pitched", "won", "dismissed" }))
        {
            using var patched = await PatchAsync(admin, $$"""{"signal_id": "{{signal.GetProperty("id").GetString()}}", "status": "{{status}}"}""");
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            worked[signal.GetProperty("id").GetString()!] = status;
        }

        using var regenerate = await admin.PostAsync("/api/expansion/signals", null, Ct);
        var generated = (await JsonAsync(regenerate)).GetProperty("signals_generated").GetInt32();

        var after = await AllSignalsAsync(admin);
        foreach (var (id, status) in worked)
            Assert.Equal(status, Assert.Single(after, s => s.GetProperty("id").GetString() == id).GetProperty("status").GetString());
        Assert.Equal(generated, after.Count(s => s.GetProperty("status").GetString() == "pending"));
        var pairs = after.Select(s => (s.GetProperty("account_id").GetString(), s.GetProperty("target_product_id").GetString())).ToList();
        Assert.Equal(pairs.Count, pairs.Distinct().Count());
        // Regenerating re-creates the rest: as many pending as before minus the three now worked, plus at most one
        // next-best candidate each for their accounts (a worked pair no longer takes one of the account's slots).
        Assert.InRange(generated, pending.Count - 3, pending.Count);
        // Ids are never reused: a client holding a deleted pending signal's id cannot move another account's signal.
        var oldMax = pending.Max(s => long.Parse(s.GetProperty("id").GetString()!));
        Assert.All(after.Where(s => s.GetProperty("status").GetString() == "pending"),
            s => Assert.True(long.Parse(s.GetProperty("id").GetString()!) > oldMax));
    }

    [Theory]
    [InlineData("""{"signal_id": "1", "status": "closed"}""", "status")]
    [InlineData("""{"signal_id": "1"}""", "status")]
    [InlineData("""{"status": "won"}""", "signal_id")]
    [InlineData("""{"signal_id": "x1", "status": "won"}""", "signal_id")]
    [InlineData("""{"signal_id": "1", "status": "Won"}""", "status")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("""{"signal_id": "1", "status": """, "body")]
    public async Task PatchSignal_MalformedBody_Returns400NamingTheField(string json, string field)
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Analyst);
        using var response = await PatchAsync(admin, json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await JsonAsync(response)).GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task PatchSignal_UnknownId_Returns404()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var response = await PatchAsync(admin, """{"signal_id": "987654321", "status": "won"}""");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PatchSignal_AnotherOrgsSignalId_Returns404AndLeavesItUnchanged()
    {
        using var contoso = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        await GenerateAsync(contoso);
        var theirs = (await AllSignalsAsync(contoso, "&status=pending"))[0];
        var id = theirs.GetProperty("id").GetString();

        using var northwind = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        using var response = await PatchAsync(northwind, $$"""{"signal_id": "{{id}}", "status": "won"}""");
        using var unknown = await PatchAsync(northwind, """{"signal_id": "987654321", "status": "won"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        // No existence leak: the same answer as for an id that does not exist anywhere.
        var (theirsProblem, unknownProblem) = (await JsonAsync(response), await JsonAsync(unknown));
        foreach (var field in new[] { "status", "title", "detail" })
            Assert.Equal(unknownProblem.GetProperty(field).ToString(), theirsProblem.GetProperty(field).ToString());
        var after = await contoso.GetFromJsonAsync<JsonElement>($"/api/expansion/signals?account_id={theirs.GetProperty("account_id").GetString()}&page_size=500", Ct);
        Assert.Equal("pending", after.GetProperty("signals").EnumerateArray().Single(s => s.GetProperty("id").GetString() == id).GetProperty("status").GetString());
        // And Northwind's own listing never shows it.
        var mine = await northwind.GetFromJsonAsync<JsonElement>($"/api/expansion/signals?account_id={theirs.GetProperty("account_id").GetString()}", Ct);
        Assert.Equal(0, mine.GetProperty("signals").GetArrayLength());
    }

    [Fact]
    public async Task PatchSignal_Valid_ReturnsSuccessWithUpdatedRecordAndAuditsTheMove()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        await GenerateAsync(admin);
        var signal = (await AllSignalsAsync(admin, "&status=pending"))[0];
        var id = signal.GetProperty("id").GetString()!;

        using var response = await PatchAsync(admin, $$"""{"signal_id": {{id}}, "status": "pitched"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal(id, body.GetProperty("signal").GetProperty("id").GetString());
        Assert.Equal("pitched", body.GetProperty("signal").GetProperty("status").GetString());
        Assert.Equal(signal.GetProperty("version").GetInt32() + 1, body.GetProperty("signal").GetProperty("version").GetInt32());

        var history = await HistoryAsync(long.Parse(id));
        var move = Assert.Single(history);
        Assert.Equal((DemoSession.Admin, "pending", "pitched"), (move.Actor, move.From, move.To));
    }

    [Fact]
    public async Task PatchSignal_StaleExpectedVersion_Returns409WithTrueState()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        await GenerateAsync(admin);
        var signal = (await AllSignalsAsync(admin, "&status=pending"))[1];
        var id = signal.GetProperty("id").GetString();
        var version = signal.GetProperty("version").GetInt32();

        using var first = await PatchAsync(admin, $$"""{"signal_id": "{{id}}", "status": "won", "expected_version": {{version}}}""");
        using var second = await PatchAsync(admin, $$"""{"signal_id": "{{id}}", "status": "dismissed", "expected_version": {{version}}}""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await JsonAsync(second);
        Assert.Equal("won", problem.GetProperty("signal").GetProperty("status").GetString());
    }

    /// <summary>The board's rule in the API: admins and keys move any signal, account managers their own accounts' only, analysts none.</summary>
    [Theory]
    [InlineData(DemoSession.Admin, true, true)]
    [InlineData(DemoSession.AccountManager, true, false)]
    [InlineData(DemoSession.Analyst, false, false)]
    [InlineData("api-key", true, true)]
    public async Task PatchSignal_RoleMatrix_OwnAndOthersAccounts(string who, bool mayMoveOwn, bool mayMoveOthers)
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        await GenerateAsync(admin);
        var pending = await AllSignalsAsync(admin, "&status=pending");
        // demo-am is rep-01: "own" is a rep-01 account, "other" anyone else's.
        var own = pending.First(s => s.GetProperty("account_owner_id").GetString() == "rep-01");
        var other = pending.First(s => s.GetProperty("account_owner_id").GetString() != "rep-01");
        var otherOwner = other.GetProperty("account_owner_id").GetString()!;

        using var client = who == "api-key" ? ApiKeyClient() : await DemoSession.SignedInClientAsync(app.Factory, who);
        using var onOwn = await PatchAsync(client, $$"""{"signal_id": "{{own.GetProperty("id").GetString()}}", "status": "pitched"}""");
        using var onOther = await PatchAsync(client, $$"""{"signal_id": "{{other.GetProperty("id").GetString()}}", "status": "pitched"}""");

        Assert.Equal(mayMoveOwn ? HttpStatusCode.OK : HttpStatusCode.Forbidden, onOwn.StatusCode);
        Assert.Equal(mayMoveOthers ? HttpStatusCode.OK : HttpStatusCode.Forbidden, onOther.StatusCode);
        if (!mayMoveOthers)
        {
            var problem = await JsonAsync(onOther);
            Assert.Equal("Forbidden", problem.GetProperty("title").GetString());
            Assert.Contains(otherOwner, problem.GetProperty("detail").GetString());
            // Refused means unchanged.
            var stored = Assert.Single(await AllSignalsAsync(admin, "&status=pending"), s => s.GetProperty("id").GetString() == other.GetProperty("id").GetString());
            Assert.Equal(other.GetProperty("version").GetInt32(), stored.GetProperty("version").GetInt32());
        }
    }

    [Fact]
    public async Task PostSignals_CapOfOnePerAccount_KeepsEachAccountsBestScoredSignal()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var orgId = long.Parse((await admin.GetFromJsonAsync<JsonElement>("/api/me", Ct)).GetProperty("org_id").GetString()!);
        await GenerateAsync(admin);
        var before = (await AllSignalsAsync(admin, "&status=pending")).ToList();
        try
        {
            await ChangeSettingsAsync(orgId, s => s.MaxSignalsPerAccount = 1);
            using var regenerate = await admin.PostAsync("/api/expansion/signals", null, Ct);
            Assert.Equal(HttpStatusCode.OK, regenerate.StatusCode);

            var after = await AllSignalsAsync(admin, "&status=pending");
            var byAccount = after.GroupBy(s => s.GetProperty("account_id").GetString()).ToList();
            Assert.All(byAccount, g => Assert.Single(g));
            // Each account keeps the target with its highest score among what the cap of 3 kept (the best 3 hold the best 1).
            foreach (var group in byAccount)
            {
                var best = before.Where(s => s.GetProperty("account_id").GetString() == group.Key)
                    .Max(s => s.GetProperty("affinity_score").GetDecimal());
                Assert.Equal(best, group.Single().GetProperty("affinity_score").GetDecimal());
            }
            Assert.Equal(before.Select(s => s.GetProperty("account_id").GetString()).Distinct().Count(), byAccount.Count);
        }
        finally
        {
            await ChangeSettingsAsync(orgId, s => s.MaxSignalsPerAccount = OrgSettings.DefaultMaxSignalsPerAccount);
        }
    }

    [Fact]
    public async Task SaveChanges_TwoContextsEditSameSignal_SecondGetsConcurrencyConflict()
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        await GenerateAsync(admin);
        var id = long.Parse((await AllSignalsAsync(admin, "&status=pending"))[2].GetProperty("id").GetString()!);
        var orgId = long.Parse((await admin.GetFromJsonAsync<JsonElement>("/api/me", Ct)).GetProperty("org_id").GetString()!);

        await using var scopeA = OrgServices(orgId);
        await using var scopeB = OrgServices(orgId);
        await using var a = await scopeA.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        await using var b = await scopeB.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        var signalA = await a.ExpansionSignals.SingleAsync(s => s.Id == id, Ct);
        var signalB = await b.ExpansionSignals.SingleAsync(s => s.Id == id, Ct);

        signalA.Status = SignalStatus.Won;
        signalA.Version++;
        await a.SaveChangesAsync(Ct);
        signalB.Status = SignalStatus.Dismissed;
        signalB.Version++;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => b.SaveChangesAsync(Ct));

        // Through the service the loser gets a conflict carrying the winner's state, never an overwrite.
        var service = scopeB.ServiceProvider.GetRequiredService<SignalStatusService>();
        var result = await service.ChangeStatusAsync(id, SignalStatus.Dismissed, signalB.Version - 1,
            new Actor("test", "admin", null, false), Ct);
        Assert.Equal(StatusChangeOutcome.Conflict, result.Outcome);
        Assert.Equal("won", result.Signal!.Status);
    }

    [Fact]
    public async Task PostSignals_WeightsNotSummingToOne_Returns422AndKeepsExistingSignals()
    {
        // Contoso, so the Northwind tests of this class never see the changed settings.
        using var contoso = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        await GenerateAsync(contoso);
        var before = (await AllSignalsAsync(contoso)).Count;
        var orgId = long.Parse((await contoso.GetFromJsonAsync<JsonElement>("/api/me", Ct)).GetProperty("org_id").GetString()!);
        await ChangeSettingsAsync(orgId, s => s.SignalWeightAffinity = 0.55m);
        try
        {
            using var response = await contoso.PostAsync("/api/expansion/signals", null, Ct);

            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains("sum to 1", (await JsonAsync(response)).GetProperty("detail").GetString());
            Assert.Equal(before, (await AllSignalsAsync(contoso)).Count);
        }
        finally
        {
            await ChangeSettingsAsync(orgId, s => s.SignalWeightAffinity = 0.40m);
        }
    }

    private async Task ChangeSettingsAsync(long orgId, Action<OrgSettings> change)
    {
        await using var scope = OrgServices(orgId);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        var org = await db.Organizations.SingleAsync(Ct);
        change(org.Settings);
        await db.SaveChangesAsync(Ct);
    }

    private AsyncServiceScope OrgServices(long orgId)
    {
        var scope = app.Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
        return scope;
    }

    private async Task<IReadOnlyList<SignalHistoryEntry>> HistoryAsync(long id)
    {
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var orgId = long.Parse((await admin.GetFromJsonAsync<JsonElement>("/api/me", Ct)).GetProperty("org_id").GetString()!);
        await using var scope = OrgServices(orgId);
        return await scope.ServiceProvider.GetRequiredService<ExpansionService>().GetHistoryAsync(id, Ct);
    }
}
