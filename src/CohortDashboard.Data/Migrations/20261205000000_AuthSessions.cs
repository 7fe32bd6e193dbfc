using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CohortDashboard.Data.Migrations;

/// <summary>
/// Server-side sign-in sessions: the auth cookie carries a session id, the ticket lives in <c>auth_sessions</c>, so
/// signing out (or "sign out everywhere") ends a session at once. Hand-written like <see cref="InitialSchema"/>;
/// <c>MigrationSchemaTests</c> checks all migrations together against the model.
/// </summary>
[DbContext(typeof(CohortDbContext))]
[Migration("20261205000000_AuthSessions")]
public sealed class AuthSessions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "auth_sessions",
            columns: table => new
            {
                id = table.Column<string>(maxLength: 64, nullable: false),
                org_id = table.Column<long>(nullable: false),
                subject = table.Column<string>(maxLength: 256, nullable: false),
                ticket = table.Column<byte[]>(nullable: false),
                created_at = table.Column<DateTime>(nullable: false),
                last_seen_at = table.Column<DateTime>(nullable: false),
                expires_at = table.Column<DateTime>(nullable: false),
                absolute_expires_at = table.Column<DateTime>(nullable: false),
                user_agent = table.Column<string>(maxLength: 256, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_auth_sessions", x => x.id);
                table.ForeignKey(
                    name: "fk_auth_sessions_organizations_org_id",
                    column: x => x.org_id,
                    principalTable: "organizations",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "ix_auth_sessions_org_id_subject",
            table: "auth_sessions",
            columns: ["org_id", "subject"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "auth_sessions");
    }
}
