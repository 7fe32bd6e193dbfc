using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CohortDashboard.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ColumnarOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cohort_fact_builds");

            migrationBuilder.DropTable(
                name: "customer_facts");

            migrationBuilder.AddColumn<long>(
                name: "orders_version",
                table: "organizations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "orders_version",
                table: "organizations");

            migrationBuilder.CreateTable(
                name: "cohort_fact_builds",
                columns: table => new
                {
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    built_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    latest_event_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    orders = table.Column<long>(type: "INTEGER", nullable: false),
                    rows = table.Column<long>(type: "INTEGER", nullable: false),
                    time_zone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
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
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    grain = table.Column<int>(type: "INTEGER", nullable: false),
                    account_id = table.Column<long>(type: "INTEGER", nullable: false),
                    period = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    cogs = table.Column<long>(type: "INTEGER", nullable: false),
                    discounts = table.Column<long>(type: "INTEGER", nullable: false),
                    fees = table.Column<long>(type: "INTEGER", nullable: false),
                    gross = table.Column<long>(type: "INTEGER", nullable: false),
                    orders = table.Column<int>(type: "INTEGER", nullable: false),
                    refunds_by_order_date = table.Column<long>(type: "INTEGER", nullable: false),
                    refunds_by_refund_date = table.Column<long>(type: "INTEGER", nullable: false),
                    shipping = table.Column<long>(type: "INTEGER", nullable: false)
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
                name: "ix_customer_facts_account_id",
                table: "customer_facts",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_customer_facts_counts",
                table: "customer_facts",
                columns: new[] { "org_id", "grain", "account_id", "period", "status", "orders" });
        }
    }
}
