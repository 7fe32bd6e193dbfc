-- The schema main's hand-written migrations (InitialSchema … AuthSessions, removed since) made on Sqlite, captured with
-- 'dotnet ef migrations script -- --provider Sqlite' before they were replaced: the starting point of the upgrade test.
CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "organizations" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_organizations" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL,
    "fiscal_year_start_month" INTEGER NOT NULL,
    "termina_group_id" INTEGER NULL,
    "termina_deal_id" INTEGER NULL,
    "pixel_id" TEXT NULL,
    "churn_definition" TEXT NOT NULL,
    "count_pending_orders" INTEGER NOT NULL,
    "count_voided_orders" INTEGER NOT NULL,
    "refund_date_attribution" TEXT NOT NULL,
    "affinity_high_sample_size" INTEGER NOT NULL,
    "affinity_medium_sample_size" INTEGER NOT NULL,
    "signal_weight_affinity" TEXT NOT NULL,
    "signal_weight_readiness" TEXT NOT NULL,
    "signal_weight_health" TEXT NOT NULL,
    "signal_weight_propensity" TEXT NOT NULL,
    "priority_cutoff1" TEXT NOT NULL,
    "priority_cutoff2" TEXT NOT NULL,
    "priority_cutoff3" TEXT NOT NULL,
    "priority_cutoff4" TEXT NOT NULL,
    "cross_sell_max_products" INTEGER NOT NULL,
    "nrr_warning_below" TEXT NOT NULL,
    "nrr_critical_below" TEXT NOT NULL,
    "health_decline_points" TEXT NOT NULL,
    "churn_acceleration_periods" INTEGER NOT NULL,
    "results_stale_since" TEXT NULL,
    "created_at" TEXT NOT NULL
);

CREATE TABLE "accounts" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_accounts" PRIMARY KEY AUTOINCREMENT,
    "org_id" INTEGER NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "territory" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "user_type" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "arr" TEXT NOT NULL,
    "health_score" INTEGER NOT NULL,
    "risk_score" INTEGER NOT NULL,
    "expansion_propensity" INTEGER NULL,
    CONSTRAINT "fk_accounts_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE TABLE "api_keys" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_api_keys" PRIMARY KEY AUTOINCREMENT,
    "org_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "expires_at" TEXT NULL,
    "revoked_at" TEXT NULL,
    "last_used_at" TEXT NULL,
    "quota_limit" INTEGER NOT NULL,
    "quota_window_seconds" INTEGER NOT NULL,
    CONSTRAINT "fk_api_keys_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE TABLE "audit_events" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_audit_events" PRIMARY KEY AUTOINCREMENT,
    "org_id" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "at" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NULL,
    "before" TEXT NULL,
    "after" TEXT NULL,
    CONSTRAINT "fk_audit_events_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE TABLE "cohort_definitions" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_cohort_definitions" PRIMARY KEY AUTOINCREMENT,
    "org_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "cohort_type" TEXT NOT NULL,
    "grouping_field" TEXT NOT NULL,
    "grouping_value" TEXT NOT NULL,
    "filter_criteria" TEXT NULL,
    "member_count" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_cohort_definitions_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE TABLE "org_memberships" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_org_memberships" PRIMARY KEY AUTOINCREMENT,
    "org_id" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "owner_id" TEXT NULL,
    CONSTRAINT "fk_org_memberships_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE TABLE "products" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_products" PRIMARY KEY AUTOINCREMENT,
    "org_id" INTEGER NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "annual_price" TEXT NOT NULL,
    "is_active" INTEGER NOT NULL,
    CONSTRAINT "fk_products_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE TABLE "orders" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_orders" PRIMARY KEY AUTOINCREMENT,
    "org_id" INTEGER NOT NULL,
    "account_id" INTEGER NOT NULL,
    "external_id" TEXT NOT NULL,
    "placed_at" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "gross_revenue" TEXT NOT NULL,
    "discounts" TEXT NOT NULL,
    "refunded_amount" TEXT NOT NULL,
    "refunded_at" TEXT NULL,
    "cogs" TEXT NOT NULL,
    "shipping_cost" TEXT NOT NULL,
    "fees" TEXT NOT NULL,
    "source_name" TEXT NULL,
    "order_type" TEXT NULL,
    "payment_gateway" TEXT NULL,
    "tags" TEXT NOT NULL,
    "utm_source" TEXT NULL,
    "utm_medium" TEXT NULL,
    "utm_campaign" TEXT NULL,
    "utm_content" TEXT NULL,
    "utm_term" TEXT NULL,
    CONSTRAINT "fk_orders_accounts_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_orders_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE TABLE "cohort_snapshots" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_cohort_snapshots" PRIMARY KEY AUTOINCREMENT,
    "org_id" INTEGER NOT NULL,
    "cohort_definition_id" INTEGER NOT NULL,
    "period_month" TEXT NOT NULL,
    "members" INTEGER NOT NULL,
    "starting_arr" TEXT NOT NULL,
    "total_arr" TEXT NOT NULL,
    "expansion_arr" TEXT NOT NULL,
    "contraction_arr" TEXT NOT NULL,
    "churn_arr" TEXT NOT NULL,
    "churn_count" INTEGER NOT NULL,
    "nrr" TEXT NULL,
    "grr" TEXT NULL,
    "avg_health" TEXT NOT NULL,
    "avg_risk" TEXT NOT NULL,
    "products_per_account" TEXT NOT NULL,
    "adoption_pct" TEXT NOT NULL,
    "computed_at" TEXT NOT NULL,
    CONSTRAINT "fk_cohort_snapshots_cohort_definitions_cohort_definition_id" FOREIGN KEY ("cohort_definition_id") REFERENCES "cohort_definitions" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_cohort_snapshots_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE TABLE "account_products" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_account_products" PRIMARY KEY AUTOINCREMENT,
    "org_id" INTEGER NOT NULL,
    "account_id" INTEGER NOT NULL,
    "product_id" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "start_date" TEXT NOT NULL,
    "end_date" TEXT NULL,
    "contracted_arr" TEXT NOT NULL,
    "seats_licensed" INTEGER NOT NULL,
    "seats_active" INTEGER NOT NULL,
    "adoption_pct" TEXT NOT NULL,
    CONSTRAINT "fk_account_products_accounts_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_account_products_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_account_products_products_product_id" FOREIGN KEY ("product_id") REFERENCES "products" ("id") ON DELETE CASCADE
);

CREATE TABLE "affinity_entries" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_affinity_entries" PRIMARY KEY AUTOINCREMENT,
    "org_id" INTEGER NOT NULL,
    "product_a_id" INTEGER NOT NULL,
    "product_b_id" INTEGER NOT NULL,
    "segment" TEXT NOT NULL,
    "co_adoption_count" INTEGER NOT NULL,
    "co_adoption_rate" TEXT NOT NULL,
    "avg_time_to_cross_sell_days" TEXT NULL,
    "avg_arr_uplift" TEXT NULL,
    "sample_size" INTEGER NOT NULL,
    "confidence" TEXT NOT NULL,
    "lift" TEXT NULL,
    "computed_at" TEXT NOT NULL,
    CONSTRAINT "fk_affinity_entries_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_affinity_entries_products_product_a_id" FOREIGN KEY ("product_a_id") REFERENCES "products" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_affinity_entries_products_product_b_id" FOREIGN KEY ("product_b_id") REFERENCES "products" ("id") ON DELETE CASCADE
);

CREATE TABLE "expansion_signals" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_expansion_signals" PRIMARY KEY AUTOINCREMENT,
    "org_id" INTEGER NOT NULL,
    "account_id" INTEGER NOT NULL,
    "target_product_id" INTEGER NOT NULL,
    "source_product_id" INTEGER NULL,
    "affinity_score" TEXT NOT NULL,
    "affinity_component" TEXT NOT NULL,
    "adoption_readiness" TEXT NOT NULL,
    "health_component" TEXT NOT NULL,
    "propensity_component" TEXT NOT NULL,
    "estimated_arr" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "updated_by" TEXT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_expansion_signals_accounts_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_expansion_signals_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_expansion_signals_products_source_product_id" FOREIGN KEY ("source_product_id") REFERENCES "products" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_expansion_signals_products_target_product_id" FOREIGN KEY ("target_product_id") REFERENCES "products" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_account_products_account_id" ON "account_products" ("account_id");

CREATE INDEX "ix_account_products_org_id_account_id" ON "account_products" ("org_id", "account_id");

CREATE INDEX "ix_account_products_org_id_product_id" ON "account_products" ("org_id", "product_id");

CREATE INDEX "ix_account_products_product_id" ON "account_products" ("product_id");

CREATE INDEX "ix_accounts_org_id_created_at" ON "accounts" ("org_id", "created_at");

CREATE UNIQUE INDEX "ix_accounts_org_id_external_id" ON "accounts" ("org_id", "external_id");

CREATE INDEX "ix_accounts_org_id_owner_id" ON "accounts" ("org_id", "owner_id");

CREATE INDEX "ix_accounts_org_id_segment" ON "accounts" ("org_id", "segment");

CREATE UNIQUE INDEX "ix_affinity_entries_org_id_segment_product_a_id_product_b_id" ON "affinity_entries" ("org_id", "segment", "product_a_id", "product_b_id");

CREATE INDEX "ix_affinity_entries_product_a_id" ON "affinity_entries" ("product_a_id");

CREATE INDEX "ix_affinity_entries_product_b_id" ON "affinity_entries" ("product_b_id");

CREATE INDEX "ix_api_keys_org_id_created_at" ON "api_keys" ("org_id", "created_at");

CREATE UNIQUE INDEX "ix_api_keys_prefix" ON "api_keys" ("prefix");

CREATE INDEX "ix_audit_events_org_id_at" ON "audit_events" ("org_id", "at");

CREATE UNIQUE INDEX "ix_cohort_definitions_org_id_type_field_value" ON "cohort_definitions" ("org_id", "cohort_type", "grouping_field", "grouping_value");

CREATE UNIQUE INDEX "ix_cohort_definitions_org_id_name" ON "cohort_definitions" ("org_id", "name");

CREATE INDEX "ix_cohort_snapshots_cohort_definition_id" ON "cohort_snapshots" ("cohort_definition_id");

CREATE UNIQUE INDEX "ix_cohort_snapshots_org_id_cohort_definition_id_period_month" ON "cohort_snapshots" ("org_id", "cohort_definition_id", "period_month");

CREATE INDEX "ix_expansion_signals_account_id" ON "expansion_signals" ("account_id");

CREATE INDEX "ix_expansion_signals_org_id_account_id_target_product_id" ON "expansion_signals" ("org_id", "account_id", "target_product_id");

CREATE INDEX "ix_expansion_signals_org_id_status_priority" ON "expansion_signals" ("org_id", "status", "priority");

CREATE INDEX "ix_expansion_signals_source_product_id" ON "expansion_signals" ("source_product_id");

CREATE INDEX "ix_expansion_signals_target_product_id" ON "expansion_signals" ("target_product_id");

CREATE INDEX "ix_orders_account_id" ON "orders" ("account_id");

CREATE INDEX "ix_orders_org_id_account_id_placed_at" ON "orders" ("org_id", "account_id", "placed_at");

CREATE UNIQUE INDEX "ix_orders_org_id_external_id" ON "orders" ("org_id", "external_id");

CREATE INDEX "ix_orders_org_id_placed_at" ON "orders" ("org_id", "placed_at");

CREATE INDEX "ix_org_memberships_org_id_role" ON "org_memberships" ("org_id", "role");

CREATE UNIQUE INDEX "ix_org_memberships_subject" ON "org_memberships" ("subject");

CREATE UNIQUE INDEX "ix_organizations_pixel_id" ON "organizations" ("pixel_id");

CREATE UNIQUE INDEX "ix_organizations_termina_group_id_termina_deal_id" ON "organizations" ("termina_group_id", "termina_deal_id");

CREATE UNIQUE INDEX "ix_products_org_id_external_id" ON "products" ("org_id", "external_id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122000000_InitialSchema', '10.0.14');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "cohort_fact_builds" (
    "org_id" INTEGER NOT NULL CONSTRAINT "pk_cohort_fact_builds" PRIMARY KEY,
    "time_zone" TEXT NOT NULL,
    "built_at" TEXT NOT NULL,
    "latest_event_at" TEXT NULL,
    "orders" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,
    CONSTRAINT "fk_cohort_fact_builds_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE TABLE "customer_facts" (
    "org_id" INTEGER NOT NULL,
    "grain" INTEGER NOT NULL,
    "account_id" INTEGER NOT NULL,
    "period" INTEGER NOT NULL,
    "status" INTEGER NOT NULL,
    "orders" INTEGER NOT NULL,
    "gross" INTEGER NOT NULL,
    "discounts" INTEGER NOT NULL,
    "refunds_by_order_date" INTEGER NOT NULL,
    "refunds_by_refund_date" INTEGER NOT NULL,
    "cogs" INTEGER NOT NULL,
    "shipping" INTEGER NOT NULL,
    "fees" INTEGER NOT NULL,
    CONSTRAINT "pk_customer_facts" PRIMARY KEY ("org_id", "grain", "account_id", "period", "status"),
    CONSTRAINT "fk_customer_facts_accounts_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_customer_facts_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_customer_facts_counts" ON "customer_facts" ("org_id", "grain", "account_id", "period", "status", "orders");

CREATE INDEX "ix_customer_facts_account_id" ON "customer_facts" ("account_id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122010000_CohortFacts', '10.0.14');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "organizations" ADD "max_signals_per_account" INTEGER NOT NULL DEFAULT 3;

ALTER TABLE "organizations" ADD "anomaly_min_cohort_size" INTEGER NOT NULL DEFAULT 30;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261204000000_SignalAndAnomalySettings', '10.0.14');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "auth_sessions" (
    "id" TEXT NOT NULL CONSTRAINT "pk_auth_sessions" PRIMARY KEY,
    "org_id" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "ticket" BLOB NOT NULL,
    "created_at" TEXT NOT NULL,
    "last_seen_at" TEXT NOT NULL,
    "expires_at" TEXT NOT NULL,
    "absolute_expires_at" TEXT NOT NULL,
    "user_agent" TEXT NULL,
    CONSTRAINT "fk_auth_sessions_organizations_org_id" FOREIGN KEY ("org_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_auth_sessions_org_id_subject" ON "auth_sessions" ("org_id", "subject");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205000000_AuthSessions', '10.0.14');

COMMIT;

