#!/usr/bin/env bash
# CashRunway retention under wrk (issue 16): requests/s and latency of GET /api/agent/cohorts/retention with the
# answer cache warm, i.e. the cost of the HTTP pipeline (key check, quota, rate limit, frame, JSON) per request.
#
#   bench/wrk/cashrunway-retention.sh /tmp/wrk/s10.db            # a database made by `seed-demo --scale 10`
#
# Environment: PORT (5391), DURATION (20s), WARMUP (20s, an unmeasured wrk run before), THREADS (2),
# CONNECTIONS (16), NO_BUILD=1 to skip the Release build, APP_DLL (another build, e.g. of main, for a before/after
# pair), URL_QUERY (metric=retention), APP_LOG (keep the app's output in this file), APP_ENV (extra "Key=value ..."
# settings for the app, e.g. Limits__HeavyQueriesPerOrg=16 for an experiment).
#
# What it does: builds and starts the app (Release, Production environment) on 127.0.0.1 with the per-client flood
# limit raised (RateLimits__ApiPerMinute; the default 1,200/min would answer 429 after the first 1,200 requests), signs
# in as demo-admin through the demo sign-in form (Auth__AllowDemo=true: the only sign-in a seed-demo database has
# without an identity provider) and creates a CashRunway key (format cr_live, scope READ_SUMMARY, allowance 1,000,000
# per hour, the most Admin → API keys accepts) with POST /api/keys, as the Admin page would. Then one request warms the
# answer cache, wrk runs, and the app's peak RSS (VmHWM) and the load average are printed before the app is stopped.
# The key stays in the database (named "wrk bench <time>"); every run makes its own, so quotas never carry over.
set -euo pipefail
command -v wrk >/dev/null 2>&1 || { echo "wrk is not installed: apt-get install wrk (Debian package)" >&2; exit 1; }

db=${1:?usage: $0 <sqlite file made by seed-demo>}
[[ -f $db ]] || { echo "no such file: $db" >&2; exit 2; }
db=$(realpath "$db")
port=${PORT:-5391}
base="http://127.0.0.1:$port"
repo=$(cd "$(dirname "$0")/../.." && pwd)
dll=${APP_DLL:-"$repo/src/CohortDashboard.Web/bin/Release/net10.0/CohortDashboard.Web.dll"}
work=$(mktemp -d)
app_pid=

stop_app() {
    if [[ -n $app_pid ]] && kill -0 "$app_pid" 2>/dev/null; then
        kill "$app_pid"
        wait "$app_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop_app EXIT

if [[ ${NO_BUILD:-0} != 1 ]]; then
    dotnet build -c Release "$repo/src/CohortDashboard.Web" -nologo -clp:ErrorsOnly >/dev/null
fi

echo "load average before start: $(cat /proc/loadavg)"
# From its own directory, as deployed: the content root (where appsettings.json is read) is the working directory.
# shellcheck disable=SC2086 # APP_ENV is a list of KEY=value words
cd "$(dirname "$dll")"
env ASPNETCORE_ENVIRONMENT=Production Auth__AllowDemo=true Demo__Seed=false \
    RateLimits__ApiPerMinute=100000000 \
    ConnectionStrings__Default="Data Source=$db" ${APP_ENV:-} \
    dotnet "$dll" --urls "$base" >"${APP_LOG:-$work/app.log}" 2>&1 &
app_pid=$!

# Start-up migrates and may build the columnar store; /healthz answers 200 once the app serves.
for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$base/healthz" && break
    kill -0 "$app_pid" 2>/dev/null || { cat "${APP_LOG:-$work/app.log}" >&2; exit 1; }
    sleep 1
done

# Demo sign-in posts a form with an antiforgery token. The cookies are passed by hand: outside Development the sign-in
# cookie is Secure, which curl's cookie jar would not send back over plain http.
cookies() { grep -i '^set-cookie:' "$1" | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*).*/\1/' | paste -sd ';' -; }
curl -fs -D "$work/signin.h" -o "$work/signin.html" "$base/signin"
token=$(grep -o 'name="__RequestVerificationToken" value="[^"]*"' "$work/signin.html" | head -1 | sed -E 's/.*value="([^"]*)"/\1/')
curl -fs -D "$work/demo.h" -o /dev/null -H "Cookie: $(cookies "$work/signin.h")" \
    --data-urlencode subject=demo-admin --data-urlencode returnUrl=/ --data-urlencode "__RequestVerificationToken=$token" \
    "$base/signin/demo"
session=$(cookies "$work/demo.h")
[[ $session == *.CohortDashboard.Auth* ]] || { echo "demo sign-in failed" >&2; cat "$work/demo.h" >&2; exit 1; }

# Cookie-authenticated writes must come from our own origin (the CSRF rule), as the Admin page's would.
key=$(curl -fs -H "Cookie: $session" -H "Origin: $base" -H "Content-Type: application/json" \
    -d "{\"name\":\"wrk bench $(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"format\":\"cr_live\",\"scopes\":[\"READ_SUMMARY\"],\"quota_limit\":1000000,\"quota_window_hours\":1}" \
    "$base/api/keys" | jq -r .key)
[[ $key == cr_live_* ]] || { echo "key creation failed" >&2; exit 1; }

url="$base/api/agent/cohorts/retention?${URL_QUERY:-metric=retention}"
echo "warm-up: $(curl -s -o "$work/warm.json" -w '%{http_code} in %{time_total} s' -H "Authorization: Bearer $key" "$url"), $(wc -c <"$work/warm.json") bytes"
echo "second:  $(curl -s -o /dev/null -w '%{http_code} in %{time_total} s' -H "Authorization: Bearer $key" "$url")"
# An unmeasured run first, as long as the measured one: under load the tiered JIT was still recompiling hot methods
# (thousands of them) 10 s into a run that followed a 5 s warm-up.
wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-16}" -d"${WARMUP:-20s}" -H "Authorization: Bearer $key" "$url" >/dev/null

# The app's CPU time (user + system, clock ticks) over the run: per request it is less at the mercy of other
# processes on a shared machine than requests/s is.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$app_pid/stat"; }
echo "load average before wrk: $(cat /proc/loadavg)"
cpu_before=$(cpu_ticks)
wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-16}" -d"${DURATION:-20s}" --latency -H "Authorization: Bearer $key" "$url" | tee "$work/wrk.txt"
cpu_after=$(cpu_ticks)
echo "load average after wrk:  $(cat /proc/loadavg)"
requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
echo "app CPU during wrk: $(( (cpu_after - cpu_before) * 1000 / $(getconf CLK_TCK) )) ms, $(awk -v t=$((cpu_after - cpu_before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f", t * 1000 / hz / n}') ms per request"
echo "app peak RSS: $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$app_pid/status")"
echo "last answer: $(curl -s -D - -o /dev/null -H "Authorization: Bearer $key" "$url" | grep -i -E '^(HTTP|x-cashrunway-quota-remaining)' | tr -d '\r' | paste -sd ' ' -)"
