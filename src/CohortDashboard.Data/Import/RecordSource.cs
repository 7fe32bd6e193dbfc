namespace CohortDashboard.Data.Import;

/// <summary>
/// A header and the records after it, read once and in order. <see cref="CsvReader"/> reads CSV text;
/// <see cref="JsonRecordSource"/> reads a JSON array of objects with the same field names.
/// Both throw <see cref="CsvFormatException"/> when the structure is broken.
/// </summary>
public interface IRecordSource
{
    /// <summary>The column names, as written.</summary>
    IReadOnlyList<string> ReadHeader();

    /// <summary>The data records, each as wide as the header.</summary>
    IEnumerable<CsvRecord> ReadRecords();
}
