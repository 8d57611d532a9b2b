"""The embedded default database under concurrent saves: one save wins, the others get the
conflict page, and nobody gets an error (issue 13: 4-9 of 10 got "database is locked")."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ten_simultaneous_saves_on_a_sqlite_file(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "insecure-test-only-key",
        "DEBUG": "0",
        "UHBPLAN_ENV_FILE": "",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "ERROR",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.sqlite_writers", "10"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    statuses = [r["status"] for r in outcome["results"]]
    assert statuses.count(302) == 1, outcome  # one save
    conflicts = [r for r in outcome["results"] if r["status"] == 200]
    assert len(conflicts) == 9 and all(r["conflict"] for r in conflicts), outcome
    assert len(outcome["stored"]) == 1 and outcome["stored"][0][1] == 1
    assert outcome["journal_mode"] == "wal"  # readers do not block the writer
