using System.Text;
using CohortDashboard.Data.Import;
using CohortDashboard.Web.Features.Import;

namespace CohortDashboard.Components.Tests.Import;

/// <summary>The import preview and problem list over a real CSV read by the real importer.</summary>
public sealed class ImportComponentsTests : ComponentTest
{
    private const string Accounts = "external_id,name,segment,created_at,status\nBAD-1,Fine,SMB,2025-01-01,active\nBAD-2,Wrong,Huge,2025-01-01,active\nBAD-3,Also fine,SMB,2025-01-02,active\n";

    [Fact]
    public void Preview_AccountsCsv_ShowsTheMappingAndTheRows()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, Accounts, Encoding.UTF8);
            var preview = ImportService.Preview(new ImportFile(path, ImportFormat.Csv), ImportEntity.Accounts);

            var rendered = Render<ImportPreview>(p => p.Add(c => c.Preview, preview));

            Assert.Equal(3, rendered.FindAll("[data-testid='import-preview-row']").Count);
            var mapped = rendered.FindAll("[data-testid='import-mapping'] .import-mapped th").Select(th => th.TextContent).ToList();
            Assert.Equal(["maps to", "external_id", "name", "segment", "created_at", "status"], mapped);
            Assert.Empty(rendered.FindAll("[data-testid='import-preview-errors']"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ProblemList_BadSegment_ListsRowColumnAndMessage()
    {
        var report = new ImportReport();
        _ = ImportReader.ReadAccounts(new StringReader(Accounts), new ImportOptions(TimeZoneInfo.Utc), report).ToList();

        var rendered = Render<ImportProblemList>(p => p.Add(c => c.Report, report));

        var row = Assert.Single(rendered.FindAll("tr.import-problem"));
        Assert.Contains("import-error", row.ClassList);
        var cells = row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal("3", cells[0]);
        Assert.Equal("segment", cells[1]);
        Assert.StartsWith("1 error", rendered.Find("[data-testid='import-problems'] h3").TextContent);
    }

    [Fact]
    public void ProblemList_CleanReport_RendersNothing()
    {
        var rendered = Render<ImportProblemList>(p => p.Add(c => c.Report, new ImportReport()));

        Assert.Empty(rendered.FindAll("[data-testid='import-problems']"));
    }
}
