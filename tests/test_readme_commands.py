"""Every `python manage.py ...` command the README shows works as written after `make run`.

`make run` writes a git-ignored .env (DEBUG on, a generated key); here the same script writes
one to a temporary place, and each command runs in a fresh process with no SECRET_KEY or DEBUG
in its environment, as a developer's shell has after `make run`. Only the database is moved, to
a temporary SQLite file, so the developer's own is never touched.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Interactive or long-running; each is run by `make run` or has its own test elsewhere.
NOT_RUN_HERE = {
    "createsuperuser": "interactive",
    "runserver": "serves until stopped",
    "collectstatic": "needs the front-end assets (tests/test_security.py runs it)",
    "generate_scale_data": "slow; tests/test_scale.py runs it",
    "bench": "slow; tests/test_scale.py runs it",
    "export_board_record": "renders every record's PDF; tests/reporting/test_board_record.py",
}
# Placeholders for a file the reader has and a fresh demo has not.
NEEDS_A_FILE = {"FILE.pdf": "a board report PDF; tests/reporting/test_board_record.py"}


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("python manage.py "):
                commands.append(line.removeprefix("python manage.py "))
    for inline in re.findall(r"`python manage\.py ([^`]+)`", text):
        commands.append(inline.strip())
    return list(dict.fromkeys(commands))


def _concrete(command: str) -> list[str]:
    """The README's placeholders filled in: a demo account, optional parts left out."""
    command = command.replace("USERNAME", "viewer").replace("YYYY-MM-DD", "2021-10-08")
    command = re.sub(r"\[([^\]]*)\]", r"\1", command)  # [--dry-run] [--today ...] -> both
    # Files the README names are in the repository: commands run from its root.
    return [
        str(ROOT / arg) if arg.startswith(("docs/", "fixtures/")) else arg
        for arg in shlex.split(command)
    ]


@pytest.fixture(scope="module")
def after_make_run(tmp_path_factory):
    home = tmp_path_factory.mktemp("after-make-run")
    env_file = home / ".env"
    subprocess.run([sys.executable, "tools/dev_env.py", str(env_file)], cwd=ROOT, check=True)
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env |= {"UHBPLAN_ENV_FILE": str(env_file), "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}"}

    def run(*args):
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=home,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    steps = (["make_signing_key"], ["migrate", "--no-input"], ["load_plan"], ["seed_demo"])
    for step in steps:  # what make run does
        done = run(*step)
        assert done.returncode == 0, done.stderr
    return run


def test_the_readme_shows_commands():
    names = {_concrete(c)[0] for c in readme_commands()}
    assert {
        "migrate",
        "load_plan",
        "export_plan",
        "assign_role",
        "send_reminders",
        "spc",
        "import_plan",
    } <= names


def _writers_of(args: list[str]) -> list[list[str]]:
    """The README's commands that write a file `args` reads (`--output NAME`), which a reader
    has run first. Each command is its own test, and the suite's workers each have their own
    demo: `import_baf baf.xlsx` failed whenever another worker had run the export."""
    writers = []
    for command in readme_commands():
        other = _concrete(command)
        if "--output" in other[:-1] and other[other.index("--output") + 1] in args[1:]:
            writers.append(other)
    return writers


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_works_after_make_run(after_make_run, command):
    args = _concrete(command)
    if args[0] in NOT_RUN_HERE:
        pytest.skip(f"{args[0]}: {NOT_RUN_HERE[args[0]]}")
    for placeholder, why in NEEDS_A_FILE.items():
        if placeholder in args:
            pytest.skip(f"{args[0]} needs {why}")
    for writer in _writers_of(args):
        written = after_make_run(*writer)
        assert written.returncode == 0, f"{' '.join(writer)}\n{written.stderr[-2000:]}"
    done = after_make_run(*args)
    assert done.returncode == 0, f"{command}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr


def test_the_readme_reminders_example_names_what_people_owe(after_make_run):
    """Issue 27: the example once named a date in 2021, which the demo had left behind, and sent
    nothing. It now works whenever the demo was made."""
    (example,) = [c for c in readme_commands() if "--days-before-deadline 7" in c]
    done = after_make_run(*_concrete(example))
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("Would send to ")]
    assert any(line.startswith("Would send to cdo ") for line in lines)
    assert all(re.search(r": \d+\.\d+(, \d+\.\d+)*$", line) for line in lines), lines
    after = after_make_run("send_reminders", "--dry-run", "--days-before-deadline", "-1")
    assert "Would send to admin " in after.stdout
