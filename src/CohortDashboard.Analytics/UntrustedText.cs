using System.Globalization;
using System.Text.Json;

namespace CohortDashboard.Analytics;

/// <summary>
/// Text from clients. System.Text.Json parses a document holding a lone surrogate escape (<c>"\ud800"</c>) or invalid
/// UTF-8 inside a string, and only throws (<see cref="InvalidOperationException"/>) when the string is read; these
/// helpers turn that into a plain answer, find characters a stored name must not hold, and shorten what a message
/// repeats back.
/// </summary>
public static class UntrustedText
{
    /// <summary>What to tell a client whose text is not valid Unicode.</summary>
    public const string InvalidTextMessage = "The text is not valid Unicode (a lone surrogate such as \\ud800, or invalid UTF-8).";

    /// <summary>How many characters of a client's value a message repeats.</summary>
    public const int EchoLength = 60;

    /// <summary>The string value, or false when it is not valid Unicode.</summary>
    public static bool TryGetString(JsonElement element, out string text)
    {
        try
        {
            text = element.GetString() ?? string.Empty;
            return true;
        }
        catch (InvalidOperationException) when (element.ValueKind == JsonValueKind.String)
        {
            text = string.Empty;
            return false;
        }
    }

    /// <summary>The property's name, or false when it is not valid Unicode.</summary>
    public static bool TryGetPropertyName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = string.Empty;
            return false;
        }
    }

    /// <summary>
    /// The path of the first string or property name in <paramref name="json"/> that is not valid Unicode, or null when
    /// there is none. Walks with an explicit stack, so any nesting the parser allowed is fine.
    /// </summary>
    public static IReadOnlyList<string>? FindInvalid(JsonElement json)
    {
        var pending = new Stack<(JsonElement Element, string[] Path)>();
        pending.Push((json, []));
        while (pending.Count > 0)
        {
            var (element, path) = pending.Pop();
            switch (element.ValueKind)
            {
                case JsonValueKind.String when !TryGetString(element, out _):
                    return path;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (!TryGetPropertyName(property, out var name)) return path;
                        pending.Push((property.Value, [.. path, name]));
                    }
                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                        pending.Push((item, [.. path, (index++).ToString(CultureInfo.InvariantCulture)]));
                    break;
            }
        }
        return null;
    }

    /// <summary>
    /// <paramref name="text"/> as a message may repeat it: at most <see cref="EchoLength"/> characters (then "…" and the
    /// full length), control and bidirectional-override characters shown as <c>\uXXXX</c>.
    /// </summary>
    public static string Echo(string text)
    {
        var shown = text.Length <= EchoLength ? text : text[..EchoLength];
        var builder = new System.Text.StringBuilder(shown.Length + 16);
        for (var i = 0; i < shown.Length; i++)
        {
            var c = shown[i];
            if (char.IsHighSurrogate(c) && i + 1 < shown.Length && char.IsLowSurrogate(shown[i + 1])) builder.Append(c).Append(shown[++i]);
            else if (char.IsControl(c) || IsBidiControl(c) || char.IsSurrogate(c)) builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else builder.Append(c);
        }
        if (text.Length > EchoLength) builder.Append(CultureInfo.InvariantCulture, $"… ({text.Length:N0} characters)");
        return builder.ToString();
    }

    /// <summary>
    /// The first character of <paramref name="text"/> a name or label must not hold (a control character such as NUL,
    /// or a bidirectional override that can disguise the text around it), or null. Tab and line breaks stay allowed:
    /// a quoted CSV cell may hold them.
    /// </summary>
    public static char? FindDisallowed(string text)
    {
        foreach (var c in text)
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r') || IsBidiControl(c)) return c;
        return null;
    }

    /// <summary>The message for <see cref="FindDisallowed"/>'s character.</summary>
    public static string DisallowedMessage(char c) =>
        $"The text contains the control or direction-override character U+{(int)c:X4}, which is not allowed.";

    /// <summary>Whether <paramref name="c"/> is a Unicode bidirectional formatting character (U+202A–U+202E, U+2066–U+2069, LRM/RLM/ALM).</summary>
    public static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
