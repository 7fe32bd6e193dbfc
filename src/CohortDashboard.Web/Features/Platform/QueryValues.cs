using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CohortDashboard.Web.Features.Platform;

/// <summary>
/// Reads optional query values for the API's endpoints: a value that is absent is null, a value that cannot be used
/// adds a message under its parameter's name to <c>errors</c> (answered together as one ValidationProblem).
/// </summary>
public static class QueryValues
{
    public static bool TryParseId(string? text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    /// <param name="what">How the message names the id, e.g. "a signal id".</param>
    public static long? Id(string? text, string name, IDictionary<string, string[]> errors, string what = "an id")
    {
        if (text is null) return null;
        if (TryParseId(text, out var id)) return id;
        errors[name] = [$"{name} must be {what} (a positive whole number)."];
        return null;
    }

    public static int? WholeNumber(string? text, string name, int min, int max, IDictionary<string, string[]> errors)
    {
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors[name] = [$"{name} must be a whole number from {min} to {max}."];
        return null;
    }

    /// <summary>An ISO 8601 date or instant; a value without offset is UTC.</summary>
    public static DateTime? Instant(string? text, string name, IDictionary<string, string[]> errors)
    {
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return parsed.UtcDateTime;
        errors[name] = [$"{name} must be an ISO 8601 date or instant, not '{Analytics.UntrustedText.Echo(text)}'."];
        return null;
    }

    /// <summary>A refused JSON body as a ValidationProblem keyed by its path (<c>body</c> for the whole body).</summary>
    public static ValidationProblem Invalid(JsonBodyProblem problem) =>
        Invalid(problem.Path.Count == 0 ? "body" : string.Join('.', problem.Path), problem.Message);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Invalid request");
}
