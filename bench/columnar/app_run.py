#!/usr/bin/env python3
"""Times cohort questions through the running app (Upstack's route, HTTP on 127.0.0.1) and reports the app's peak
working set (VmHWM). The answer cache is off, so every call is computed.

usage: bench/columnar/app_run.py <sqlite-file> [runs]    (build first: dotnet build -c Release src/CohortDashboard.Web)

The app runs in Development (demo key `cdk_demo_local`, no identity provider), Release build, without demo seeding. The
first call waits for the columnar store (built at start-up when missing: that build is timed separately).
"""
import datetime, json, os, statistics, subprocess, sys, time, urllib.request

db = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
port = int(os.environ.get("PORT", "5399"))
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
app = os.path.join(root, "src/CohortDashboard.Web/bin/Release/net10.0/CohortDashboard.Web.dll")
env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Development", Demo__Seed="false", Demo__ApiKey="cdk_demo_local",
           Cohorts__AnswerCacheMegabytes="0", ConnectionStrings__Default=f"Data Source={db}",
           Logging__LogLevel__Default="Warning", Limits__QueryTimeoutSeconds="120")
log = open(f"/tmp/app_run_{port}.log", "w")
started = time.monotonic()
proc = subprocess.Popen(["dotnet", app, "--urls", f"http://127.0.0.1:{port}"], env=env, stdout=log, stderr=log)


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def peak_mib():
    for line in open(f"/proc/{proc.pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return -1


def post(body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/db-mgmt/api/query-cohort-analysis", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "x-api-key": "cdk_demo_local", "x-pixel-id": "demo-pixel"})
    t = time.monotonic()
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
        assert response.status == 200, response.status
    return (time.monotonic() - t) * 1000


try:
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            break
        except Exception:
            if proc.poll() is not None:
                sys.exit("the app exited; see " + log.name)
            time.sleep(0.5)
    print(f"app up after {time.monotonic() - started:.1f} s, load {load()}")
    today = datetime.date.today()
    month_start = today.replace(day=1)
    y, m = month_start.year, month_start.month - 11
    while m < 1:
        y, m = y - 1, m + 12
    start, end = datetime.date(y, m, 1).isoformat(), today.isoformat()
    week_start = (today - datetime.timedelta(days=today.weekday()) - datetime.timedelta(weeks=11)).isoformat()
    web = {"and": [{"field": "orders.source_name", "op": "equals", "value": "web"}]}
    smb = {"and": [{"field": "account.segment", "op": "equals", "value": "SMB"}]}

    def question(measures, granularity="month", since=start, **extra):
        return dict({"pixelId": "demo-pixel", "granularity": granularity, "measures": measures,
                     "dateRange": {"start": since, "end": end}}, **extra)

    cases = [
        ("monthly 12x12 retention", question(["orders.cohort_retention_percent"])),
        ("monthly 12x12 retention, account.segment = SMB", question(["orders.cohort_retention_percent"], filters=smb)),
        ("monthly 12x12 LTV", question(["orders.ltv_cohort_net_revenue"])),
        ("weekly 12x12 retention", question(["orders.cohort_retention_percent"], "week", week_start)),
        ("monthly 12x12 retention, Asia/Tokyo", question(["orders.cohort_retention_percent"], timezone="Asia/Tokyo")),
        ("monthly 12x12 LTV, Asia/Tokyo", question(["orders.ltv_cohort_net_revenue"], timezone="Asia/Tokyo")),
        ("monthly 12x12 retention, orders.source_name = web", question(["orders.cohort_retention_percent"], filters=web)),
        ("monthly 12x12 retention, orders.customer_type = new_customer",
         question(["orders.cohort_retention_percent"], filters={"and": [{"field": "orders.customer_type", "op": "equals", "value": "new_customer"}]})),
        ("monthly 12x12 LTV, orders.tags array_includes vip",
         question(["orders.ltv_cohort_net_revenue"], filters={"and": [{"field": "orders.tags", "op": "array_includes", "value": "vip"}]})),
        ("Upstack: 3 measures, orders.source_name = web",
         question(["orders.customers_cohort", "orders.ltv_cohort_net_revenue", "orders.avg_order_value_cohort"], filters=web)),
    ]
    first = post(cases[0][1])
    print(f"first call (waits for the columnar store if it is being built): {first:,.0f} ms, load {load()}")
    for name, body in cases:
        times = sorted(post(body) for _ in range(runs))
        print(f"{name:<62} p50 {statistics.median(times):7,.0f} ms  max {times[-1]:7,.0f} ms  (load {load()})")
    print(f"app peak working set (VmHWM) {peak_mib()} MiB")
finally:
    proc.terminate()
    proc.wait(timeout=30)
