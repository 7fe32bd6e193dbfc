using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CohortDashboard.Web.Components.Charts;

/// <summary>
/// Serialises the chart records to Plotly's JSON shape: the keys come from each property's [JsonPropertyName]
/// (no naming policy), nulls are omitted, and non-finite numbers (NaN, ±Infinity) become null (a gap in Plotly)
/// instead of failing.
/// </summary>
public static class ChartJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Keeps "<extra></extra>" in hovertemplates and non-ASCII labels readable; the JSON is passed to JS as
            // a string and parsed with JSON.parse, never placed into HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = false,
        };
        options.Converters.Add(new FiniteDoubleConverter());
        options.Converters.Add(new FiniteSingleConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>A JSON array of the traces, each serialised by its runtime type.</summary>
    public static string SerializeTraces(IEnumerable<ChartTrace> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        // object[]: System.Text.Json then serialises every element by its runtime type (BarTrace, HeatmapTrace...).
        return JsonSerializer.Serialize(traces.Cast<object>().ToArray(), Options);
    }

    public static string SerializeLayout(ChartLayout? layout) =>
        layout is null ? "{}" : JsonSerializer.Serialize(layout, Options);

    public static string SerializeConfig(ChartConfig? config) =>
        config is null ? "{}" : JsonSerializer.Serialize(config, Options);

    private sealed class FiniteDoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    private sealed class FiniteSingleConverter : JsonConverter<float>
    {
        public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? float.NaN : reader.GetSingle();

        public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options)
        {
            if (float.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}

/// <summary>Writes a title string as Plotly's title object: {"text": "..."}.</summary>
public sealed class PlotlyTitleConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }
        using var doc = JsonDocument.ParseValue(ref reader);
        return doc.RootElement.TryGetProperty("text", out var text) ? text.GetString() : null;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("text", value);
        writer.WriteEndObject();
    }
}

/// <summary>Writes a <see cref="ChartColorscale"/> as a name or as [[fraction, colour], ...].</summary>
public sealed class ChartColorscaleConverter : JsonConverter<ChartColorscale>
{
    public override ChartColorscale? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return ChartColorscale.Named(reader.GetString()!);
        }
        using var doc = JsonDocument.ParseValue(ref reader);
        var stops = doc.RootElement.EnumerateArray()
            .Select(s => new ChartColorscale.ColorStop(s[0].GetDouble(), s[1].GetString()!))
            .ToList();
        return ChartColorscale.FromStops(stops);
    }

    public override void Write(Utf8JsonWriter writer, ChartColorscale value, JsonSerializerOptions options)
    {
        if (value.Name is not null)
        {
            writer.WriteStringValue(value.Name);
            return;
        }
        writer.WriteStartArray();
        foreach (var stop in value.Stops!)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(stop.Fraction);
            writer.WriteStringValue(stop.Color);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
}
