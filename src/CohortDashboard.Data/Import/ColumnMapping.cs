namespace CohortDashboard.Data.Import;

/// <summary>
/// Which header position holds which documented column of an entity. Header names are matched trimmed and
/// case-insensitively; unknown columns are ignored with a warning; a missing required column or a column named twice
/// is an error (reported on row 1, the header).
/// </summary>
public sealed class ColumnMapping
{
    private readonly Dictionary<string, int> _indexByColumn;

    private ColumnMapping(ImportEntity entity, IReadOnlyList<string> header, IReadOnlyList<ImportColumn?> columnsByPosition,
        Dictionary<string, int> indexByColumn, IReadOnlyList<ImportProblem> errors, IReadOnlyList<ImportProblem> warnings)
    {
        Entity = entity;
        Header = header;
        ColumnsByPosition = columnsByPosition;
        _indexByColumn = indexByColumn;
        Errors = errors;
        Warnings = warnings;
    }

    /// <summary>The entity the header was matched against.</summary>
    public ImportEntity Entity { get; }

    /// <summary>The header as written in the file.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>For each header position, the documented column it maps to, or null when it is ignored.</summary>
    public IReadOnlyList<ImportColumn?> ColumnsByPosition { get; }

    /// <summary>Missing required columns, duplicate columns, or a header that names no known column at all.</summary>
    public IReadOnlyList<ImportProblem> Errors { get; }

    /// <summary>Columns that are ignored (unknown or unnamed).</summary>
    public IReadOnlyList<ImportProblem> Warnings { get; }

    /// <summary>True when rows can be read with this mapping.</summary>
    public bool IsUsable => Errors.Count == 0;

    /// <summary>
    /// True when the file has <paramref name="column"/>. The upsert uses it to tell an absent column (keep the stored
    /// value) from an empty cell.
    /// </summary>
    public bool Has(string column) => _indexByColumn.ContainsKey(column);

    /// <summary>The header position of <paramref name="column"/>, or -1 when the file does not have it.</summary>
    public int IndexOf(string column) => _indexByColumn.GetValueOrDefault(column, -1);

    /// <summary>Matches <paramref name="header"/> to <paramref name="entity"/>'s documented columns.</summary>
    public static ColumnMapping Map(ImportEntity entity, IReadOnlyList<string> header)
    {
        var known = ImportColumns.For(entity).ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var columnsByPosition = new ImportColumn?[header.Count];
        var indexByColumn = new Dictionary<string, int>(StringComparer.Ordinal);
        var errors = new List<ImportProblem>();
        var warnings = new List<ImportProblem>();

        for (var position = 0; position < header.Count; position++)
        {
            var name = header[position].Trim();
            if (name.Length == 0)
            {
                warnings.Add(new(CsvReader.HeaderLine, "", $"Column {position + 1} has no name and is ignored."));
                continue;
            }
            if (!known.TryGetValue(name, out var column))
            {
                warnings.Add(new(CsvReader.HeaderLine, name, $"Unknown column '{name}' is ignored."));
                continue;
            }
            if (indexByColumn.TryGetValue(column.Name, out var first))
            {
                errors.Add(new(CsvReader.HeaderLine, column.Name,
                    $"Column '{column.Name}' appears twice (columns {first + 1} and {position + 1})."));
                continue;
            }
            indexByColumn[column.Name] = position;
            columnsByPosition[position] = column;
        }

        if (indexByColumn.Count == 0)
        {
            // Nothing matched: most likely the header row is missing and line 1 is data, so one clear message beats a
            // list of every required column.
            var expected = string.Join(", ", ImportColumns.For(entity).Where(c => c.Required).Select(c => c.Name));
            errors.Add(new(CsvReader.HeaderLine, "",
                $"Line 1 names none of the {entity.ToWireName()} columns; is the header row missing? Required: {expected}."));
        }
        else
        {
            foreach (var column in ImportColumns.For(entity).Where(c => c.Required && !indexByColumn.ContainsKey(c.Name)))
                errors.Add(new(CsvReader.HeaderLine, column.Name, $"Required column '{column.Name}' is missing."));
        }

        return new ColumnMapping(entity, header, columnsByPosition, indexByColumn, errors, warnings);
    }
}

/// <summary>Wire names of <see cref="ImportEntity"/>.</summary>
public static class ImportEntityNames
{
    /// <summary><c>accounts</c>, <c>products</c>, <c>account_products</c> or <c>orders</c>.</summary>
    public static string ToWireName(this ImportEntity entity) => Model.EnumNames.ToSnake(entity);
}

/// <summary>One raw record shown in the preview: its file line and fields as written.</summary>
public sealed record PreviewRow(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// What the upload screen shows before anything is validated in depth: the detected mapping, the first rows as
/// written, and any problem that already stops the import (format or header errors).
/// </summary>
/// <param name="Mapping">The header's mapping; null when the file has no readable header.</param>
/// <param name="Rows">Up to <see cref="MappingPreview.DefaultRowCount"/> records after the header.</param>
/// <param name="Errors">Format errors (delimiter, quotes, ragged rows) and mapping errors.</param>
/// <param name="Warnings">Ignored columns.</param>
public sealed record MappingPreview(ColumnMapping? Mapping, IReadOnlyList<PreviewRow> Rows,
    IReadOnlyList<ImportProblem> Errors, IReadOnlyList<ImportProblem> Warnings)
{
    /// <summary>Rows a preview shows unless told otherwise.</summary>
    public const int DefaultRowCount = 20;

    /// <summary>Reads the header and the first <paramref name="rowCount"/> records; the rest of the file is not read.</summary>
    public static MappingPreview Read(TextReader text, ImportEntity entity, int rowCount = DefaultRowCount) =>
        Read(new CsvReader(text), entity, rowCount);

    /// <summary>The same preview over any record source (a CSV file or a JSON array).</summary>
    public static MappingPreview Read(IRecordSource csv, ImportEntity entity, int rowCount = DefaultRowCount)
    {
        var rows = new List<PreviewRow>(rowCount);
        ColumnMapping? mapping = null;
        var errors = new List<ImportProblem>();
        try
        {
            mapping = ColumnMapping.Map(entity, csv.ReadHeader());
            errors.AddRange(mapping.Errors);
            foreach (var record in csv.ReadRecords().Take(rowCount))
                rows.Add(new PreviewRow(record.Line, record.Fields));
        }
        catch (CsvFormatException format)
        {
            errors.Add(new ImportProblem(format.Line, "", format.Message));
        }
        return new MappingPreview(mapping, rows, errors, mapping?.Warnings ?? []);
    }
}
