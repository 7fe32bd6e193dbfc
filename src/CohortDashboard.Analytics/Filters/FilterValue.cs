using System.Globalization;

namespace CohortDashboard.Analytics.Filters;

/// <summary>The JSON type of a filter value (or of every item of an array value).</summary>
public enum FilterValueKind
{
    /// <summary>A JSON string (also dates and enum values).</summary>
    String,
    /// <summary>A JSON number, held as <see cref="decimal"/>.</summary>
    Number,
    /// <summary>A JSON boolean.</summary>
    Boolean,
}

/// <summary>
/// The value of a condition: a string, a number (decimal), a boolean, or an array whose items are all of one of
/// those kinds. Equality is structural.
/// </summary>
public sealed class FilterValue : IEquatable<FilterValue>
{
    // Items are string, decimal or bool, all of Kind; a scalar holds exactly one.
    private readonly object[] _items;

    private FilterValue(FilterValueKind kind, bool isArray, object[] items)
    {
        Kind = kind;
        IsArray = isArray;
        _items = items;
    }

    /// <summary>The kind of the scalar, or of every item of the array.</summary>
    public FilterValueKind Kind { get; }

    /// <summary>Whether this is an array value (for in, not_in, array_includes_all/any).</summary>
    public bool IsArray { get; }

    /// <summary>A string scalar.</summary>
    public static FilterValue Of(string value) => new(FilterValueKind.String, false, [value ?? throw new ArgumentNullException(nameof(value))]);

    /// <summary>A number scalar.</summary>
    public static FilterValue Of(decimal value) => new(FilterValueKind.Number, false, [value]);

    /// <summary>A boolean scalar.</summary>
    public static FilterValue Of(bool value) => new(FilterValueKind.Boolean, false, [value]);

    /// <summary>An array of strings.</summary>
    public static FilterValue OfStrings(IEnumerable<string> values) =>
        new(FilterValueKind.String, true, values.Select(v => (object)(v ?? throw new ArgumentException("Null item.", nameof(values)))).ToArray());

    /// <summary>An array of numbers.</summary>
    public static FilterValue OfNumbers(IEnumerable<decimal> values) => new(FilterValueKind.Number, true, values.Cast<object>().ToArray());

    /// <summary>An array of booleans.</summary>
    public static FilterValue OfBooleans(IEnumerable<bool> values) => new(FilterValueKind.Boolean, true, values.Cast<object>().ToArray());

    /// <summary>The string scalar; throws if this is not one.</summary>
    public string AsString() => (string)Scalar(FilterValueKind.String);

    /// <summary>The number scalar; throws if this is not one.</summary>
    public decimal AsNumber() => (decimal)Scalar(FilterValueKind.Number);

    /// <summary>The boolean scalar; throws if this is not one.</summary>
    public bool AsBoolean() => (bool)Scalar(FilterValueKind.Boolean);

    /// <summary>The strings of a string value: the scalar as a one-item list, or the array's items.</summary>
    public IReadOnlyList<string> AsStrings() => Items<string>(FilterValueKind.String);

    /// <summary>The numbers of a number value: the scalar as a one-item list, or the array's items.</summary>
    public IReadOnlyList<decimal> AsNumbers() => Items<decimal>(FilterValueKind.Number);

    /// <summary>The booleans of a boolean value: the scalar as a one-item list, or the array's items.</summary>
    public IReadOnlyList<bool> AsBooleans() => Items<bool>(FilterValueKind.Boolean);

    private object Scalar(FilterValueKind kind) =>
        !IsArray && Kind == kind ? _items[0] : throw new InvalidOperationException($"The value is not a {kind} scalar.");

    private IReadOnlyList<T> Items<T>(FilterValueKind kind) =>
        Kind == kind ? _items.Cast<T>().ToArray() : throw new InvalidOperationException($"The value is not of kind {kind}.");

    /// <inheritdoc />
    public bool Equals(FilterValue? other) =>
        other is not null && Kind == other.Kind && IsArray == other.IsArray && _items.SequenceEqual(other._items);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FilterValue);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        hash.Add(IsArray);
        foreach (var item in _items) hash.Add(item);
        return hash.ToHashCode();
    }

    /// <summary>A JSON-like rendering for messages and debugging.</summary>
    public override string ToString()
    {
        var rendered = _items.Select(item => item switch
        {
            string text => "\"" + text + "\"",
            decimal number => number.ToString(CultureInfo.InvariantCulture),
            bool flag => flag ? "true" : "false",
            _ => "?",
        });
        return IsArray ? "[" + string.Join(", ", rendered) + "]" : rendered.Single();
    }
}
