using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CohortDashboard.Testing;

namespace CohortDashboard.Web.Tests.Platform;

/// <summary>
/// Static assets as a browser gets them from the running app: compressed as labelled, revalidated with 304, and
/// fingerprinted URLs cached for good. (The framework's run-time re-check of changed files used to answer every
/// request with an uncompressed "gzip" body and a fresh ETag, so nothing was ever compressed or revalidated.)
/// </summary>
public sealed partial class StaticAssetTests(SeededApp app) : IClassFixture<SeededApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/css/app.css")]
    [InlineData("/js/site.js")]
    [InlineData("/_content/Plotly.Blazor/plotly-3.7.0.min.js")]
    public async Task Get_AcceptsGzip_ServesABodyReallyCompressed(string path)
    {
        using var client = app.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await client.SendAsync(request, Ct);
        var wire = await response.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        using var plain = new MemoryStream();
        await using (var gzip = new GZipStream(new MemoryStream(wire), CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(plain, Ct);
        }
        Assert.True(wire.Length < plain.Length * 0.6, $"{path}: {wire.Length} bytes on the wire for {plain.Length} bytes of content");
    }

    [Fact]
    public async Task Get_WithTheETagItWasGiven_Answers304WithoutABody()
    {
        using var client = app.Factory.CreateClient();
        using var first = await client.GetAsync("/css/app.css", Ct);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/css/app.css");
        again.Headers.IfNoneMatch.Add(etag);
        using var revalidated = await client.SendAsync(again, Ct);

        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task SignInPage_LinksFingerprintedStylesheet_CachedImmutable()
    {
        using var client = app.Factory.CreateClient();
        var html = await client.GetStringAsync("/signin", Ct);
        var href = FingerprintedAppCss().Match(html);
        Assert.True(href.Success, "the page does not link a fingerprinted css/app.css");

        using var response = await client.GetAsync("/" + href.Value, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString());
        Assert.True(response.Headers.CacheControl?.MaxAge >= TimeSpan.FromDays(30));
    }

    [GeneratedRegex(@"css/app\.[a-z0-9]{10}\.css")]
    private static partial Regex FingerprintedAppCss();
}
