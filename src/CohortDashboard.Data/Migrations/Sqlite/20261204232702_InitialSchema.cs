using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CohortDashboard.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "organizations",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    time_zone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    fiscal_year_start_month = table.Column<int>(type: "INTEGER", nullable: false),
                    termina_group_id = table.Column<int>(type: "INTEGER", nullable: true),
                    termina_deal_id = table.Column<int>(type: "INTEGER", nullable: true),
                    pixel_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    churn_definition = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    count_pending_orders = table.Column<bool>(type: "INTEGER", nullable: false),
                    count_voided_orders = table.Column<bool>(type: "INTEGER", nullable: false),
                    refund_date_attribution = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    affinity_high_sample_size = table.Column<int>(type: "INTEGER", nullable: false),
                    affinity_medium_sample_size = table.Column<int>(type: "INTEGER", nullable: false),
                    signal_weight_affinity = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    signal_weight_readiness = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    signal_weight_health = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    signal_weight_propensity = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    priority_cutoff1 = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    priority_cutoff2 = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    priority_cutoff3 = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    priority_cutoff4 = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    cross_sell_max_products = table.Column<int>(type: "INTEGER", nullable: false),
                    nrr_warning_below = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    nrr_critical_below = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    health_decline_points = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    churn_acceleration_periods = table.Column<int>(type: "INTEGER", nullable: false),
                    max_signals_per_account = table.Column<int>(type: "INTEGER", nullable: false, defaultValue: 3),
                    anomaly_min_cohort_size = table.Column<int>(type: "INTEGER", nullable: false, defaultValue: 30),
                    results_stale_since = table.Column<DateTime>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_organizations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "accounts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    external_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    segment = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    territory = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    owner_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    user_type = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    arr = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    health_score = table.Column<int>(type: "INTEGER", nullable: false),
                    risk_score = table.Column<int>(type: "INTEGER", nullable: false),
                    expansion_propensity = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_accounts", x => x.id);
                    table.ForeignKey(
                        name: "fk_accounts_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    prefix = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    secret_hash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    scopes = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    revoked_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_used_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    quota_limit = table.Column<int>(type: "INTEGER", nullable: false),
                    quota_window_seconds = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_api_keys_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    target_type = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    target_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    before = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: true),
                    after = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_audit_events_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "auth_sessions",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ticket = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_seen_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    absolute_expires_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    user_agent = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
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

            migrationBuilder.CreateTable(
                name: "cohort_definitions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    cohort_type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    grouping_field = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    grouping_value = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    filter_criteria = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: true),
                    member_count = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cohort_definitions", x => x.id);
                    table.ForeignKey(
                        name: "fk_cohort_definitions_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cohort_fact_builds",
                columns: table => new
                {
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    time_zone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    built_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    latest_event_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    orders = table.Column<long>(type: "INTEGER", nullable: false),
                    rows = table.Column<long>(type: "INTEGER", nullable: false)
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
                name: "org_memberships",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    display_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    owner_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_org_memberships", x => x.id);
                    table.ForeignKey(
                        name: "fk_org_memberships_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "products",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    external_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    category = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    annual_price = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    is_active = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_products", x => x.id);
                    table.ForeignKey(
                        name: "fk_products_organizations_org_id",
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
                    orders = table.Column<int>(type: "INTEGER", nullable: false),
                    gross = table.Column<long>(type: "INTEGER", nullable: false),
                    discounts = table.Column<long>(type: "INTEGER", nullable: false),
                    refunds_by_order_date = table.Column<long>(type: "INTEGER", nullable: false),
                    refunds_by_refund_date = table.Column<long>(type: "INTEGER", nullable: false),
                    cogs = table.Column<long>(type: "INTEGER", nullable: false),
                    shipping = table.Column<long>(type: "INTEGER", nullable: false),
                    fees = table.Column<long>(type: "INTEGER", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    account_id = table.Column<long>(type: "INTEGER", nullable: false),
                    external_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    placed_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    gross_revenue = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    discounts = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    refunded_amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    refunded_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    cogs = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    shipping_cost = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    fees = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    source_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    order_type = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    payment_gateway = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    tags = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    utm_source = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    utm_medium = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    utm_campaign = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    utm_content = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    utm_term = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_orders", x => x.id);
                    table.ForeignKey(
                        name: "fk_orders_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_orders_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cohort_snapshots",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    cohort_definition_id = table.Column<long>(type: "INTEGER", nullable: false),
                    period_month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    members = table.Column<int>(type: "INTEGER", nullable: false),
                    starting_arr = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    total_arr = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    expansion_arr = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    contraction_arr = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    churn_arr = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    churn_count = table.Column<int>(type: "INTEGER", nullable: false),
                    nrr = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: true),
                    grr = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: true),
                    avg_health = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    avg_risk = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    products_per_account = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    adoption_pct = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    computed_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cohort_snapshots", x => x.id);
                    table.ForeignKey(
                        name: "fk_cohort_snapshots_cohort_definitions_cohort_definition_id",
                        column: x => x.cohort_definition_id,
                        principalTable: "cohort_definitions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_cohort_snapshots_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "account_products",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    account_id = table.Column<long>(type: "INTEGER", nullable: false),
                    product_id = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    start_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    end_date = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    contracted_arr = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    seats_licensed = table.Column<int>(type: "INTEGER", nullable: false),
                    seats_active = table.Column<int>(type: "INTEGER", nullable: false),
                    adoption_pct = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_account_products", x => x.id);
                    table.ForeignKey(
                        name: "fk_account_products_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_account_products_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_account_products_products_product_id",
                        column: x => x.product_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "affinity_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    product_a_id = table.Column<long>(type: "INTEGER", nullable: false),
                    product_b_id = table.Column<long>(type: "INTEGER", nullable: false),
                    segment = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    co_adoption_count = table.Column<int>(type: "INTEGER", nullable: false),
                    co_adoption_rate = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    avg_time_to_cross_sell_days = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: true),
                    avg_arr_uplift = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: true),
                    sample_size = table.Column<int>(type: "INTEGER", nullable: false),
                    confidence = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    lift = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: true),
                    computed_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_affinity_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_affinity_entries_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_affinity_entries_products_product_a_id",
                        column: x => x.product_a_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_affinity_entries_products_product_b_id",
                        column: x => x.product_b_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "expansion_signals",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    org_id = table.Column<long>(type: "INTEGER", nullable: false),
                    account_id = table.Column<long>(type: "INTEGER", nullable: false),
                    target_product_id = table.Column<long>(type: "INTEGER", nullable: false),
                    source_product_id = table.Column<long>(type: "INTEGER", nullable: true),
                    affinity_score = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    affinity_component = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    adoption_readiness = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    health_component = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    propensity_component = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    estimated_arr = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    priority = table.Column<int>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_expansion_signals", x => x.id);
                    table.ForeignKey(
                        name: "fk_expansion_signals_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_expansion_signals_organizations_org_id",
                        column: x => x.org_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_expansion_signals_products_source_product_id",
                        column: x => x.source_product_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_expansion_signals_products_target_product_id",
                        column: x => x.target_product_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_account_products_account_id",
                table: "account_products",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_account_products_org_id_account_id",
                table: "account_products",
                columns: new[] { "org_id", "account_id" });

            migrationBuilder.CreateIndex(
                name: "ix_account_products_org_id_product_id",
                table: "account_products",
                columns: new[] { "org_id", "product_id" });

            migrationBuilder.CreateIndex(
                name: "ix_account_products_product_id",
                table: "account_products",
                column: "product_id");

            migrationBuilder.CreateIndex(
                name: "ix_accounts_org_id_created_at",
                table: "accounts",
                columns: new[] { "org_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_org_id_external_id",
                table: "accounts",
                columns: new[] { "org_id", "external_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_accounts_org_id_owner_id",
                table: "accounts",
                columns: new[] { "org_id", "owner_id" });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_org_id_segment",
                table: "accounts",
                columns: new[] { "org_id", "segment" });

            migrationBuilder.CreateIndex(
                name: "ix_affinity_entries_org_id_segment_product_a_id_product_b_id",
                table: "affinity_entries",
                columns: new[] { "org_id", "segment", "product_a_id", "product_b_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_affinity_entries_product_a_id",
                table: "affinity_entries",
                column: "product_a_id");

            migrationBuilder.CreateIndex(
                name: "ix_affinity_entries_product_b_id",
                table: "affinity_entries",
                column: "product_b_id");

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_org_id_created_at",
                table: "api_keys",
                columns: new[] { "org_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_prefix",
                table: "api_keys",
                column: "prefix",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_org_id_at",
                table: "audit_events",
                columns: new[] { "org_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_auth_sessions_org_id_subject",
                table: "auth_sessions",
                columns: new[] { "org_id", "subject" });

            migrationBuilder.CreateIndex(
                name: "ix_cohort_definitions_org_id_name",
                table: "cohort_definitions",
                columns: new[] { "org_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cohort_definitions_org_id_type_field_value",
                table: "cohort_definitions",
                columns: new[] { "org_id", "cohort_type", "grouping_field", "grouping_value" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cohort_snapshots_cohort_definition_id",
                table: "cohort_snapshots",
                column: "cohort_definition_id");

            migrationBuilder.CreateIndex(
                name: "ix_cohort_snapshots_org_id_cohort_definition_id_period_month",
                table: "cohort_snapshots",
                columns: new[] { "org_id", "cohort_definition_id", "period_month" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_customer_facts_account_id",
                table: "customer_facts",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_customer_facts_counts",
                table: "customer_facts",
                columns: new[] { "org_id", "grain", "account_id", "period", "status", "orders" });

            migrationBuilder.CreateIndex(
                name: "ix_expansion_signals_account_id",
                table: "expansion_signals",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_expansion_signals_org_id_account_id_target_product_id",
                table: "expansion_signals",
                columns: new[] { "org_id", "account_id", "target_product_id" });

            migrationBuilder.CreateIndex(
                name: "ix_expansion_signals_org_id_status_priority",
                table: "expansion_signals",
                columns: new[] { "org_id", "status", "priority" });

            migrationBuilder.CreateIndex(
                name: "ix_expansion_signals_source_product_id",
                table: "expansion_signals",
                column: "source_product_id");

            migrationBuilder.CreateIndex(
                name: "ix_expansion_signals_target_product_id",
                table: "expansion_signals",
                column: "target_product_id");

            migrationBuilder.CreateIndex(
                name: "ix_orders_account_id",
                table: "orders",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_orders_org_id_account_id_placed_at",
                table: "orders",
                columns: new[] { "org_id", "account_id", "placed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_org_id_external_id",
                table: "orders",
                columns: new[] { "org_id", "external_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_orders_org_id_placed_at",
                table: "orders",
                columns: new[] { "org_id", "placed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_org_memberships_org_id_role",
                table: "org_memberships",
                columns: new[] { "org_id", "role" });

            migrationBuilder.CreateIndex(
                name: "ix_org_memberships_subject",
                table: "org_memberships",
                column: "subject",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_organizations_pixel_id",
                table: "organizations",
                column: "pixel_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_organizations_termina_group_id_termina_deal_id",
                table: "organizations",
                columns: new[] { "termina_group_id", "termina_deal_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_products_org_id_external_id",
                table: "products",
                columns: new[] { "org_id", "external_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_products");

            migrationBuilder.DropTable(
                name: "affinity_entries");

            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "auth_sessions");

            migrationBuilder.DropTable(
                name: "cohort_fact_builds");

            migrationBuilder.DropTable(
                name: "cohort_snapshots");

            migrationBuilder.DropTable(
                name: "customer_facts");

            migrationBuilder.DropTable(
                name: "expansion_signals");

            migrationBuilder.DropTable(
                name: "orders");

            migrationBuilder.DropTable(
                name: "org_memberships");

            migrationBuilder.DropTable(
                name: "cohort_definitions");

            migrationBuilder.DropTable(
                name: "products");

            migrationBuilder.DropTable(
                name: "accounts");

            migrationBuilder.DropTable(
                name: "organizations");
        }
    }
}
