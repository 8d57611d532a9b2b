"""uhbplan is a package like any other (issue 26): its wheel holds every app, with its templates,
static files and migrations, and an installed copy sets up and checks from any folder; and its
dependencies install only from the hash-locked lists."""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
OUR_APPS = [
    app for app in settings.INSTALLED_APPS if "." not in app and (ROOT / app / "apps.py").exists()
]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pinned(lock: Path) -> dict[str, str]:
    """name -> the lines pinning it, with their hashes."""
    text = lock.read_text()
    return {
        match[1].lower().replace("_", "-"): match[0]
        for match in re.finditer(
            r"^([A-Za-z0-9_.-]+)==\S+(?: \\\n\s+--hash=sha256:\w+)+", text, re.M
        )
    }


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", []), ("requirements-dev.lock", ["dev"])]
)
def test_the_locks_pin_every_dependency_with_its_hash(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + [
        requirement for extra in extras for requirement in project["optional-dependencies"][extra]
    ]
    pinned = _pinned(ROOT / lock)
    assert {_name(requirement) for requirement in wanted} - set(pinned) == set()
    # Nothing in the lock without a hash (pip refuses the whole file then).
    unhashed = re.findall(r"^[A-Za-z0-9_.-]+==\S+\s*$", (ROOT / lock).read_text(), re.M)
    assert unhashed == []


def test_every_app_is_packaged():
    found = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = found["packages"]["find"]["include"]
    assert {app for app in [*OUR_APPS, "uhbplan"] if f"{app}*" not in patterns} == set()


LEFT_OUT = (".git", ".venv", "node_modules", "build", "*.egg-info", "staticfiles", "*.sqlite3")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel, installed into a new virtual environment that borrows the locked dependencies
    (not the project: the repository is on no path of it)."""
    build = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so the build leaves nothing in the working tree.
    source = build / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["-w", str(build), str(source)],
        check=True,
        cwd=build,
        capture_output=True,
    )
    wheel = next(build.glob("uhbplan-*.whl"))
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=False)
    python = home / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + [str(wheel)],
        check=True,
        capture_output=True,
    )
    site = next((home / "lib").glob("python3*/site-packages"))
    # Only this folder's packages, not its .pth files: the editable install of the project in
    # the development environment stays out of reach.
    (site / "locked_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python, site


def _run(python, *args, cwd):
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "packaging-test-only",
        "DEBUG": "0",
        "UHBPLAN_ENV_FILE": "",
        "DATABASE_URL": f"sqlite:///{cwd / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "localhost",
    }
    return subprocess.run(
        [str(python), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_an_installed_wheel_sets_up_checks_and_migrates_from_another_folder(installed, tmp_path):
    python, site = installed
    check = _run(python, "-m", "uhbplan", "check", cwd=tmp_path)
    # No errors; the repository's own static folders (static/, node_modules/) are not in the
    # wheel, and the check says so as warnings: the image serves them from its copy.
    assert check.returncode == 0, check.stderr
    assert "ERRORS" not in check.stderr and "staticfiles.W004" in check.stderr
    where = _run(
        python,
        "-c",
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'uhbplan.settings';"
        "django.setup(); from django.apps import apps;"
        "from django.template.loader import get_template;"
        "[get_template(name) for name in ('reporting/dashboard.html', 'planning/quarters.html',"
        " 'accounts/people_list.html', 'nhsuk/field.html')];"
        f"print('\\n'.join(apps.get_app_config(app).path for app in {OUR_APPS!r}))",
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    paths = where.stdout.split()
    assert len(paths) == len(OUR_APPS)
    assert all(path.startswith(str(site)) for path in paths), paths
    migrate = _run(python, "-m", "uhbplan", "migrate", "--no-input", cwd=tmp_path)
    assert migrate.returncode == 0, migrate.stderr
    assert "Applying reporting.0001_initial... OK" in migrate.stdout
