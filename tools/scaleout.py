"""`make scaleout-test`: two stateless app servers behind a real load balancer, one PostgreSQL.

On loopback: a fresh PostgreSQL database with the demo data, two gunicorn instances, nginx in
front (installed from Debian if missing), and a bounded locust mix through nginx. Part-way
through, one instance is stopped (gracefully, as a deploy or a failed host would) and started
again. Then the database is counted:

- every save the server acknowledged is in the update history exactly once (none lost, none
  duplicated), and none is there that was not acknowledged twice;
- no 5xx answers beyond requests in flight at the moment of the stop;
- no request bounced to the sign-in page (sessions live in the database, so they survive);
- reminders run on both instances at once send each message once.

Prints a summary, writes scaleout-results.json, and exits non-zero if any check fails.
"""

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PG = os.environ.get("SCALEOUT_PG_URL", "postgres://postgres@127.0.0.1:5432/uhbplan_scaleout")
USERS = os.environ.get("SCALEOUT_USERS", "20")
SECONDS = int(os.environ.get("SCALEOUT_SECONDS", "60"))
BALANCER, APPS = 8770, (8771, 8772)

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log {tmp}/nginx-access.log;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream uhbplan {{
    server 127.0.0.1:{a} max_fails=1 fail_timeout=2s;
    server 127.0.0.1:{b} max_fails=1 fail_timeout=2s;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://uhbplan;
      proxy_set_header Host $host:$server_port;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # A server that refuses the connection (stopped) is skipped. A request already sent is
      # never sent again unless it is safe to repeat (nginx's default for POST), so a save is
      # never made twice.
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
    }}
  }}
}}
"""


def env():
    return {
        **os.environ,
        "UHBPLAN_ENV_FILE": "",
        "DEBUG": "0",
        "SECRET_KEY": "scale-out-test-only-key",
        "DATABASE_URL": PG,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{BALANCER}",
        "TRUSTED_PROXY_COUNT": "1",
        "AXES_FAILURE_LIMIT": "1000",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    }


def manage(*args, extra=None):
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env={**env(), **(extra or {})},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def shell(code) -> str:
    """The last line `manage.py shell -c code` prints, against the test's database."""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


def ensure_nginx():
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        return shutil.which("nginx") or "/usr/sbin/nginx"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("nginx is needed: install it (apt-get install -y nginx) and run again.")
    print("Installing nginx from Debian...", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=False)
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], check=True)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def fresh_database():
    name, base = PG.rsplit("/", 1)[1], PG.rsplit("/", 1)[0]
    host = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", "--if-exists", *host, name], check=True)
    subprocess.run(["createdb", *host, name], check=True)
    return f"{base}/{name}"


def start_app(port, tmp):
    log = open(Path(tmp) / f"gunicorn-{port}.log", "a")  # noqa: SIM115 (open while it runs)
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "uhbplan.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--threads",
            "2",
            "--graceful-timeout",
            "20",
        ],
        cwd=ROOT,
        env=env(),
        stdout=log,
        stderr=log,
    )


def wait_until_up(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"The app server on port {port} did not start.")


def count_saves(tokens):
    """How many history rows hold each acknowledged token, and how many tokens are stored
    that nobody was told were saved (a save made twice would show as a count of 2)."""
    code = (
        "import json,sys,re;"
        "from deliverables.models import StatusUpdate;"
        "rows=StatusUpdate.history.filter(narrative__contains='scaleout-')"
        ".values_list('narrative','history_type');"
        "seen={};"
        "[seen.__setitem__(t,seen.get(t,0)+1) for n,h in rows if h in '+~' "
        "for t in re.findall(r'scaleout-[0-9a-f]+',n)];"
        "print(json.dumps(seen))"
    )
    seen = json.loads(shell(code))
    # A history row is written for each save; a conflict-free save of the same text again
    # would be a second row: the duplicates this test looks for.
    lost = [t for t in tokens if seen.get(t, 0) == 0]
    duplicated = [t for t in tokens if seen.get(t, 0) > 1]
    unacknowledged = [t for t in seen if t not in tokens]
    return lost, duplicated, unacknowledged


def _near(failure, moment, seconds=3) -> bool:
    """Whether a failure was only seen within `seconds` of `moment` (locust's UTC times)."""
    from datetime import datetime

    def at(text):
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()

    first, last = at(failure["First Seen"]), at(failure["Last Seen"])
    return moment - seconds <= first and last <= moment + seconds


def reminders_once(tmp):
    """Both instances' schedulers run the reminders at the same moment: each message once."""
    mail = Path(tmp) / "mail"
    mail.mkdir()
    extra = {"EMAIL_FILE_PATH": str(mail)}
    day = shell(
        "from objectives.models import Quarter;"
        "print(Quarter.objects.current().deadline.isoformat())"
    )
    runs = [
        subprocess.Popen(
            [PYTHON, "manage.py", "send_reminders", "--today", day],
            cwd=ROOT,
            env={**env(), **extra},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    for run in runs:
        run.wait()
    sent = sum(len(re.findall(r"^Subject: ", p.read_text(), re.M)) for p in mail.iterdir())
    recorded = shell(
        "from assurance.models import SentReminder;print(SentReminder.objects.count())"
    )
    return sent, int(recorded), [run.returncode for run in runs]


def main():
    nginx = ensure_nginx()
    tmp = tempfile.mkdtemp(prefix="uhbplan-scaleout-")
    os.chmod(tmp, 0o777)
    saves_log = Path(tmp) / "saves.log"
    print(f"== Working in {tmp}", flush=True)
    fresh_database()
    manage("migrate", "--no-input", "-v0")
    manage("load_plan")
    manage("seed_demo", "--force")
    manage("collectstatic", "--no-input", "-v0")
    apps = {port: start_app(port, tmp) for port in APPS}
    for port in APPS:
        wait_until_up(port)
    conf = Path(tmp) / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, a=APPS[0], b=APPS[1], port=BALANCER))
    balancer = subprocess.Popen([nginx, "-c", str(conf), "-p", tmp, "-g", "daemon off;"])
    wait_until_up(BALANCER)
    print(f"== Two app servers behind nginx; locust: {USERS} users, {SECONDS} s", flush=True)
    locust = subprocess.Popen(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "tools" / "scaleout_locustfile.py"),
            "--headless",
            "-u",
            USERS,
            "-r",
            "10",
            "-t",
            f"{SECONDS}s",
            "--host",
            f"http://127.0.0.1:{BALANCER}",
            "--only-summary",
            "--csv",
            str(Path(tmp) / "locust"),
        ],
        cwd=ROOT,
        env={**os.environ, "SAVES_LOG": str(saves_log)},
    )
    time.sleep(SECONDS / 3)
    stopped_at = time.time()
    print(f"== Stopping the app server on {APPS[0]} (SIGTERM: in-flight requests finish)")
    apps[APPS[0]].send_signal(signal.SIGTERM)
    apps[APPS[0]].wait(timeout=60)
    time.sleep(SECONDS / 6)
    print(f"== Starting it again after {time.time() - stopped_at:.0f} s", flush=True)
    apps[APPS[0]] = start_app(APPS[0], tmp)
    wait_until_up(APPS[0])
    locust.wait()
    balancer.terminate()
    for app in apps.values():
        app.terminate()
    for app in apps.values():
        app.wait(timeout=60)
    balancer.wait(timeout=10)

    tokens = saves_log.read_text().split() if saves_log.exists() else []
    lost, duplicated, unacknowledged = count_saves(tokens)
    with open(Path(tmp) / "locust_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    with open(Path(tmp) / "locust_failures.csv", newline="") as failures:
        failed = list(csv.DictReader(failures))
    # 5xx answers, and when: only those at the moment of the stop are allowed.
    errors_5xx = [f for f in failed if re.search(r"\b5\d\d\b", f["Error"])]
    server_errors = sum(int(f["Occurrences"]) for f in errors_5xx)
    outside = [f for f in errors_5xx if not _near(f, stopped_at)]
    signed_out = sum(int(f["Occurrences"]) for f in failed if "signed out" in f["Error"])
    sent, recorded, codes = reminders_once(tmp)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    results = {
        "users": int(USERS),
        "seconds": SECONDS,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "server_errors": server_errors,
        "server_errors_away_from_the_stop": sum(int(f["Occurrences"]) for f in outside),
        "signed_out": signed_out,
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "saves_acknowledged": len(tokens),
        "saves_lost": len(lost),
        "saves_duplicated": len(duplicated),
        "saves_unacknowledged_in_database": len(unacknowledged),
        "reminders_sent": sent,
        "reminders_recorded": recorded,
        "reminder_runs_exit_codes": codes,
        "by_request": [
            {
                "name": r["Name"],
                "requests": int(r["Request Count"]),
                "failures": int(r["Failure Count"]),
                "p50_ms": float(r["50%"]),
                "p95_ms": float(r["95%"]),
            }
            for r in rows
            if r["Name"] != "Aggregated"
        ],
        "failures_detail": failed,
    }
    (ROOT / "scaleout-results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps({k: v for k, v in results.items() if k != "by_request"}, indent=2))
    checks = {
        "no acknowledged save lost": not lost,
        "no save made twice": not duplicated,
        "no session lost": signed_out == 0,
        # Requests in flight at the stop finish (graceful); new ones go to the other server.
        "no 5xx beyond requests in flight at the stop": not outside,
        "each reminder sent once": sent == recorded > 0 and all(code == 0 for code in codes),
        "some saves were made": len(tokens) > 0,
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}: {name}")
    print(f"Logs in {tmp}; figures in scaleout-results.json")
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
