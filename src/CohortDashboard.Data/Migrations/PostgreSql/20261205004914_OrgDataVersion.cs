using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CohortDashboard.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class OrgDataVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "data_version",
                table: "organizations",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "data_version",
                table: "organizations");
        }
    }
}
