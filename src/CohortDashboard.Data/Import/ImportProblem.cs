namespace CohortDashboard.Data.Import;

/// <summary>
/// One thing wrong with an import file. <paramref name="Row"/> is the file line the record starts on (1 = header);
/// <paramref name="Column"/> is the documented column name, or the header text for an unknown column, or empty when
/// the problem concerns the whole file or row.
/// </summary>
public sealed record ImportProblem(int Row, string Column, string Message);

/// <summary>
/// Errors and warnings collected while reading a file. Only the first <see cref="MaxListed"/> of each are kept, so a
/// file that is wrong on every one of a million rows still gives a small report; the counts include the rest.
/// </summary>
public sealed class ImportReport(int maxListed = ImportReport.DefaultMaxListed)
{
    /// <summary>How many errors (and, separately, warnings) a report lists by default.</summary>
    public const int DefaultMaxListed = 1_000;

    private readonly List<ImportProblem> _errors = [];
    private readonly List<ImportProblem> _warnings = [];

    /// <summary>The most problems of each kind listed.</summary>
    public int MaxListed { get; } = maxListed;

    /// <summary>The first <see cref="MaxListed"/> errors, in file order.</summary>
    public IReadOnlyList<ImportProblem> Errors => _errors;

    /// <summary>The first <see cref="MaxListed"/> warnings (things imported as they are, but worth a look).</summary>
    public IReadOnlyList<ImportProblem> Warnings => _warnings;

    /// <summary>All errors found, listed or not.</summary>
    public int ErrorCount { get; private set; }

    /// <summary>All warnings found, listed or not.</summary>
    public int WarningCount { get; private set; }

    /// <summary>Errors found beyond the listed ones ("and 12,345 more").</summary>
    public int UnlistedErrorCount => ErrorCount - _errors.Count;

    /// <summary>True when anything would block an all-or-nothing import.</summary>
    public bool HasErrors => ErrorCount > 0;

    /// <summary>Data records read (valid or not).</summary>
    public int RowsRead { get; internal set; }

    /// <summary>Data records without errors.</summary>
    public int ValidRows { get; internal set; }

    /// <summary>Records read with errors (skipped by a "skip invalid rows" import).</summary>
    public int InvalidRows => RowsRead - ValidRows;

    /// <summary>
    /// True when the file's structure or header is broken (format error, missing required column): reading stopped, so
    /// not even a "skip invalid rows" import may write anything from it.
    /// </summary>
    public bool FileUnreadable { get; internal set; }

    /// <summary>The header's mapping once it was read (the upsert needs to know which optional columns are present).</summary>
    public ColumnMapping? Mapping { get; internal set; }

    /// <summary>Records an error.</summary>
    public void AddError(ImportProblem problem)
    {
        ErrorCount++;
        if (_errors.Count < MaxListed) _errors.Add(problem);
    }

    /// <summary>Records a warning.</summary>
    public void AddWarning(ImportProblem problem)
    {
        WarningCount++;
        if (_warnings.Count < MaxListed) _warnings.Add(problem);
    }
}
