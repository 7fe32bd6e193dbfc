using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Platform;

/// <summary>
/// Property-style: every JSON route gets generated garbage (wrong types, extreme numbers, odd Unicode, huge strings,
/// deep nesting, broken bytes), made from a fixed seed so a failure repeats, and must answer 2xx or 4xx, never 5xx,
/// with the process still serving afterwards. Each case starts from a valid body and breaks one value, or replaces
/// the body, so the garbage reaches the code behind the parser, not only the parser.
/// </summary>
public sealed class JsonRouteFuzzTests(SeededApp app) : IClassFixture<SeededApp>
{
    private const int Seed = 1313;
    private const int CasesPerRoute = 30;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Route(string Method, string Path, string ValidBody, bool Admin = false);

    private static readonly string Filter = """{"and":[{"field":"account.segment","op":"in","value":["SMB","Enterprise"]},{"field":"account.arr","op":"greater_than","value":10}]}""";

    private static readonly Route[] Routes =
    [
        new("POST", "/api/cohorts/definitions/custom/preview", $$"""{"filter_criteria":{{Filter}}}"""),
        new("POST", "/api/cohorts/definitions/custom", $$"""{"name":"Fuzz","filter_criteria":{{Filter}}}"""),
        new("PUT", "/api/cohorts/definitions/custom/{custom}", $$"""{"name":"Fuzz target","filter_criteria":{{Filter}}}"""),
        new("PATCH", "/api/expansion/signals", """{"signal_id":"1","status":"pitched","expected_version":1}"""),
        new("POST", "/db-mgmt/api/query-cohort-analysis",
            """{"pixelId":"demo-pixel","granularity":"month","measures":["orders.customers_cohort","orders.cohort_retention_percent"],"dateRange":{"start":"2025-01-01","end":"2025-04-30"},"timezone":"America/New_York","filters":{"and":[{"field":"orders.source_name","op":"in","value":["web","pos"]}]},"orderSettings":{"countPendingOrders":false,"refundDateAttribution":"refund_date"}}"""),
        new("POST", "/api/import/accounts", """[{"external_id":"FZ-1","name":"Fuzz","segment":"SMB","created_at":"2025-06-01","status":"active","arr":10,"health_score":50}]"""),
        new("POST", "/api/import/orders", """[{"external_id":"FZ-O1","account_external_id":"FZ-1","placed_at":"2025-06-02T10:00:00Z","status":"paid","gross_revenue":12.5,"tags":["a","b"]}]"""),
        new("POST", "/api/keys", """{"name":"Fuzz key","scopes":["analytics:read"],"quota_limit":10,"quota_window_hours":2}""", Admin: true),
        new("PATCH", "/api/keys/{key}", """{"quota_limit":10,"quota_window_hours":2}""", Admin: true),
    ];

    [Fact]
    public async Task JsonRoutes_GeneratedGarbage_NeverAnswer5xxAndTheProcessStaysUp()
    {
        using var key = new HttpClient { BaseAddress = app.BaseAddress };
        key.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CohortAppFactory.TestApiKey);
        using var admin = await DemoSession.SignedInClientAsync(app.Factory, DemoSession.Admin);
        var ids = await TargetIdsAsync(key, admin);
        var random = new Random(Seed);
        var failures = new List<string>();
        var statuses = new HashSet<int>();

        foreach (var route in Routes)
        {
            var path = route.Path.Replace("{custom}", ids.Custom).Replace("{key}", ids.Key);
            for (var i = 0; i < CasesPerRoute; i++)
            {
                var body = Garbage(random, route.ValidBody);
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                if (path.StartsWith("/db-mgmt", StringComparison.Ordinal)) request.Headers.Add("x-pixel-id", "demo-pixel");
                using var response = await (route.Admin ? admin : key).SendAsync(request, Ct);
                statuses.Add((int)response.StatusCode / 100);
                if ((int)response.StatusCode >= 500)
                    failures.Add($"{route.Method} {path} case {i} → {(int)response.StatusCode}: {Show(body)}");
            }
        }

        Assert.Empty(failures);
        // The garbage reached both sides: some bodies still did what they asked, most were refused.
        Assert.Equal([2, 4], statuses.Order());
        using var health = await key.GetAsync("/healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task<(string Custom, string Key)> TargetIdsAsync(HttpClient key, HttpClient admin)
    {
        using var custom = await key.PostAsync("/api/cohorts/definitions/custom",
            new StringContent($$"""{"name":"Fuzz target","filter_criteria":{{Filter}}}""", Encoding.UTF8, "application/json"), Ct);
        using var created = await admin.PostAsync("/api/keys",
            new StringContent("""{"name":"Fuzz target","scopes":["analytics:read"]}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Created, custom.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var customId = JsonNode.Parse(await custom.Content.ReadAsStringAsync(Ct))!["id"]!.GetValue<string>();
        var keyId = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["api_key"]!["id"]!.GetValue<string>();
        return (customId, keyId);
    }

    /// <summary>One generated body: mostly the valid body with one value replaced, sometimes a whole new body or broken bytes.</summary>
    private static byte[] Garbage(Random random, string validBody)
    {
        switch (random.Next(10))
        {
            case 0:
                return Encoding.UTF8.GetBytes(OddJson(random, depth: 0));
            case 1:
                var bytes = Encoding.UTF8.GetBytes(validBody);
                // Invalid UTF-8 inside the text, or the body cut short.
                if (random.Next(2) == 0) bytes[random.Next(bytes.Length)] = (byte)(0x80 + random.Next(0x80));
                else bytes = bytes[..random.Next(bytes.Length)];
                return bytes;
            default:
                var root = JsonNode.Parse(validBody)!;
                Replace(random, root);
                return Encoding.UTF8.GetBytes(root.ToJsonString(Deep)
                    // JsonNode escapes what it writes; put lone surrogates and raw odd text back as escapes the reader sees.
                    .Replace("LONE_SURROGATE", "\\ud800").Replace("LOW_SURROGATE", "\\udc00"));
        }
    }

    /// <summary>Replaces one randomly chosen value (object member or array item, at any depth) with an odd value.</summary>
    private static void Replace(Random random, JsonNode root)
    {
        var containers = new List<JsonNode>();
        var pending = new Stack<JsonNode>([root]);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is JsonObject or JsonArray) containers.Add(node);
            if (node is JsonObject o) foreach (var (_, child) in o) if (child is not null) pending.Push(child);
            if (node is JsonArray a) foreach (var child in a) if (child is not null) pending.Push(child);
        }
        var target = containers[random.Next(containers.Count)];
        var value = JsonNode.Parse(OddJson(random, depth: 0), documentOptions: new JsonDocumentOptions { MaxDepth = Deep.MaxDepth });
        switch (target)
        {
            case JsonObject o when o.Count > 0 && random.Next(4) > 0:
                o[o.ElementAt(random.Next(o.Count)).Key] = value;
                break;
            case JsonObject o:
                o[OddKey(random)] = value;
                break;
            case JsonArray a when a.Count > 0:
                a[random.Next(a.Count)] = value;
                break;
            case JsonArray a:
                a.Add(value);
                break;
        }
    }

    private static string OddKey(Random random) => random.Next(3) switch
    {
        0 => "LONE_SURROGATE",
        1 => new string('k', 10_000),
        _ => "unexpected",
    };

    /// <summary>JSON text of an odd value: wrong types, extreme numbers, odd Unicode, huge strings, deep nesting.</summary>
    private static string OddJson(Random random, int depth) => random.Next(depth > 2 ? 9 : 12) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => Pick(random, "1e308", "-1e308", "1e400", "99999999999999999999", "-99999999999999999999", "0", "-0", "0.00000000001",
            "2147483648", "-2147483649", "9223372036854775808", "1.5", "-1"),
        3 => "\"" + Pick(random, "LONE_SURROGATE", "aLOW_SURROGATEb", "\\u0000", "\\u202Eevil", "\\uFEFF", "😀", "e\\u0301", "\\u0007",
            "", " ", "0001-01-01", "9999-12-31", "2025-13-45", "abc", "-1", "1e308", "SMB", "web") + "\"",
        4 => "\"" + new string(Pick(random, 'x', 'é', '界'), Pick(random, 257, 10_000, 300_000)) + "\"",
        5 => string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)),
        6 => string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + string.Concat(Enumerable.Repeat("}", 100)),
        7 => "[" + string.Join(",", Enumerable.Range(0, Pick(random, 2, 1_001, 20_000)).Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]",
        8 => "\"" + random.Next().ToString(CultureInfo.InvariantCulture) + "\"",
        9 => "[" + string.Join(",", Enumerable.Range(0, random.Next(1, 4)).Select(_ => OddJson(random, depth + 1))) + "]",
        10 => "{\"and\":[" + string.Join(",", Enumerable.Range(0, Pick(random, 1, 300, 20_000))
            .Select(_ => "{\"field\":\"account.arr\",\"op\":\"equals\",\"value\":1}")) + "]}",
        _ => "{\"field\":" + OddJson(random, depth + 1) + ",\"op\":" + OddJson(random, depth + 1) + ",\"value\":" + OddJson(random, depth + 1) + "}",
    };

    // The garbage nests deeper than System.Text.Json's default of 64; the test itself must be able to build it.
    private static readonly JsonSerializerOptions Deep = new() { MaxDepth = 1_024 };

    private static T Pick<T>(Random random, params T[] choices) => choices[random.Next(choices.Length)];

    private static string Show(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length <= 300 ? text : text[..300] + $"… ({text.Length:N0} characters)";
    }
}
