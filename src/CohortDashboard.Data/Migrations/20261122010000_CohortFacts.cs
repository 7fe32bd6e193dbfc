using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CohortDashboard.Data.Migrations;

/// <summary>
/// Per-account, per-local-day and per-local-month order facts for cohort queries, and the record of when each org's facts were built.
/// Hand-written like <see cref="InitialSchema"/>; <c>MigrationSchemaTests</c> checks all migrations together against the model.
/// </summary>
[DbContext(typeof(CohortDbContext))]
[Migration("20261122010000_CohortFacts")]
public sealed class CohortFacts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "cohort_fact_builds",
            columns: table => new
            {
                org_id = table.Column<long>(nullable: false),
                time_zone = table.Column<string>(maxLength: 64, nullable: false),
                built_at = table.Column<DateTime>(nullable: false),
                latest_event_at = table.Column<DateTime>(nullable: true),
                orders = table.Column<long>(nullable: false),
                rows = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_cohort_fact_builds", x => x.org_id);
                table.ForeignKey(
                    name: "fk_cohort_fact_builds_organizations_org_id",
                    column: x => x.org_id,
                    principalTable: "organizations",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "customer_facts",
            columns: table => new
            {
                org_id = table.Column<long>(nullable: false),
                grain = table.Column<int>(nullable: false),
                account_id = table.Column<long>(nullable: false),
                period = table.Column<int>(nullable: false),
                status = table.Column<int>(nullable: false),
                orders = table.Column<int>(nullable: false),
                gross = table.Column<long>(nullable: false),
                discounts = table.Column<long>(nullable: false),
                refunds_by_order_date = table.Column<long>(nullable: false),
                refunds_by_refund_date = table.Column<long>(nullable: false),
                cogs = table.Column<long>(nullable: false),
                shipping = table.Column<long>(nullable: false),
                fees = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_customer_facts", x => new { x.org_id, x.grain, x.account_id, x.period, x.status });
                table.ForeignKey(
                    name: "fk_customer_facts_accounts_account_id",
                    column: x => x.account_id,
                    principalTable: "accounts",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "fk_customer_facts_organizations_org_id",
                    column: x => x.org_id,
                    principalTable: "organizations",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "ix_customer_facts_counts",
            table: "customer_facts",
            columns: ["org_id", "grain", "account_id", "period", "status", "orders"]);

        migrationBuilder.CreateIndex(
            name: "ix_customer_facts_account_id",
            table: "customer_facts",
            column: "account_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "customer_facts");

        migrationBuilder.DropTable(name: "cohort_fact_builds");
    }
}
