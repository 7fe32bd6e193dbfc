using CohortDashboard.Data.Import;
using CohortDashboard.Data.Model;

namespace CohortDashboard.Data.Tests.Import;

public sealed class ImportReaderTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly ImportOptions InBerlin = new(Berlin);

    private const string OrderHeader = "external_id,account_external_id,placed_at,status,gross_revenue,discounts,refunded_amount,refunded_at,tags";
    private const string AccountHeader = "external_id,name,segment,created_at,status,arr,health_score,risk_score,expansion_propensity";
    private const string AccountProductHeader = "account_external_id,product_external_id,status,start_date,end_date,seats_licensed,seats_active,adoption_pct";

    private static (List<OrderImportRow> Rows, ImportReport Report) Orders(string rows, ImportOptions? options = null)
    {
        var report = new ImportReport();
        var parsed = ImportReader.ReadOrders(new StringReader(OrderHeader + "\n" + rows), options ?? InBerlin, report).ToList();
        return (parsed, report);
    }

    private static (List<AccountImportRow> Rows, ImportReport Report) Accounts(string rows)
    {
        var report = new ImportReport();
        return (ImportReader.ReadAccounts(new StringReader(AccountHeader + "\n" + rows), InBerlin, report).ToList(), report);
    }

    private static (List<AccountProductImportRow> Rows, ImportReport Report) AccountProducts(string rows,
        ImportOptions? options = null)
    {
        var report = new ImportReport();
        var text = new StringReader(AccountProductHeader + "\n" + rows);
        return (ImportReader.ReadAccountProducts(text, options ?? InBerlin, report).ToList(), report);
    }

    private static ImportProblem SingleError(ImportReport report) => Assert.Single(report.Errors);

    [Fact]
    public void ReadOrders_ValidRow_TypedValuesInUtc()
    {
        var (rows, report) = Orders("O-1,A-1,2026-07-01T23:30:00,PAID,120.50,0.5,20,2026-07-03T10:00:00Z, vip | wholesale||\n");

        Assert.False(report.HasErrors);
        var row = Assert.Single(rows);
        Assert.Equal(2, row.Line);
        Assert.Equal(new DateTime(2026, 7, 1, 21, 30, 0, DateTimeKind.Utc), row.PlacedAt);
        Assert.Equal(DateTimeKind.Utc, row.PlacedAt.Kind);
        Assert.Equal(new DateTime(2026, 7, 3, 10, 0, 0, DateTimeKind.Utc), row.RefundedAt);
        Assert.Equal(OrderStatus.Paid, row.Status);
        Assert.Equal(120.50m, row.GrossRevenue);
        Assert.Equal(0.5m, row.Discounts);
        Assert.Equal(["vip", "wholesale"], row.Tags);
        Assert.Null(row.Cogs);
        Assert.Equal(1, report.ValidRows);
    }

    [Theory]
    [InlineData("2026-01-15", "2026-01-14T23:00:00Z")]
    [InlineData("2026-01-15 08:00", "2026-01-15T07:00:00Z")]
    [InlineData("2026-07-15T08:00:00.250", "2026-07-15T06:00:00.250Z")]
    [InlineData("2026-07-15T08:00:00+05:30", "2026-07-15T02:30:00Z")]
    [InlineData("2026-07-15T08:00:00Z", "2026-07-15T08:00:00Z")]
    [InlineData("2026-10-25T02:30:00", "2026-10-25T01:30:00Z")] // twice in Berlin: read as standard time (CET)
    public void ReadOrders_PlacedAtFormats_ConvertedToUtc(string placedAt, string expectedUtc)
    {
        var (rows, report) = Orders($"O-1,A-1,{placedAt},paid,10,,,,\n");

        Assert.Empty(report.Errors);
        Assert.Equal(DateTime.Parse(expectedUtc, null, System.Globalization.DateTimeStyles.AdjustToUniversal),
            Assert.Single(rows).PlacedAt);
    }

    [Fact]
    public void ReadOrders_LocalTimeTheClocksSkip_Error()
    {
        var (rows, report) = Orders("O-1,A-1,2026-03-29T02:30:00,paid,10,,,,\n");

        Assert.Empty(rows);
        Assert.Equal(new ImportProblem(2, "placed_at",
            "'2026-03-29T02:30:00' does not exist in Europe/Berlin (the clocks skip it); give the time with an offset."),
            SingleError(report));
    }

    [Theory]
    [InlineData("31/03/2026")]
    [InlineData("2026-03-31T25:00:00")]
    [InlineData("March 31")]
    public void ReadOrders_NotIso8601_Error(string placedAt)
    {
        var (_, report) = Orders($"O-1,A-1,{placedAt},paid,10,,,,\n");

        Assert.Equal(new ImportProblem(2, "placed_at",
            $"'{placedAt}' is not an ISO 8601 date or time (e.g. 2026-03-31, 2026-03-31T14:05:00 or 2026-03-31T14:05:00Z)."),
            SingleError(report));
    }

    [Theory]
    [InlineData("\"1,5\"", "'1,5' is not a number: use a dot for decimals and no thousands separators (e.g. 1234.5).")]
    [InlineData("\"1,234.50\"", "'1,234.50' is not a number: use a dot for decimals and no thousands separators (e.g. 1234.5).")]
    [InlineData("1 234", "'1 234' is not a number; expected digits with an optional dot (e.g. 1234.5).")]
    [InlineData("12e3", "'12e3' is not a number; expected digits with an optional dot (e.g. 1234.5).")]
    [InlineData("-5", "'-5' is negative; it must be 0 or more.")]
    [InlineData("1.23456", "'1.23456' has more than 4 decimal places.")]
    public void ReadOrders_BadGrossRevenue_Error(string gross, string expected)
    {
        var (rows, report) = Orders($"O-1,A-1,2026-03-01,paid,{gross},,,,\n");

        Assert.Empty(rows);
        Assert.Equal(new ImportProblem(2, "gross_revenue", expected), SingleError(report));
    }

    [Fact]
    public void ReadOrders_UnknownStatus_ErrorListingWireNames()
    {
        var (_, report) = Orders("O-1,A-1,2026-03-01,refunded,10,,,,\n");

        Assert.Equal(new ImportProblem(2, "status", "'refunded' is not a valid status; expected one of paid, pending, voided."),
            SingleError(report));
    }

    [Fact]
    public void ReadOrders_MissingRequiredValues_OneErrorPerColumn()
    {
        var (rows, report) = Orders(" ,,2026-03-01,,10,,,,\n");

        Assert.Empty(rows);
        Assert.Equal(
            [new ImportProblem(2, "external_id", "A value is required."),
             new ImportProblem(2, "account_external_id", "A value is required."),
             new ImportProblem(2, "status", "A value is required.")],
            report.Errors);
    }

    [Fact]
    public void ReadOrders_RefundAboveGross_Error()
    {
        var (_, report) = Orders("O-1,A-1,2026-03-01,paid,10,,10.01,,\n");

        Assert.Equal(new ImportProblem(2, "refunded_amount", "refunded_amount 10.01 is above gross_revenue 10."),
            SingleError(report));
    }

    [Fact]
    public void ReadOrders_RefundBeforePlacement_Error()
    {
        var (_, report) = Orders("O-1,A-1,2026-03-01T12:00:00Z,paid,10,,5,2026-03-01T11:59:59Z,\n");

        Assert.Equal(new ImportProblem(2, "refunded_at", "refunded_at is before placed_at."), SingleError(report));
    }

    [Fact]
    public void ReadOrders_DuplicateExternalId_ErrorOnLaterRowNamingFirst()
    {
        var (rows, report) = Orders("O-1,A-1,2026-03-01,paid,10,,,,\nO-2,A-1,2026-03-01,paid,10,,,,\nO-1,A-2,2026-03-02,paid,5,,,,\n");

        Assert.Equal(["O-1", "O-2"], rows.Select(r => r.ExternalId));
        Assert.Equal(new ImportProblem(4, "external_id", "Duplicate external_id 'O-1'; it first appears on row 2."),
            SingleError(report));
    }

    [Fact]
    public void ReadOrders_UnknownAccount_ErrorFromReferenceLookup()
    {
        var options = InBerlin with { References = new KnownReferences(["A-1"], []) };

        var (rows, report) = Orders("O-1,A-1,2026-03-01,paid,10,,,,\nO-2,a-1,2026-03-01,paid,10,,,,\n", options);

        Assert.Equal("O-1", Assert.Single(rows).ExternalId);
        Assert.Equal(new ImportProblem(3, "account_external_id", "Account 'a-1' does not exist; import accounts first."),
            SingleError(report));
    }

    [Fact]
    public void ReadOrders_RowNumbersAfterQuotedNewline_FileLineOfRecordStart()
    {
        var (_, report) = Orders("O-1,A-1,2026-03-01,paid,10,,,,\"a\nb\"\nO-2,A-1,2026-03-01,paid,-1,,,,\n");

        Assert.Equal(new ImportProblem(4, "gross_revenue", "'-1' is negative; it must be 0 or more."), SingleError(report));
    }

    [Fact]
    public void ReadOrders_RaggedRowAfterValidRows_FormatErrorEndsTheRead()
    {
        var (rows, report) = Orders("O-1,A-1,2026-03-01,paid,10,,,,\nO-2,A-1,2026-03-01,paid,10\n");

        Assert.Single(rows);
        Assert.Equal(new ImportProblem(3, "", "Row 3 has 5 fields but the header has 9; check for an unquoted comma or a missing value."),
            SingleError(report));
    }

    [Fact]
    public void ReadOrders_MissingRequiredColumn_NoRowsRead()
    {
        var report = new ImportReport();
        var rows = ImportReader.ReadOrders(new StringReader("external_id,account_external_id,status,gross_revenue\nO-1,A-1,paid,1\n"),
            InBerlin, report).ToList();

        Assert.Empty(rows);
        Assert.Equal(0, report.RowsRead);
        Assert.Equal(new ImportProblem(1, "placed_at", "Required column 'placed_at' is missing."), SingleError(report));
    }

    [Fact]
    public void ReadOrders_ManyBadRows_ReportCappedWithCount()
    {
        var report = new ImportReport(maxListed: 10);
        var text = OrderHeader + "\n" + string.Concat(Enumerable.Range(1, 25).Select(i => $"O-{i},A-1,2026-03-01,paid,-1,,,,\n"));

        var rows = ImportReader.ReadOrders(new StringReader(text), InBerlin, report).ToList();

        Assert.Empty(rows);
        Assert.Equal(10, report.Errors.Count);
        Assert.Equal(25, report.ErrorCount);
        Assert.Equal(15, report.UnlistedErrorCount);
        Assert.Equal(25, report.RowsRead);
        Assert.Equal(0, report.ValidRows);
    }

    [Fact]
    public void ReadOrders_LargeGeneratedStream_ValidRowsYieldedProgressively()
    {
        const int rowCount = 200_000;
        using var source = new GeneratedCsvReader(rowCount, OrderHeader,
            n => $"O-{n},A-{n % 97},2026-03-01T10:00:00Z,paid,{n % 1000}.50,,,,{(n % 2 == 0 ? "vip" : "")}");
        var report = new ImportReport();
        var yielded = 0;
        var mostRowsAheadOfConsumer = 0;

        foreach (var row in ImportReader.ReadOrders(source, InBerlin, report))
        {
            yielded++;
            Assert.Equal(yielded + 1, row.Line);
            mostRowsAheadOfConsumer = Math.Max(mostRowsAheadOfConsumer, source.RowsProduced - yielded);
        }

        Assert.Equal(rowCount, yielded);
        Assert.Equal(rowCount, report.ValidRows);
        Assert.False(report.HasErrors);
        Assert.InRange(mostRowsAheadOfConsumer, 1, 5_000);
    }

    [Fact]
    public void ReadAccounts_ValidRow_WireSpellingsCaseInsensitive()
    {
        var (rows, report) = Accounts("A-1,Société Générale,mid-market,2025-02-01,Active,1200.5,80,20,\n");

        Assert.Empty(report.Errors);
        var row = Assert.Single(rows);
        Assert.Equal(Segment.MidMarket, row.Segment);
        Assert.Equal(AccountStatus.Active, row.Status);
        Assert.Equal("Société Générale", row.Name);
        Assert.Equal(new DateTime(2025, 1, 31, 23, 0, 0, DateTimeKind.Utc), row.CreatedAt);
        Assert.Null(row.ExpansionPropensity);
    }

    [Theory]
    [InlineData("Medium", "segment", "'Medium' is not a valid segment; expected one of Enterprise, Mid-Market, SMB.")]
    [InlineData("SMB,2025-02-01,active,0,101,", "health_score", "'101' is above the maximum 100.")]
    [InlineData("SMB,2025-02-01,active,0,50,-1", "risk_score", "'-1' is negative; it must be 0 or more.")]
    [InlineData("SMB,2025-02-01,active,0,50,5,7.5", "expansion_propensity", "'7.5' is not a whole number.")]
    public void ReadAccounts_OutOfRangeValues_Error(string tail, string column, string message)
    {
        // Pad the tail to the header's nine fields.
        var fields = $"A-1,Acme,{tail}".Split(',').ToList();
        if (fields.Count == 3) fields.AddRange(["2025-02-01", "active", "", "", "", ""]);
        while (fields.Count < 9) fields.Add("");

        var (rows, report) = Accounts(string.Join(",", fields) + "\n");

        Assert.Empty(rows);
        Assert.Equal(new ImportProblem(2, column, message), SingleError(report));
    }

    [Fact]
    public void ReadProducts_IsActiveSpellings_Parsed()
    {
        var report = new ImportReport();
        var text = "external_id,name,is_active,annual_price\nP-1,Pro,yes,100\nP-2,Lite,FALSE,\nP-3,Old,maybe,1\n";

        var rows = ImportReader.ReadProducts(new StringReader(text), InBerlin, report).ToList();

        Assert.Equal([true, false], rows.Select(r => r.IsActive));
        Assert.Equal(new ImportProblem(4, "is_active", "'maybe' is not true or false."), SingleError(report));
    }

    [Fact]
    public void ReadAccountProducts_EndBeforeStart_Error()
    {
        var (rows, report) = AccountProducts("A-1,P-1,active,2026-03-01,2026-02-28,,,\n");

        Assert.Empty(rows);
        Assert.Equal(new ImportProblem(2, "end_date", "end_date 2026-02-28 is before start_date 2026-03-01."),
            SingleError(report));
    }

    [Fact]
    public void ReadAccountProducts_DateWithTime_Error()
    {
        var (_, report) = AccountProducts("A-1,P-1,active,2026-03-01T00:00:00,,,,\n");

        Assert.Equal(new ImportProblem(2, "start_date",
            "'2026-03-01T00:00:00' is not an ISO 8601 date; expected yyyy-MM-dd (e.g. 2026-03-31)."), SingleError(report));
    }

    [Fact]
    public void ReadAccountProducts_MoreActiveThanLicensedSeats_WarningAndRowKept()
    {
        var (rows, report) = AccountProducts("A-1,P-1,active,2026-03-01,,10,12,50\n");

        Assert.Single(rows);
        Assert.Empty(report.Errors);
        Assert.Equal([new ImportProblem(2, "seats_active", "seats_active 12 is above seats_licensed 10.")], report.Warnings);
    }

    [Fact]
    public void ReadAccountProducts_AdoptionAbove100_Error()
    {
        var (_, report) = AccountProducts("A-1,P-1,active,2026-03-01,,10,5,100.5\n");

        Assert.Equal(new ImportProblem(2, "adoption_pct", "'100.5' is above the maximum 100."), SingleError(report));
    }

    [Fact]
    public void ReadAccountProducts_SamePairAndStartTwice_DuplicateError_OtherStartIsANewHolding()
    {
        var (rows, report) = AccountProducts("A-1,P-1,active,2026-03-01,,,,\nA-1,P-2,active,2026-03-01,,,,\nA-1,P-1,churned,2026-03-01,,,,\nA-1,P-1,active,2026-09-01,,,,\n");

        Assert.Equal(3, rows.Count);
        Assert.Equal(new ImportProblem(4, "product_external_id",
            "Duplicate account/product/start_date 'A-1' / 'P-1' / 2026-03-01; it first appears on row 2."), SingleError(report));
    }

    [Fact]
    public void ReadAccountProducts_UnknownAccountAndProduct_BothReported()
    {
        var options = InBerlin with { References = new KnownReferences(["A-1"], ["P-1"]) };

        var (rows, report) = AccountProducts("A-1,P-1,active,2026-03-01,,,,\nA-9,P-9,active,2026-03-01,,,,\n", options);

        Assert.Single(rows);
        Assert.Equal(
            [new ImportProblem(3, "account_external_id", "Account 'A-9' does not exist; import accounts first."),
             new ImportProblem(3, "product_external_id", "Product 'P-9' does not exist; import products first.")],
            report.Errors);
    }
}
