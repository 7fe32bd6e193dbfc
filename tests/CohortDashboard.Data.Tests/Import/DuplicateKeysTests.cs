using System.Text;
using CohortDashboard.Data.Import;
using Microsoft.EntityFrameworkCore;

namespace CohortDashboard.Data.Tests.Import;

/// <summary>The in-file duplicate check in bounded memory: the Bloom filter, and the import's screen-then-confirm passes.</summary>
public sealed class DuplicateKeysTests : IDisposable
{
    private static readonly ImportOptions InNewYork = new(TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cohort-dupkeys-" + Guid.NewGuid().ToString("N"));

    public DuplicateKeysTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ImportFile File(string text, ImportFormat format = ImportFormat.Csv)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + (format == ImportFormat.Csv ? ".csv" : ".json"));
        System.IO.File.WriteAllText(path, text, new UTF8Encoding(false));
        return new ImportFile(path, format);
    }

    /// <summary>The report of the old all-in-memory check (every key with its first line).</summary>
    private static ImportReport ExactReport(ImportFile file, ImportEntity entity)
    {
        var report = new ImportReport();
        var (source, handle) = file.Open();
        using (handle)
            foreach (var _ in ImportReader.ReadRows(source, entity, InNewYork, report)) { }
        return report;
    }

    private static void AssertSameReport(ImportReport expected, ImportReport actual)
    {
        Assert.Equal(expected.Errors, actual.Errors);
        Assert.Equal(expected.Warnings, actual.Warnings);
        Assert.Equal((expected.ErrorCount, expected.WarningCount, expected.RowsRead, expected.ValidRows, expected.FileUnreadable),
            (actual.ErrorCount, actual.WarningCount, actual.RowsRead, actual.ValidRows, actual.FileUnreadable));
    }

    private static string OrderRow(string externalId, string account = "A-1") => $"{externalId},{account},2025-01-20T10:00:00,paid,10,,,,\n";

    [Fact]
    public void KeyFilter_200kDistinctKeys_NoFalseNegatives()
    {
        var filter = new KeyFilter(22);
        for (var i = 0; i < 200_000; i++) filter.Add($"ORD-{i:D9}");

        for (var i = 0; i < 200_000; i++) Assert.True(filter.MightContain($"ORD-{i:D9}"), $"ORD-{i:D9}");
    }

    [Fact]
    public void KeyFilter_100kKeysIn2Pow20Bits_FalsePositiveRateNearTheory()
    {
        // 10.5 bits a key, 7 hashes: theory (1 - e^(-7/10.5))^7 ≈ 0.65 %; a weak hash shows far more.
        var filter = new KeyFilter(20);
        for (var i = 0; i < 100_000; i++) filter.Add($"O-{i}");

        var falsePositives = 0;
        for (var i = 100_000; i < 300_000; i++)
            if (filter.MightContain($"O-{i}")) falsePositives++;

        Assert.InRange(falsePositives / 200_000.0, 0, 0.01);
    }

    [Fact]
    public void KeyFilter_AddTwice_SecondAddSaysMaybeSeen()
    {
        var filter = new KeyFilter(16);

        Assert.True(filter.Add("O-1"));
        Assert.False(filter.Add("O-1"));
        Assert.False(filter.MightContain("O-2"));
    }

    [Theory]
    [InlineData(0, KeyFilter.MinLog2Bits)]
    [InlineData(1_000, KeyFilter.MinLog2Bits)]
    [InlineData(9_000_000, 27)] // 100k bench orders (8.6 MiB): 2^24 bytes → 2^27 bits
    [InlineData(90_000_000, KeyFilter.MaxLog2Bits)]
    [InlineData(10_000_000_000, KeyFilter.MaxLog2Bits)]
    public void Log2BitsFor_FileSize_EightBitsPerByteWithinBounds(long bytes, int expected) =>
        Assert.Equal(expected, KeyFilter.Log2BitsFor(bytes));

    [Fact]
    public void Validate_DistinctKeysCollideInTinyFilter_NoDuplicateReported()
    {
        // 64 bits for 300 keys: nearly every key is a false positive of the filter.
        var text = new StringBuilder(ImportRunnerTests.OrderHeader);
        for (var i = 0; i < 300; i++) text.Append(OrderRow($"O-{i}"));
        var file = File(text.ToString());

        var (report, suspects) = ImportRunner.Validate(file, ImportEntity.Orders, InNewYork, ImportReport.DefaultMaxListed, 6, null, Ct);

        Assert.NotEmpty(suspects);
        Assert.Contains("O-299", suspects);
        Assert.False(report.HasErrors);
        Assert.Equal((300, 300), (report.RowsRead, report.ValidRows));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(16)]
    public void Validate_MixedErrorsAndDuplicates_ReportIdenticalToExactCheck(int log2Bits)
    {
        var text = new StringBuilder(ImportRunnerTests.OrderHeader);
        for (var i = 0; i < 200; i++)
        {
            var id = i % 17 == 5 ? $"O-{i / 3}" : $"O-{i}";       // repeats an earlier id now and then
            var gross = i % 23 == 0 ? "-1" : "10";                  // a second error on some rows, duplicate or not
            text.Append($"{id},A-1,2025-01-20T10:00:00,{(i % 31 == 0 ? "shipped" : "paid")},{gross},,,,\n");
        }
        var file = File(text.ToString());
        var expected = ExactReport(file, ImportEntity.Orders);
        Assert.Contains(expected.Errors, e => e.Message.StartsWith("Duplicate external_id", StringComparison.Ordinal));

        var (report, _) = ImportRunner.Validate(file, ImportEntity.Orders, InNewYork, ImportReport.DefaultMaxListed, log2Bits, null, Ct);

        AssertSameReport(expected, report);
    }

    [Fact]
    public void Validate_AccountProductsCompositeKeyTinyFilter_ReportIdenticalToExactCheck()
    {
        var text = new StringBuilder("account_external_id,product_external_id,status,start_date,end_date,seats_licensed,seats_active\n");
        for (var i = 0; i < 120; i++)
            text.Append($"A-{i % 5},P-{i % 4},{(i % 13 == 0 ? "bogus" : "active")},2025-0{1 + i % 3}-01,,5,{(i % 11 == 0 ? 9 : 1)}\n");
        var file = File(text.ToString());
        var expected = ExactReport(file, ImportEntity.AccountProducts);
        Assert.Contains(expected.Errors, e => e.Message.StartsWith("Duplicate account/product/start_date", StringComparison.Ordinal));

        var (report, _) = ImportRunner.Validate(file, ImportEntity.AccountProducts, InNewYork, ImportReport.DefaultMaxListed, 6, null, Ct);

        AssertSameReport(expected, report);
    }

    [Fact]
    public void Validate_DuplicateBeforeFormatError_DuplicateStillReported()
    {
        var file = File(ImportRunnerTests.OrderHeader + OrderRow("O-1") + OrderRow("O-2") + OrderRow("O-1") + "O-3,\"unterminated\n");
        var expected = ExactReport(file, ImportEntity.Orders);

        var (report, _) = ImportRunner.Validate(file, ImportEntity.Orders, InNewYork, ImportReport.DefaultMaxListed, 16, null, Ct);

        Assert.True(report.FileUnreadable);
        Assert.Equal(new ImportProblem(4, "external_id", "Duplicate external_id 'O-1'; it first appears on row 2."), report.Errors[0]);
        AssertSameReport(expected, report);
    }

    [Fact]
    public void Validate_JsonDuplicates_ReportIdenticalToExactCheck()
    {
        var json = "[" + string.Join(",", Enumerable.Range(0, 50).Select(i =>
            $$"""{"external_id":"O-{{(i == 40 ? 3 : i)}}","account_external_id":"A-1","placed_at":"2025-01-20","status":"paid","gross_revenue":"10"}""")) + "]";
        var file = File(json, ImportFormat.Json);
        var expected = ExactReport(file, ImportEntity.Orders);

        var (report, _) = ImportRunner.Validate(file, ImportEntity.Orders, InNewYork, ImportReport.DefaultMaxListed, 6, null, Ct);

        Assert.Equal("Duplicate external_id 'O-3'; it first appears on row 5.", Assert.Single(report.Errors).Message);
        AssertSameReport(expected, report);
    }

    [Fact]
    public async Task RunAsync_50kRowsDuplicatesFarApart_FirstRowNamedAndSkipInvalidWritesFirstOccurrencesOnly()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        Assert.True((await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Accounts, ImportRunnerTests.Accounts)).Written);
        var text = new StringBuilder(ImportRunnerTests.OrderHeader);
        for (var i = 0; i < 50_000; i++)
        {
            // Row = i + 2. Row 25,002 repeats row 2's id, row 50,001 repeats row 3's (on another account).
            var id = i switch { 25_000 => "O-0", 49_999 => "O-1", _ => $"O-{i}" };
            text.Append(OrderRow(id, i == 49_999 ? "A-2" : "A-1"));
        }

        await using var db = database.For(ImportDatabase.OrgA);
        var outcome = await ImportRunner.RunAsync(db, ImportEntity.Orders, database.File(text.ToString()), skipInvalid: true, ct: Ct);

        Assert.Equal(
        [
            new ImportProblem(25_002, "external_id", "Duplicate external_id 'O-0'; it first appears on row 2."),
            new ImportProblem(50_001, "external_id", "Duplicate external_id 'O-1'; it first appears on row 3."),
        ], outcome.Report.Errors);
        Assert.True(outcome.Written);
        Assert.Equal((50_000, 49_998, 2L), (outcome.Report.RowsRead, outcome.Report.ValidRows, outcome.Skipped));
        Assert.Equal(new ImportCounts(49_998, 0, 0), outcome.Counts);
        await using var check = database.For(ImportDatabase.OrgA);
        Assert.Equal(49_998, await check.Orders.CountAsync(Ct));
        var a1 = await check.Accounts.SingleAsync(a => a.ExternalId == "A-1", Ct);
        // The first occurrence, not the later one on A-2.
        Assert.Equal(a1.Id, (await check.Orders.SingleAsync(o => o.ExternalId == "O-1", Ct)).AccountId);
    }

    [Fact]
    public async Task RunAsync_TinyFilterSkipInvalid_OnlyTrueDuplicateSkipped()
    {
        await using var database = await ImportDatabase.SqliteAsync();
        Assert.True((await database.ImportAsync(ImportDatabase.OrgA, ImportEntity.Accounts, ImportRunnerTests.Accounts)).Written);
        var text = new StringBuilder(ImportRunnerTests.OrderHeader);
        for (var i = 0; i < 500; i++) text.Append(OrderRow(i == 400 ? "O-7" : $"O-{i}"));

        await using var db = database.For(ImportDatabase.OrgA);
        var outcome = await ImportRunner.RunAsync(db, ImportEntity.Orders, database.File(text.ToString()), skipInvalid: true,
            keyFilterLog2Bits: 6, ct: Ct);

        Assert.Equal(new ImportProblem(402, "external_id", "Duplicate external_id 'O-7'; it first appears on row 9."),
            Assert.Single(outcome.Report.Errors));
        Assert.Equal(new ImportCounts(499, 0, 0), outcome.Counts);
        await using var check = database.For(ImportDatabase.OrgA);
        Assert.Equal(499, await check.Orders.CountAsync(Ct));
    }
}
