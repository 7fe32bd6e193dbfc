#!/usr/bin/env bash
# Adds a migration named $1 to both migration sets (SQLite and PostgreSQL), each generated from its provider's model.
# Run from anywhere: ./src/CohortDashboard.Data/add-migration.sh AddWidgets
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 MigrationName" >&2; exit 2; }
cd "$(dirname "$0")/../.."
dotnet tool restore >/dev/null
dotnet build src/CohortDashboard.Data -nologo -clp:ErrorsOnly
for provider in Sqlite PostgreSql; do
  dotnet ef migrations add "$1" --no-build --project src/CohortDashboard.Data --startup-project src/CohortDashboard.Data \
    --output-dir "Migrations/$provider" -- --provider "$provider"
done
