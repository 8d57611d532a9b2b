"""The settings module and its documentation agree, and local commands find their settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _read_by_settings() -> set[str]:
    source = (ROOT / "uhbplan" / "settings.py").read_text(encoding="utf-8")
    names = set(
        re.findall(r"""(?:env_bool|env_list|environ\.get)\(\s*"([A-Z][A-Z0-9_]*)\"""", source)
    )
    # dj_database_url.config() reads DATABASE_URL itself.
    if "dj_database_url.config(" in source:
        names.add("DATABASE_URL")
    return names


def _documented() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_env_example_lists_exactly_what_the_settings_read():
    assert _read_by_settings() == _documented()


def test_the_scan_finds_settings():
    assert {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"} <= _read_by_settings()


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _bare_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.pop("UHBPLAN_ENV_FILE", None)
    return env | {"DJANGO_SETTINGS_MODULE": "uhbplan.settings"} | extra


class TestLocalEnvFile:
    SHOW = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"

    def test_dev_env_file_lets_local_commands_start(self, tmp_path):
        env_file = tmp_path / ".env"
        subprocess.run([sys.executable, "tools/dev_env.py", str(env_file)], cwd=ROOT, check=True)
        assert "DEBUG=1" in env_file.read_text() and "SECRET_KEY=dev-" in env_file.read_text()
        done = _run(self.SHOW, _bare_env(UHBPLAN_ENV_FILE=str(env_file)))
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "True"

    def test_real_environment_variables_win(self, tmp_path):
        env_file = tmp_path / ".env"
        env_file.write_text("# comment\nDEBUG=1\nSECRET_KEY=from-file\n")
        done = _run(self.SHOW, _bare_env(UHBPLAN_ENV_FILE=str(env_file), DEBUG="0"))
        assert done.stdout.strip() == "False"

    def test_without_the_file_production_still_needs_a_key(self, tmp_path):
        done = _run(self.SHOW, _bare_env(UHBPLAN_ENV_FILE=str(tmp_path / "missing")))
        assert done.returncode != 0
        assert "SECRET_KEY must be set when DEBUG is off" in done.stderr

    def test_an_existing_file_is_never_overwritten(self, tmp_path):
        env_file = tmp_path / ".env"
        env_file.write_text("SECRET_KEY=mine\n")
        subprocess.run([sys.executable, "tools/dev_env.py", str(env_file)], cwd=ROOT, check=True)
        assert env_file.read_text() == "SECRET_KEY=mine\n"


class TestPostgresPlanner:
    """Issue 32: at PostgreSQL's default cost of a random read (4, for spinning disks) the
    planner read all ten years' deliverables to find the current plan's (the list's count 8 ms
    against 2 ms after one year); each connection asks for 1.1, as for SSDs (ADR 23)."""

    SHOW = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options'))"
    )
    URL = "postgres://uhbplan@127.0.0.1:5432/uhbplan"

    def _options(self, **extra):
        return _run(self.SHOW, _bare_env(SECRET_KEY="k", DATABASE_URL=self.URL, **extra))

    def test_each_connection_prices_a_random_read_as_on_an_ssd(self):
        assert self._options().stdout.strip() == "-c random_page_cost=1.1"

    def test_a_deployment_may_choose_its_own_or_the_servers(self):
        assert (
            self._options(DATABASE_RANDOM_PAGE_COST="2").stdout.strip() == "-c random_page_cost=2"
        )
        assert self._options(DATABASE_RANDOM_PAGE_COST="").stdout.strip() == "None"

    def test_options_in_the_url_are_kept(self):
        url = self.URL + "?options=-c%20statement_timeout%3D5000"
        done = _run(self.SHOW, _bare_env(SECRET_KEY="k", DATABASE_URL=url))
        assert done.stdout.strip() == "-c statement_timeout=5000 -c random_page_cost=1.1"

    @pytest.mark.parametrize("value", ["fast", "0", "-1", "nan"])
    def test_a_value_that_is_not_a_cost_stops_the_start_with_a_clear_message(self, value):
        done = self._options(DATABASE_RANDOM_PAGE_COST=value)
        assert done.returncode != 0
        assert "DATABASE_RANDOM_PAGE_COST must be a positive number such as 1.1" in done.stderr

    def test_the_sqlite_default_has_no_such_option(self):
        done = _run(self.SHOW, _bare_env(SECRET_KEY="k", DATABASE_URL="sqlite:///x.sqlite3"))
        assert "random_page_cost" not in done.stdout


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_postgresql_connections_use_it():
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
