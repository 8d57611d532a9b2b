"""The settings module and its documentation agree, and local commands find their settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

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
