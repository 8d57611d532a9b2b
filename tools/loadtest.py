"""`make loadtest`: a morning's users against two app servers behind a load balancer (issue 32).

On loopback, as `make scaleout-test` sets it up (tools/scaleout.py): a fresh PostgreSQL
database with the demo data, two gunicorn instances, nginx in front. Then locust's realistic mix
(tools/locustfile.py: executives saving updates, secretaries filtering, board members reading
the dashboard and the board report) through the balancer: LOAD_USERS users (100) arriving over
LOAD_RAMP seconds (120), all of them working on for LOAD_HOLD seconds (60) more.

Passes when every page's 95th percentile is under LOAD_P95_MS (500), no request failed, and
neither server logged an error, a traceback or a worker timeout. Prints each page's figures and
writes loadtest-results.json.
"""

import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import scaleout

USERS = int(os.environ.get("LOAD_USERS", "100"))
RAMP = int(os.environ.get("LOAD_RAMP", "120"))
HOLD = int(os.environ.get("LOAD_HOLD", "60"))
P95_MS = int(os.environ.get("LOAD_P95_MS", "500"))
LOGGED_ERRORS = re.compile(r'WORKER TIMEOUT|Traceback|"level": "(ERROR|CRITICAL)"')


def main():
    nginx = scaleout.ensure_nginx()
    tmp = tempfile.mkdtemp(prefix="uhbplan-load-")
    os.chmod(tmp, 0o777)
    print(f"== Working in {tmp}", flush=True)
    scaleout.fresh_database()
    scaleout.manage("migrate", "--no-input", "-v0")
    scaleout.manage("load_plan")
    scaleout.manage("seed_demo", "--force")
    scaleout.manage("collectstatic", "--no-input", "-v0")
    apps = [scaleout.start_app(port, tmp) for port in scaleout.APPS]
    for port in scaleout.APPS:
        scaleout.wait_until_up(port)
    conf = Path(tmp) / "nginx.conf"
    conf.write_text(
        scaleout.NGINX_CONF.format(
            tmp=tmp, a=scaleout.APPS[0], b=scaleout.APPS[1], port=scaleout.BALANCER
        )
    )
    balancer = subprocess.Popen([nginx, "-c", str(conf), "-p", tmp, "-g", "daemon off;"])
    scaleout.wait_until_up(scaleout.BALANCER)
    print(
        f"== {USERS} users arriving over {RAMP} s, then {HOLD} s more, through nginx to two "
        "app servers",
        flush=True,
    )
    locust = subprocess.run(
        [
            str(scaleout.BIN / "locust"),
            "-f",
            str(scaleout.ROOT / "tools" / "locustfile.py"),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            f"{USERS / RAMP:.3f}",
            "-t",
            f"{RAMP + HOLD}s",
            "--host",
            f"http://127.0.0.1:{scaleout.BALANCER}",
            "--only-summary",
            "--csv",
            str(Path(tmp) / "locust"),
        ],
        cwd=scaleout.ROOT,
    )
    balancer.terminate()
    for app in apps:
        app.terminate()
    for app in apps:
        app.wait(timeout=60)
    balancer.wait(timeout=10)
    sys.exit(report(tmp, locust.returncode))


def report(tmp, locust_code) -> int:
    with open(Path(tmp) / "locust_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    logged = [
        line.strip()
        for port in scaleout.APPS
        for line in (Path(tmp) / f"gunicorn-{port}.log").read_text().splitlines()
        if LOGGED_ERRORS.search(line)
    ]
    pages = [
        {
            "page": f"{row['Type']} {row['Name']}".strip(),
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "median_ms": float(row["Median Response Time"]),
            "p95_ms": float(row["95%"]),
            "max_ms": float(row["Max Response Time"]),
        }
        for row in rows
    ]
    print("| page | requests | failures | median ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for page in pages:
        print(
            f"| {page['page']} | {page['requests']} | {page['failures']} | {page['median_ms']} "
            f"| {page['p95_ms']} | {page['max_ms']} |"
        )
    slow = [p["page"] for p in pages if p["page"] != "Aggregated" and p["p95_ms"] >= P95_MS]
    failures = sum(p["failures"] for p in pages if p["page"] != "Aggregated")
    results = {
        "users": USERS,
        "ramp_seconds": RAMP,
        "hold_seconds": HOLD,
        "app_servers": len(scaleout.APPS),
        "p95_goal_ms": P95_MS,
        "pages": pages,
        "slow_pages": slow,
        "failures": failures,
        "logged_errors": logged[:20],
    }
    (scaleout.ROOT / "loadtest-results.json").write_text(json.dumps(results, indent=2))
    print(f"Wrote loadtest-results.json; the servers' logs are in {tmp}")
    problems = []
    if slow:
        problems.append(f"95th percentile at or over {P95_MS} ms: {', '.join(slow)}")
    if failures or locust_code:
        problems.append(f"{failures} request(s) failed (see the Failure Count column)")
    if logged:
        problems.append(f"the servers logged {len(logged)} error line(s), the first: {logged[0]}")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    main()
