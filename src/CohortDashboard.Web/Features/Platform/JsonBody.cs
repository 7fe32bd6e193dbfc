using System.Globalization;
using System.Text.Json;
using CohortDashboard.Analytics;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>Why a JSON body was refused (a 400): the JSON path of the problem (empty for the whole body) and a message.</summary>
public sealed record JsonBodyProblem(IReadOnlyList<string> Path, string Message);

/// <summary>
/// Reads the JSON body of our hand-parsed routes: at most <see cref="MaxBytes"/>, nesting at most <see cref="MaxDepth"/>,
/// and every string and property name valid Unicode, so a route can read any string it finds without an exception.
/// Each route answers the problem as a 400 in its own error shape; a body over the limit too, like any other limit of
/// a request (the filter limits are 400s naming the limit), so a client sees one kind of answer for "too big".
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 1024 * 1024;
    public const int MaxDepth = 32;

    /// <summary>The parsed body (the caller disposes it), or why it was refused.</summary>
    public static async Task<(JsonDocument? Document, JsonBodyProblem? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes) return (null, TooLarge());
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return (null, TooLarge());
            buffer.Write(chunk, 0, read);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            // Our own words: the exception's message can name .NET types.
            return (null, new JsonBodyProblem([],
                string.Create(CultureInfo.InvariantCulture, $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}; nesting at most {MaxDepth} deep).")));
        }
        if (UntrustedText.FindInvalid(document.RootElement) is { } path)
        {
            document.Dispose();
            return (null, new JsonBodyProblem(path, UntrustedText.InvalidTextMessage));
        }
        return (document, null);
    }

    /// <summary>
    /// The body as a JSON object (cloned, nothing to dispose), or why it was refused; a body of another kind is refused
    /// with <paramref name="example"/> as the shape to send.
    /// </summary>
    public static async Task<(JsonElement Body, JsonBodyProblem? Problem)> ReadObjectAsync(HttpRequest request, string example, CancellationToken ct)
    {
        var (document, problem) = await ReadAsync(request, ct);
        if (problem is not null) return (default, problem);
        using (document)
        {
            if (document!.RootElement.ValueKind == JsonValueKind.Object) return (document.RootElement.Clone(), null);
        }
        return (default, new JsonBodyProblem([], $"The body must be a JSON object like {example}."));
    }

    private static JsonBodyProblem TooLarge() =>
        new([], string.Create(CultureInfo.InvariantCulture, $"The body is larger than {MaxBytes / 1024:N0} KiB, the most this route accepts."));
}
