using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CohortDashboard.Data.Migrations;

/// <summary>
/// The org's data version (<see cref="OrgDataVersion"/>): bumped by imports, recomputes and settings changes, the key
/// of cached cohort answers and of the columnar store. Hand-written like <see cref="InitialSchema"/>, for SQLite and
/// PostgreSQL alike; <c>MigrationSchemaTests</c> checks all migrations together against the model.
/// </summary>
[DbContext(typeof(CohortDbContext))]
[Migration("20261206010000_OrgDataVersion")]
public sealed class OrgDataVersionColumn : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<long>(
            name: "data_version",
            table: "organizations",
            nullable: false,
            defaultValue: 0L);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // As in SignalAndAnomalySettings: SQLite (3.35+) drops a column in place.
        if (migrationBuilder.IsSqlite()) migrationBuilder.Sql("ALTER TABLE \"organizations\" DROP COLUMN \"data_version\";");
        else migrationBuilder.DropColumn(name: "data_version", table: "organizations");
    }
}
