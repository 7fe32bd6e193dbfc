using System.Text;
using CohortDashboard.Data.Csv;

namespace CohortDashboard.Data.Import;

/// <summary>One CSV record: the file line it starts on (1 = the header) and its fields, unquoted.</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// The file's structure is broken (no header, wrong delimiter, an unclosed quote, a row with the wrong number of
/// fields, bytes that are not UTF-8). Reading stops here because nothing after it can be trusted to line up.
/// </summary>
public sealed class CsvFormatException(int line, string message) : Exception(message)
{
    /// <summary>The file line the problem was found on (the record's first line for a ragged row).</summary>
    public int Line { get; } = line;
}

/// <summary>
/// A streaming RFC 4180 reader: comma-separated, fields optionally in double quotes (commas, doubled quotes and line
/// breaks allowed inside), CRLF or LF line ends. It holds one buffer of characters and one record at a time, so a file
/// of any size is read in constant memory. Blank lines are skipped (no entity has a one-column layout, so a blank line
/// is never a record). The first record is the header; every later record must have as many fields.
/// </summary>
public sealed class CsvReader : IRecordSource, IDisposable
{
    private const int BufferSize = 64 * 1024;
    private const char Delimiter = ',';
    private const char Quote = '"';
    private const char ByteOrderMark = '\uFEFF';

    // Strict: a file in Latin-1 or Windows-1252 would otherwise turn "Société" into replacement characters silently.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[BufferSize];
    private readonly StringBuilder _field = new();
    private int _position;
    private int _length;
    private int _line = 1;
    private IReadOnlyList<string>? _header;

    /// <summary>Reads CSV text from <paramref name="reader"/>; a leading byte-order mark character is ignored.</summary>
    public CsvReader(TextReader reader) => _reader = reader;

    /// <summary>Reads UTF-8 CSV (with or without BOM) from <paramref name="stream"/>; invalid UTF-8 is a format error.</summary>
    public static CsvReader FromStream(Stream stream, bool leaveOpen = false) =>
        new(new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true, BufferSize, leaveOpen));

    /// <summary>The line the header record was on (always 1, as blank lines before it are not allowed to hide it).</summary>
    public const int HeaderLine = 1;

    /// <summary>
    /// Reads (once) and returns the header's field names, as written. Throws <see cref="CsvFormatException"/> when the
    /// file is empty, the first line is blank, or the header is separated by semicolons, tabs or pipes instead of commas.
    /// </summary>
    public IReadOnlyList<string> ReadHeader()
    {
        if (_header is not null) return _header;
        if (Peek() is '\r' or '\n')
            throw new CsvFormatException(HeaderLine, "Line 1 is empty: the first line must be the header row naming the columns.");
        var header = ReadRecord(out _) ?? throw new CsvFormatException(HeaderLine,
            "The file is empty: the first line must be the header row naming the columns.");
        if (header.Length > 0 && header[0].Length > 0 && header[0][0] == ByteOrderMark) header[0] = header[0][1..];
        if (header.Length == 1) ThrowIfOtherDelimiter(header[0]);
        _header = header;
        return header;
    }

    /// <summary>
    /// Yields the data records after the header, one at a time as they are read. Throws
    /// <see cref="CsvFormatException"/> on an unclosed quote or a record whose field count differs from the header's.
    /// </summary>
    public IEnumerable<CsvRecord> ReadRecords()
    {
        var width = ReadHeader().Count;
        while (ReadRecord(out var line) is { } fields)
        {
            if (fields.Length != width)
                throw new CsvFormatException(line,
                    $"Row {line} has {fields.Length} fields but the header has {width}; check for an unquoted comma or a missing value.");
            // Our exports guard formula-leading cells with a ' (CsvWriter); taking it off again keeps export → import a no-op.
            for (var i = 0; i < fields.Length; i++) fields[i] = CsvWriter.Restore(fields[i]);
            yield return new CsvRecord(line, fields);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();

    private static void ThrowIfOtherDelimiter(string onlyField)
    {
        // A one-column header is never valid for an import, so a semicolon or tab in it is the real separator.
        var (separator, name) = onlyField.Contains(';') ? (";", "semicolon")
            : onlyField.Contains('\t') ? ("\t", "tab")
            : onlyField.Contains('|') ? ("|", "pipe")
            : (null, null);
        if (separator is not null)
            throw new CsvFormatException(HeaderLine, $"The file looks {name}-separated; use commas between columns.");
    }

    /// <summary>Reads the next non-blank record; null at the end of the file.</summary>
    private string[]? ReadRecord(out int startLine)
    {
        while (Peek() is '\r' or '\n') ConsumeLineBreak();
        startLine = _line;
        if (Peek() == -1) return null;

        var fields = new List<string>(_header?.Count ?? 16);
        while (!ReadField(fields)) { }
        return [.. fields];
    }

    /// <summary>Reads one field into <paramref name="fields"/>; true when it was the record's last.</summary>
    private bool ReadField(List<string> fields)
    {
        _field.Clear();
        if (Peek() == Quote) ReadQuotedField();
        else
        {
            while (Peek() is var c and not (-1 or Delimiter or '\r' or '\n'))
            {
                _field.Append((char)c);
                Read();
            }
        }
        fields.Add(_field.ToString());

        switch (Peek())
        {
            case Delimiter:
                Read();
                return false;
            case -1:
                return true;
            default:
                ConsumeLineBreak();
                return true;
        }
    }

    private void ReadQuotedField()
    {
        var openedOnLine = _line;
        Read();
        while (true)
        {
            var c = Read();
            if (c == -1)
                throw new CsvFormatException(openedOnLine,
                    $"Line {openedOnLine}: a quoted field is never closed; add the missing closing quote (\").");
            if (c == Quote)
            {
                if (Peek() != Quote) break;
                Read();
                _field.Append(Quote);
                continue;
            }
            // A CRLF inside quotes counts as one line, so row numbers keep matching what an editor shows.
            if (c == '\n' || (c == '\r' && Peek() != '\n')) _line++;
            _field.Append((char)c);
        }
        if (Peek() is not (-1 or Delimiter or '\r' or '\n'))
            throw new CsvFormatException(_line,
                $"Line {_line}: unexpected text after a closing quote; a quote inside a quoted field must be doubled (\"\").");
    }

    private void ConsumeLineBreak()
    {
        if (Read() == '\r' && Peek() == '\n') Read();
        _line++;
    }

    private int Peek() => _position < _length || Fill() ? _buffer[_position] : -1;

    private int Read() => _position < _length || Fill() ? _buffer[_position++] : -1;

    private bool Fill()
    {
        try
        {
            _length = _reader.Read(_buffer, 0, _buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new CsvFormatException(_line, $"The file is not valid UTF-8 (near line {_line}); save it as UTF-8 and try again.");
        }
        _position = 0;
        return _length > 0;
    }
}
