using CohortDashboard.Data.Import;

namespace CohortDashboard.Data.Tests.Import;

public sealed class ColumnMappingTests
{
    [Fact]
    public void Map_HeaderNamesInOtherCaseWithBlanks_Matched()
    {
        var mapping = ColumnMapping.Map(ImportEntity.Products, [" External_ID ", "NAME", "annual_price"]);

        Assert.True(mapping.IsUsable);
        Assert.Equal(0, mapping.IndexOf("external_id"));
        Assert.Equal(1, mapping.IndexOf("name"));
        Assert.True(mapping.Has("annual_price"));
        Assert.False(mapping.Has("category"));
        Assert.Equal(-1, mapping.IndexOf("category"));
        Assert.Empty(mapping.Warnings);
    }

    [Fact]
    public void Map_UnknownAndUnnamedColumns_WarningsNotErrors()
    {
        var mapping = ColumnMapping.Map(ImportEntity.Products, ["external_id", "name", "colour", ""]);

        Assert.True(mapping.IsUsable);
        Assert.Equal(
            [new ImportProblem(1, "colour", "Unknown column 'colour' is ignored."),
             new ImportProblem(1, "", "Column 4 has no name and is ignored.")],
            mapping.Warnings);
        Assert.Null(mapping.ColumnsByPosition[2]);
    }

    [Fact]
    public void Map_MissingRequiredColumn_ErrorNamingIt()
    {
        var mapping = ColumnMapping.Map(ImportEntity.Orders,
            ["external_id", "account_external_id", "status", "gross_revenue"]);

        Assert.False(mapping.IsUsable);
        Assert.Equal([new ImportProblem(1, "placed_at", "Required column 'placed_at' is missing.")], mapping.Errors);
    }

    [Fact]
    public void Map_ColumnTwice_Error()
    {
        var mapping = ColumnMapping.Map(ImportEntity.Products, ["external_id", "name", "Name"]);

        Assert.Equal([new ImportProblem(1, "name", "Column 'name' appears twice (columns 2 and 3).")], mapping.Errors);
    }

    [Fact]
    public void Map_DataInsteadOfHeader_MissingHeaderError()
    {
        var mapping = ColumnMapping.Map(ImportEntity.Products, ["P-1", "Analytics Pro", "1200.00"]);

        var error = Assert.Single(mapping.Errors);
        Assert.Equal(new ImportProblem(1, "",
            "Line 1 names none of the products columns; is the header row missing? Required: external_id, name."), error);
    }

    [Fact]
    public void For_EveryEntity_ColumnsUniqueAndSnakeCase()
    {
        foreach (var entity in Enum.GetValues<ImportEntity>())
        {
            var names = ImportColumns.For(entity).Select(c => c.Name).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
            Assert.All(names, name => Assert.Matches("^[a-z_]+$", name));
        }
    }

    [Theory]
    [InlineData("account_products", ImportEntity.AccountProducts)]
    [InlineData("Orders", ImportEntity.Orders)]
    public void TryParseEntity_WireName_Parsed(string wire, ImportEntity expected)
    {
        Assert.True(ImportColumns.TryParseEntity(wire, out var entity));
        Assert.Equal(expected, entity);
        Assert.False(ImportColumns.TryParseEntity("customers", out _));
    }

    [Fact]
    public void Read_LongFile_MappingAndFirstTwentyRowsOnly()
    {
        var text = "external_id,name,colour\n" + string.Concat(Enumerable.Range(1, 50).Select(i => $"P-{i},Product {i},red\n"));

        var preview = MappingPreview.Read(new StringReader(text), ImportEntity.Products);

        Assert.NotNull(preview.Mapping);
        Assert.Equal(["external_id", "name", null], preview.Mapping.ColumnsByPosition.Select(c => c?.Name));
        Assert.Equal(20, preview.Rows.Count);
        Assert.Equal(new PreviewRow(2, ["P-1", "Product 1", "red"]), preview.Rows[0], PreviewRowComparer.Instance);
        Assert.Equal(21, preview.Rows[^1].Line);
        Assert.Empty(preview.Errors);
        Assert.Equal("colour", Assert.Single(preview.Warnings).Column);
    }

    [Fact]
    public void Read_HugeFile_StopsReadingAfterThePreviewRows()
    {
        using var source = new GeneratedCsvReader(200_000, "external_id,name,annual_price");

        var preview = MappingPreview.Read(source, ImportEntity.Products);

        Assert.Equal(20, preview.Rows.Count);
        Assert.InRange(source.RowsProduced, 20, 5_000);
    }

    [Fact]
    public void Read_SemicolonFile_FormatErrorAndNoRows()
    {
        var preview = MappingPreview.Read(new StringReader("external_id;name\nP-1;Pro\n"), ImportEntity.Products);

        Assert.Null(preview.Mapping);
        Assert.Empty(preview.Rows);
        Assert.Equal([new ImportProblem(1, "", "The file looks semicolon-separated; use commas between columns.")],
            preview.Errors);
    }

    [Fact]
    public void Read_MissingRequiredColumn_RowsStillShownWithError()
    {
        var preview = MappingPreview.Read(new StringReader("external_id,category\nP-1,BI\n"), ImportEntity.Products);

        Assert.Single(preview.Rows);
        Assert.Equal([new ImportProblem(1, "name", "Required column 'name' is missing.")], preview.Errors);
    }

    private sealed class PreviewRowComparer : IEqualityComparer<PreviewRow>
    {
        public static readonly PreviewRowComparer Instance = new();

        public bool Equals(PreviewRow? x, PreviewRow? y) =>
            x is not null && y is not null && x.Line == y.Line && x.Fields.SequenceEqual(y.Fields);

        public int GetHashCode(PreviewRow row) => row.Line;
    }
}
