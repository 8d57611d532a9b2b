"""The apps build on each other one way: common ← objectives ← deliverables ← assurance ← core.

A lower app never names a higher one: not in an import, not as a model label in a string (a
relation, a permission, a URL name's module), and not as a migration dependency. Templates
do not name a higher app's URLs either.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["common", "objectives", "deliverables", "assurance", "core"]
HIGHER = {app: ORDER[index + 1 :] for index, app in enumerate(ORDER)}


def _python_files(app):
    return sorted((ROOT / app).rglob("*.py"))


def _names_in(path: Path) -> set[str]:
    """Every app a Python file names: imports, dotted strings, migration dependencies."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    named = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            named.add(node.module.split(".")[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # "assurance.AssuranceGroup", "deliverables.change_statusupdate", "core.roles"
            named |= set(re.findall(r"^([a-z_]+)[.:]\w", node.value))
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            # A migration dependency: ("assurance", "0001_initial").
            first = node.elts[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                named.add(first.value)
    return named


@pytest.mark.parametrize("app", ORDER[:-1])
def test_no_python_file_names_a_higher_app(app):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_names_in(path) & set(HIGHER[app]))
        for path in _python_files(app)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


@pytest.mark.parametrize("app", ORDER[:-1])
def test_no_template_names_a_higher_apps_urls(app):
    apps = "|".join(HIGHER[app])
    pattern = re.compile(r"\{%\s*url\s+['\"](" + apps + r"):")
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / app).rglob("*.html"))
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_check_finds_what_it_looks_for(tmp_path):
    """The scanner itself: each way of naming an app is caught (so the tests above can fail)."""
    source = tmp_path / "example.py"
    source.write_text(
        "from assurance.models import AssuranceGroup\n"
        "import core.roles\n"
        "field = ForeignKey('deliverables.Deliverable')\n"
        "dependencies = [('assurance', '0001_initial')]\n"
    )
    assert _names_in(source) >= {"assurance", "core", "deliverables"}
