#!/usr/bin/env bash
# Runs every test (unit, data, HTTP, browser) from a fresh clone. Installs what a new machine lacks:
# Debian's chromium (browser tests), PostgreSQL (started on loopback for the PostgreSQL tests) and faketime (the
# moved-clock runs) via apt, and the npm packages of the test identity provider.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1; then
  echo "==> Installing chromium (browser tests)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v faketime >/dev/null 2>&1; then
  echo "==> Installing faketime (the moved-clock run)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
fi
command -v npm >/dev/null 2>&1 || { echo "npm is required (Node.js 20+) to run the test identity provider." >&2; exit 1; }
# The loopback OpenID Connect provider the sign-in tests run (npm oidc-provider, lockfile committed).
echo "==> Installing the test identity provider (tests/oidc-provider)"
(cd tests/oidc-provider && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# A throwaway PostgreSQL server on loopback for the PostgreSQL tests (unless one is given in the environment).
if [ -z "${COHORTDASHBOARD_TEST_POSTGRES:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pg_bin" ]; then
    echo "==> Installing PostgreSQL (PostgreSQL tests)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  pg_dir=$(mktemp -d /tmp/cohortdashboard-pg.XXXXXX)
  pg_port=$(( 20000 + RANDOM % 20000 ))
  as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" -eq 0 ] && chown postgres "$pg_dir"
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-h 127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  trap 'as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1; rm -rf "$pg_dir"' EXIT
  export COHORTDASHBOARD_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
  echo "==> PostgreSQL on 127.0.0.1:$pg_port"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$(pwd)/.test-results"
rm -rf "$results" && mkdir -p "$results"

echo "==> Building"
dotnet build CohortDashboard.sln -nologo -clp:ErrorsOnly

status=0
for project in tests/CohortDashboard.Analytics.Tests tests/CohortDashboard.Data.Tests tests/CohortDashboard.Web.Tests tests/CohortDashboard.Components.Tests tests/CohortDashboard.Browser.Tests; do
  name=$(basename "$project")
  echo "==> $name"
  if ! dotnet test "$project" --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" 2>&1 | tee "$results/$name.log"; then
    status=1
  fi
done

# The clock guard: no test may depend on the day it runs. The analytics and web tests run again with the whole
# process clock moved (libfaketime; it ticks on from there) to two instants where date bugs hide: the first day of a
# month (the newest cohort is last month's, whose next period has just started) and 23:30 in New York on New Year's
# Eve (already the next day, month and year in UTC and Berlin).
for instant in "2027-03-01 12:00:00" "2028-01-01 04:30:00"; do
  for project in tests/CohortDashboard.Analytics.Tests tests/CohortDashboard.Web.Tests; do
    name="$(basename "$project")@${instant//[: ]/-}"
    echo "==> $name (clock moved to $instant UTC)"
    if ! TZ=UTC faketime -f "@$instant" dotnet test "$project" --no-build --nologo --logger "trx;LogFileName=$name.trx" \
        --results-directory "$results" 2>&1 | tee "$results/$name.log"; then
      status=1
    fi
  done
done

# One closing line over every runner: "N passed, N failed, N skipped".
passed=0; failed=0; skipped=0
for log in "$results"/*.log; do
  line=$(grep -E '(Passed|Failed)!  - Failed:' "$log" | tail -n 1 || true)
  [ -z "$line" ] && { echo "No test summary in $(basename "$log"): the runner did not finish." >&2; status=1; continue; }
  f=$(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<<"$line"); p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line"); s=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done
[ "$failed" -gt 0 ] && status=1
[ "$passed" -eq 0 ] && status=1
echo
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
