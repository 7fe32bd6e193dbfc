using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CohortDashboard.Data.Migrations;

/// <summary>
/// Two organization settings (SPEC §7): the most signals generation keeps per account, and the smallest customer cohort
/// the retention anomaly rule looks at. Existing organizations get the defaults. Hand-written like
/// <see cref="InitialSchema"/>; <c>MigrationSchemaTests</c> checks all migrations together against the model.
/// </summary>
[DbContext(typeof(CohortDbContext))]
[Migration("20261204000000_SignalAndAnomalySettings")]
public sealed class SignalAndAnomalySettings : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>(
            name: "max_signals_per_account",
            table: "organizations",
            nullable: false,
            defaultValue: Model.OrgSettings.DefaultMaxSignalsPerAccount);

        migrationBuilder.AddColumn<int>(
            name: "anomaly_min_cohort_size",
            table: "organizations",
            nullable: false,
            defaultValue: Model.OrgSettings.DefaultAnomalyMinCohortSize);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var column in new[] { "anomaly_min_cohort_size", "max_signals_per_account" })
        {
            // EF's SQLite provider only drops a column by rebuilding the table from a model snapshot, which hand-written
            // migrations do not carry; SQLite (3.35+) drops it in place.
            if (migrationBuilder.IsSqlite()) migrationBuilder.Sql($"ALTER TABLE \"organizations\" DROP COLUMN \"{column}\";");
            else migrationBuilder.DropColumn(name: column, table: "organizations");
        }
    }
}
