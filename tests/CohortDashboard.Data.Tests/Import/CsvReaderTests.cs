using System.Text;
using CohortDashboard.Data.Import;

namespace CohortDashboard.Data.Tests.Import;

public sealed class CsvReaderTests
{
    private static List<CsvRecord> ReadAll(string text) => new CsvReader(new StringReader(text)).ReadRecords().ToList();

    private static List<CsvRecord> ReadAll(byte[] bytes) => CsvReader.FromStream(new MemoryStream(bytes)).ReadRecords().ToList();

    [Fact]
    public void ReadRecords_QuotedCommasQuotesAndNewlines_UnquotedFieldsAndStartLines()
    {
        var records = ReadAll("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nlast,\"\"\n");

        Assert.Equal([2, 3, 5], records.Select(r => r.Line));
        Assert.Equal(["x, y", "say \"hi\""], records[0].Fields);
        Assert.Equal(["two\nlines", "z"], records[1].Fields);
        Assert.Equal(["last", ""], records[2].Fields);
    }

    [Fact]
    public void ReadRecords_CrlfLineEnds_SameFieldsAndLinesAsLf()
    {
        var records = ReadAll("a,b\r\n1,\"multi\r\nline\"\r\n3,4\r\n");

        Assert.Equal([2, 4], records.Select(r => r.Line));
        Assert.Equal(["1", "multi\r\nline"], records[0].Fields);
        Assert.Equal(["3", "4"], records[1].Fields);
    }

    [Fact]
    public void ReadRecords_NoFinalNewlineAndBlankLines_BlankLinesSkipped()
    {
        var records = ReadAll("a,b\n\n1,2\n\r\n3,4");

        Assert.Equal([3, 5], records.Select(r => r.Line));
        Assert.Equal(["3", "4"], records[1].Fields);
    }

    [Fact]
    public void ReadHeader_Utf8WithBom_BomNotPartOfFirstName()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("external_id,name\nA1,Société Générale\n")).ToArray();
        var csv = CsvReader.FromStream(new MemoryStream(bytes));

        Assert.Equal(["external_id", "name"], csv.ReadHeader());
        Assert.Equal("Société Générale", Assert.Single(csv.ReadRecords()).Fields[1]);
    }

    [Fact]
    public void ReadRecords_AccentedUtf8WithoutBom_ReadExactly()
    {
        var records = ReadAll(Encoding.UTF8.GetBytes("name,city\n\"Société Générale, SA\",Zürich\n"));

        Assert.Equal(["Société Générale, SA", "Zürich"], Assert.Single(records).Fields);
    }

    [Fact]
    public void ReadHeader_BomCharacterFromTextReader_Stripped()
    {
        var csv = new CsvReader(new StringReader("\uFEFFexternal_id,name\n"));

        Assert.Equal("external_id", csv.ReadHeader()[0]);
    }

    [Fact]
    public void ReadRecords_Latin1Bytes_NotUtf8Error()
    {
        var latin1 = Encoding.Latin1.GetBytes("name,city\nSociété,Paris\n");

        var error = Assert.Throws<CsvFormatException>(() => ReadAll(latin1));
        Assert.Contains("not valid UTF-8", error.Message);
    }

    [Theory]
    [InlineData("external_id;name;segment\nA1;Acme;SMB\n", "The file looks semicolon-separated; use commas between columns.")]
    [InlineData("external_id\tname\tsegment\nA1\tAcme\tSMB\n", "The file looks tab-separated; use commas between columns.")]
    public void ReadHeader_OtherDelimiter_ClearError(string text, string expected)
    {
        var error = Assert.Throws<CsvFormatException>(() => new CsvReader(new StringReader(text)).ReadHeader());

        Assert.Equal(expected, error.Message);
        Assert.Equal(1, error.Line);
    }

    [Theory]
    [InlineData("", "The file is empty: the first line must be the header row naming the columns.")]
    [InlineData("\nexternal_id,name\n", "Line 1 is empty: the first line must be the header row naming the columns.")]
    public void ReadHeader_NoHeader_ClearError(string text, string expected)
    {
        var error = Assert.Throws<CsvFormatException>(() => new CsvReader(new StringReader(text)).ReadHeader());

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void ReadRecords_UnterminatedQuote_ErrorWithLineTheQuoteOpened()
    {
        var error = Assert.Throws<CsvFormatException>(() => ReadAll("a,b\n1,2\n3,\"never closed\n4,5\n"));

        Assert.Equal(3, error.Line);
        Assert.Equal("Line 3: a quoted field is never closed; add the missing closing quote (\").", error.Message);
    }

    [Fact]
    public void ReadRecords_TextAfterClosingQuote_Error()
    {
        var error = Assert.Throws<CsvFormatException>(() => ReadAll("a,b\n\"x\"y,2\n"));

        Assert.Equal(2, error.Line);
        Assert.Contains("must be doubled", error.Message);
    }

    [Fact]
    public void ReadRecords_RaggedRow_ErrorNamingRow()
    {
        var error = Assert.Throws<CsvFormatException>(() => ReadAll("a,b\n1,2\n3,4,5\n"));

        Assert.Equal(3, error.Line);
        Assert.Equal("Row 3 has 3 fields but the header has 2; check for an unquoted comma or a missing value.", error.Message);
    }

    [Fact]
    public void ReadRecords_LargeGeneratedStream_YieldsRecordsBeforeReadingTheRest()
    {
        const int rowCount = 200_000;
        using var source = new GeneratedCsvReader(rowCount);
        var csv = new CsvReader(source);
        var records = 0;
        var mostRowsAheadOfConsumer = 0;

        foreach (var record in csv.ReadRecords())
        {
            records++;
            Assert.Equal(records + 1, record.Line);
            mostRowsAheadOfConsumer = Math.Max(mostRowsAheadOfConsumer, source.RowsProduced - records);
        }

        Assert.Equal(rowCount, records);
        // The reader runs at most one 64K-character buffer ahead (a few thousand ~40-character rows), never the file.
        Assert.InRange(mostRowsAheadOfConsumer, 1, 5_000);
    }
}

/// <summary>
/// Produces a CSV of <c>rowCount</c> order-like rows on demand, counting how many it has handed out, so a test can
/// see how far ahead of its consumer a reader is.
/// </summary>
internal sealed class GeneratedCsvReader(int rowCount, string header = "external_id,account_external_id,gross_revenue",
    Func<int, string>? rowFor = null) : TextReader
{
    private readonly Func<int, string> _rowFor = rowFor ?? (n => $"O-{n},A-{n % 97},\"{n % 1000}.50\"");

    private string _pending = header + "\r\n";
    private int _pendingPosition;

    /// <summary>Data rows produced so far (started, not necessarily fully handed out).</summary>
    public int RowsProduced { get; private set; }

    public override int Read(char[] buffer, int index, int count)
    {
        var written = 0;
        while (written < count)
        {
            if (_pendingPosition == _pending.Length)
            {
                if (RowsProduced == rowCount) break;
                RowsProduced++;
                _pending = _rowFor(RowsProduced) + "\r\n";
                _pendingPosition = 0;
            }
            var take = Math.Min(count - written, _pending.Length - _pendingPosition);
            _pending.CopyTo(_pendingPosition, buffer, index + written, take);
            _pendingPosition += take;
            written += take;
        }
        return written;
    }

    public override int Read() => throw new NotSupportedException("The reader under test reads blocks.");

    public override int Peek() => throw new NotSupportedException("The reader under test reads blocks.");
}
