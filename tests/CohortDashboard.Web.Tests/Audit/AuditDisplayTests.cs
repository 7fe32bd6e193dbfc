using CohortDashboard.Web.Features.Audit;

namespace CohortDashboard.Web.Tests.Audit;

public sealed class AuditDisplayTests
{
    private static AuditEntry Entry(string targetType, string? targetId, string? before, string? after) =>
        new(1, new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc), "admin-1", "x", targetType, targetId, before, after);

    [Fact]
    public void Target_ChangeCarriesAName_ShowsTheNameNotTheId()
    {
        var entry = Entry("api_key", "42", null, """{"name":"Audit trail key","prefix":"cdk_1a2b"}""");

        Assert.Equal("api key · Audit trail key", AuditDisplay.Target(entry));
    }

    [Fact]
    public void Target_NoName_FallsBackToTypeAndId()
    {
        Assert.Equal("expansion signal #7", AuditDisplay.Target(Entry("expansion_signal", "7", """{"status":"pending"}""", """{"status":"won"}""")));
        Assert.Equal("affinity matrix", AuditDisplay.Target(Entry("affinity_matrix", null, null, null)));
    }

    [Fact]
    public void Changes_BeforeAndAfter_ListsOnlyFieldsThatDifferAsText()
    {
        var entry = Entry("org_settings", "1",
            """{"ChurnDefinition":"revenue","NrrWarningBelow":90,"Scopes":["a","b"]}""",
            """{"ChurnDefinition":"logo","NrrWarningBelow":90,"Scopes":["a","b"],"enabled":true}""");

        Assert.Equal(
            [new AuditChange("churn definition", "revenue", "logo"), new AuditChange("enabled", null, "yes")],
            AuditDisplay.Changes(entry));
    }

    [Fact]
    public void Changes_NotJson_ShownAsWritten()
    {
        Assert.Equal([new AuditChange("value", null, "plain text")], AuditDisplay.Changes(Entry("x", null, null, "plain text")));
    }
}
