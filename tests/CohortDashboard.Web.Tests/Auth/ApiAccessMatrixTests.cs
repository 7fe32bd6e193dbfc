using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Auth;

/// <summary>Who may call what: every API route × every kind of caller, and a guard that no route is left unclassified.</summary>
public sealed class ApiAccessMatrixTests(ApiAccessMatrixTests.App app) : IClassFixture<ApiAccessMatrixTests.App>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public enum Access
    {
        /// <summary>Any signed-in role; API keys need the scope.</summary>
        SessionOrScopedKey,
        /// <summary>Signed-in admins; API keys need the scope.</summary>
        AdminOrScopedKey,
        /// <summary>Signed-in admins only; no API key.</summary>
        AdminSession,
        /// <summary>Machine routes of the compat products: an API key with the scope, never a session.</summary>
        ScopedKeyOnly,
        /// <summary>Anyone signed in or any valid key.</summary>
        Authenticated,
        /// <summary>Signed-in admins, or a key with any read scope (which scope: SettingsApiTests).</summary>
        AdminOrReadingKey,
    }

    public sealed record Route(string Method, string Template, string Path, string? Body, Access Access, string? Scope)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    public enum Caller { Anonymous, Admin, Analyst, AccountManager, KeyWithScope, KeyWithoutScope }

    public static readonly Route[] Routes =
    [
        new("GET", "/api/me", "/api/me", null, Access.Authenticated, null),
        new("GET", "/api/settings", "/api/settings", null, Access.AdminOrReadingKey, null),
        new("PUT", "/api/settings", "/api/settings", "{}", Access.AdminOrScopedKey, ApiScopes.SettingsWrite),
        new("GET", "/api/expansion/affinity", "/api/expansion/affinity", null, Access.SessionOrScopedKey, ApiScopes.ExpansionRead),
        new("POST", "/api/expansion/affinity", "/api/expansion/affinity", null, Access.AdminOrScopedKey, ApiScopes.ExpansionWrite),
        new("GET", "/api/expansion/signals", "/api/expansion/signals", null, Access.SessionOrScopedKey, ApiScopes.ExpansionRead),
        new("POST", "/api/expansion/signals", "/api/expansion/signals", null, Access.AdminOrScopedKey, ApiScopes.ExpansionWrite),
        new("PATCH", "/api/expansion/signals", "/api/expansion/signals", """{"signal_id":"987654321","status":"won"}""", Access.SessionOrScopedKey, ApiScopes.ExpansionWrite),
        new("GET", "/api/cohorts/definitions", "/api/cohorts/definitions", null, Access.SessionOrScopedKey, ApiScopes.CohortsRead),
        new("POST", "/api/cohorts/definitions", "/api/cohorts/definitions", null, Access.AdminOrScopedKey, ApiScopes.CohortsWrite),
        new("POST", "/api/cohorts/definitions/custom", "/api/cohorts/definitions/custom", "{}", Access.AdminOrScopedKey, ApiScopes.CohortsWrite),
        new("POST", "/api/cohorts/definitions/custom/preview", "/api/cohorts/definitions/custom/preview", "{}", Access.SessionOrScopedKey, ApiScopes.CohortsRead),
        new("PUT", "/api/cohorts/definitions/custom/{id}", "/api/cohorts/definitions/custom/987654321", "{}", Access.AdminOrScopedKey, ApiScopes.CohortsWrite),
        new("DELETE", "/api/cohorts/definitions/custom/{id}", "/api/cohorts/definitions/custom/987654321", null, Access.AdminOrScopedKey, ApiScopes.CohortsWrite),
        new("POST", "/api/cohorts/snapshots/recompute", "/api/cohorts/snapshots/recompute", null, Access.AdminOrScopedKey, ApiScopes.CohortsWrite),
        new("GET", "/api/cohorts/snapshots", "/api/cohorts/snapshots", null, Access.SessionOrScopedKey, ApiScopes.CohortsRead),
        new("GET", "/api/cohorts/vintage-curves", "/api/cohorts/vintage-curves", null, Access.SessionOrScopedKey, ApiScopes.CohortsRead),
        new("GET", "/api/cohorts/anomalies", "/api/cohorts/anomalies", null, Access.SessionOrScopedKey, ApiScopes.CohortsRead),
        new("GET", "/api/cohorts/comparison", "/api/cohorts/comparison", null, Access.SessionOrScopedKey, ApiScopes.CohortsRead),
        new("GET", "/api/cohorts/projection", "/api/cohorts/projection?measure=accounts_remaining", null, Access.SessionOrScopedKey, ApiScopes.CohortsRead),
        new("POST", "/api/import/{entity}", "/api/import/products", "[]", Access.AdminOrScopedKey, ApiScopes.ImportWrite),
        new("GET", "/api/import/{entity}/template", "/api/import/orders/template", null, Access.AdminOrScopedKey, ApiScopes.ImportWrite),
        new("GET", "/api/export/{entity}", "/api/export/products", null, Access.AdminOrScopedKey, ApiScopes.ImportWrite),
        new("POST", "/api/recompute", "/api/recompute", null, Access.AdminOrScopedKey, ApiScopes.ImportWrite),
        new("GET", "/api/keys", "/api/keys", null, Access.AdminSession, null),
        new("POST", "/api/keys", "/api/keys", "{}", Access.AdminSession, null),
        new("DELETE", "/api/keys/{id:long}", "/api/keys/987654321", null, Access.AdminSession, null),
        new("PATCH", "/api/keys/{id:long}", "/api/keys/987654321", "{}", Access.AdminSession, null),
        new("GET", "/api/audit", "/api/audit", null, Access.AdminSession, null),
        new("GET", "/api/agent/cohorts/retention", "/api/agent/cohorts/retention", null, Access.ScopedKeyOnly, ApiScopes.ReadSummary),
        new("GET", "/api/agent/cohorts/summary", "/api/agent/cohorts/summary", null, Access.ScopedKeyOnly, ApiScopes.ReadSummary),
        new("GET", "/api/v1/group/{group_id}/deal/{deal_id}/data/customer-cohorts", "/api/v1/group/1/deal/1/data/customer-cohorts?user_type=all&metric=orders", null, Access.ScopedKeyOnly, ApiScopes.AnalyticsRead),
        new("GET", "/api/v1/group/{group_id}/deal/{deal_id}/data/cohorts", "/api/v1/group/1/deal/1/data/cohorts?user_type=all", null, Access.ScopedKeyOnly, ApiScopes.AnalyticsRead),
        new("GET", "/api/v1/group/{group_id}/deal/{deal_id}/data/user-accounting", "/api/v1/group/1/deal/1/data/user-accounting?user_type=all", null, Access.ScopedKeyOnly, ApiScopes.AnalyticsRead),
        new("GET", "/api/v1/group/{group_id}/deal/{deal_id}/data/growth-accounting", "/api/v1/group/1/deal/1/data/growth-accounting?user_type=all", null, Access.ScopedKeyOnly, ApiScopes.AnalyticsRead),
        new("POST", "/db-mgmt/api/query-cohort-analysis", "/db-mgmt/api/query-cohort-analysis", """{"pixelId":"demo-pixel","startDate":"2025-01-01","endDate":"2025-06-30","measure":"retention"}""", Access.ScopedKeyOnly, ApiScopes.AnalyticsRead),
    ];

    public static TheoryData<Route, Caller> Cases()
    {
        var data = new TheoryData<Route, Caller>();
        foreach (var route in Routes)
            foreach (var caller in Enum.GetValues<Caller>())
                if (!(route.Scope is null && caller == Caller.KeyWithoutScope))
                    data.Add(route, caller);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Route_Caller_AllowedOrRefusedByItsAccessRule(Route route, Caller caller)
    {
        using var client = await app.ClientAsync(caller, route.Scope);
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path);
        if (route.Body is not null) request.Content = new StringContent(route.Body, Encoding.UTF8, "application/json");
        if (route.Path.StartsWith("/db-mgmt")) request.Headers.Add("x-pixel-id", "demo-pixel");

        using var response = await client.SendAsync(request, Ct);

        var expected = Expected(route.Access, caller);
        var status = (int)response.StatusCode;
        if (expected is null) Assert.True(status is not (401 or 403), $"{route} as {caller}: expected access, got {status}");
        else Assert.True(status == expected, $"{route} as {caller}: expected {expected}, got {status}");
    }

    /// <summary>null: the caller gets through the access rule (whatever the route then answers); else the refusal status.</summary>
    private static int? Expected(Access access, Caller caller) => (access, caller) switch
    {
        (_, Caller.Anonymous) => 401,
        (Access.ScopedKeyOnly, Caller.Admin or Caller.Analyst or Caller.AccountManager) => 401,
        (Access.AdminSession, Caller.KeyWithScope or Caller.KeyWithoutScope) => 403,
        (Access.AdminSession or Access.AdminOrScopedKey or Access.AdminOrReadingKey, Caller.Analyst or Caller.AccountManager) => 403,
        (_, Caller.KeyWithoutScope) => 403,
        _ => null,
    };

    [Fact]
    public void Routes_EveryApiEndpointOfTheApp_IsInTheMatrix()
    {
        var endpoints = app.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => (Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [], Template: "/" + e.RoutePattern.RawText!.Trim('/')))
            .Where(e => e.Template.StartsWith("/api/") || e.Template.StartsWith("/db-mgmt/"))
            .SelectMany(e => e.Methods.Select(m => $"{m} {e.Template}"))
            .ToHashSet();
        var covered = Routes.Select(r => $"{r.Method} {r.Template}").ToHashSet();

        Assert.Empty(endpoints.Except(covered));
        Assert.Empty(covered.Except(endpoints));
    }

    public sealed class App : IAsyncLifetime
    {
        private readonly Dictionary<string, string> keysByScope = new();

        public CohortAppFactory Factory { get; } = new();

        public async ValueTask InitializeAsync()
        {
            using var admin = await DemoSession.SignedInClientAsync(Factory, DemoSession.Admin);
            foreach (var scope in ApiScopes.All)
            {
                using var response = await admin.PostAsJsonAsync("/api/keys", new { name = "only " + scope, scopes = new[] { scope } });
                response.EnsureSuccessStatusCode();
                keysByScope[scope] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
            }
        }

        public async Task<HttpClient> ClientAsync(Caller caller, string? scope)
        {
            switch (caller)
            {
                case Caller.Admin: return await DemoSession.SignedInClientAsync(Factory, DemoSession.Admin);
                case Caller.Analyst: return await DemoSession.SignedInClientAsync(Factory, DemoSession.Analyst);
                case Caller.AccountManager: return await DemoSession.SignedInClientAsync(Factory, DemoSession.AccountManager);
                case Caller.Anonymous: return DemoSession.CreateClient(Factory);
            }
            // "With scope": a key carrying exactly the route's scope (or every scope where the route names none);
            // "without": a key carrying every other scope but that one.
            var client = DemoSession.CreateClient(Factory);
            var key = caller == Caller.KeyWithScope
                ? scope is null ? CohortAppFactory.TestApiKey : keysByScope[scope]
                : await KeyWithAllButAsync(scope!);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }

        private async Task<string> KeyWithAllButAsync(string scope)
        {
            var name = "all but " + scope;
            if (keysByScope.TryGetValue(name, out var cached)) return cached;
            using var admin = await DemoSession.SignedInClientAsync(Factory, DemoSession.Admin);
            using var response = await admin.PostAsJsonAsync("/api/keys", new { name, scopes = ApiScopes.All.Where(s => s != scope).ToArray() });
            response.EnsureSuccessStatusCode();
            return keysByScope[name] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        }

        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }
}
