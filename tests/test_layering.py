"""The apps build on each other one way, floor by floor (ADR 16):

    common, nhsuk ← objectives ← deliverables ← assurance ← reporting ← planning ← accounts
    ← api, demo, core

above them all `uhbplan`, the project's settings and URLs (and the name of its loggers).

A lower app never names a higher one: not in an import, not as a model label in a string (a
relation, a permission, a URL name's namespace), not as a migration dependency, and not by a
relation path ("reviews__level", "group_links__assurance_group") that walks from its own models
into a higher app's. Apps on the same floor do not name each other either. Templates do not
name a higher app's URLs.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps

ROOT = Path(__file__).resolve().parent.parent
FLOORS = [
    ["common", "nhsuk"],
    ["objectives"],
    ["deliverables"],
    ["assurance"],
    ["reporting"],
    ["planning"],
    ["accounts"],
    ["api", "demo", "core"],
]
FLOOR = {app: level for level, floor in enumerate(FLOORS) for app in floor}
APPS = list(FLOOR)
# What an app may not name: every app on a higher floor, and its neighbours on its own.
FORBIDDEN = {
    app: {other for other in APPS if FLOOR[other] > FLOOR[app] or (FLOOR[other] == FLOOR[app])}
    - {app}
    for app in APPS
}
PATH_RE = re.compile(r"^-?[a-z][a-z0-9_]*(?:__[a-z0-9_]+)*$")


def _python_files(app):
    return sorted((ROOT / app).rglob("*.py"))


def _strings(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _names_in(path: Path) -> set[str]:
    """Every app a Python file names: imports, dotted strings, migration dependencies."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    named = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            named.add(node.module.split(".")[0])
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            # A migration dependency: ("assurance", "0001_initial").
            first = node.elts[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                named.add(first.value)
    for text in _strings(tree):
        # "assurance.AssuranceGroup", "deliverables.change_statusupdate", "reporting:dashboard"
        named |= set(re.findall(r"^([a-z_]+)[.:]\w", text))
    return named


def _upward_relations(app) -> dict[str, str]:
    """The relation names on this app's models that lead into a higher (or neighbouring) app's
    models, the reverse relations Django adds (`Deliverable.reviews`, from assurance) and any
    forward one: name → the app it reaches."""
    reach = {}
    if app not in {config.label for config in django_apps.get_app_configs()}:
        return reach
    for model in django_apps.get_app_config(app).get_models():
        for field in model._meta.get_fields(include_hidden=True):
            related = getattr(field, "related_model", None)
            if related is None or isinstance(related, str):
                continue
            target = related._meta.app_label
            if target in FORBIDDEN[app]:
                reach[field.name] = target  # a reverse relation's name is its query name
    return reach


ORM_CALLS = {
    "prefetch_related", "select_related", "Prefetch", "FilteredRelation", "order_by", "values",
    "values_list", "only", "defer", "distinct", "Count", "Sum", "Max", "Min", "Avg", "F",
    "get_field", "links",
}  # fmt: skip


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _relation_paths_in(path: Path, relations: dict[str, str]) -> set[str]:
    """Strings such as "reviews__level", "-group_links__assurance_group" or "group_links" (a
    prefetch), and keyword lookups, whose steps include a relation into a higher app."""
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Paths in strings ("reviews__level"), keyword lookups (filter(reviews__level=...)), and
    # single names handed to the ORM (prefetch_related("group_links"), Count("deliverables")).
    keywords = [node.arg for node in ast.walk(tree) if isinstance(node, ast.keyword) and node.arg]
    paths = [text for text in [*_strings(tree), *keywords] if "__" in text]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) in ORM_CALLS:
            paths += [
                arg.value
                for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            ]
    for text in paths:
        if PATH_RE.match(text):
            steps = text.lstrip("-").split("__")
            found |= {f"{text} ({relations[step]})" for step in steps if step in relations}
    return found


LOWER = APPS


@pytest.mark.parametrize("app", LOWER)
def test_no_python_file_names_a_higher_app(app):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_names_in(path) & FORBIDDEN[app])
        for path in _python_files(app)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


@pytest.mark.parametrize("app", LOWER)
def test_no_relation_path_walks_into_a_higher_app(app):
    relations = _upward_relations(app)
    offenders = {
        str(path.relative_to(ROOT)): sorted(_relation_paths_in(path, relations))
        for path in _python_files(app)
        if "migrations" not in path.parts
    }
    assert {path: found for path, found in offenders.items() if found} == {}


@pytest.mark.parametrize("app", LOWER)
def test_no_template_names_a_higher_apps_urls(app):
    apps = "|".join(sorted(FORBIDDEN[app]))
    pattern = re.compile(r"\{%\s*url\s+['\"](" + apps + r"):")
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / app).rglob("*.html"))
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_app_has_a_floor():
    ours = {
        config.label
        for config in django_apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
    }
    assert ours - set(FLOOR) == set()


def test_the_check_finds_what_it_looks_for(tmp_path):
    """The scanners themselves: each way of naming an app is caught (so the tests above can
    fail)."""
    source = tmp_path / "example.py"
    source.write_text(
        "from assurance.models import AssuranceGroup\n"
        "import core.roles\n"
        "field = ForeignKey('deliverables.Deliverable')\n"
        "dependencies = [('reporting', '0001_initial')]\n"
        "url = reverse('planning:quarters')\n"
        "rows = Deliverable.objects.filter(reviews__level='limited').order_by('-group_links__id')\n"
        "rows = rows.prefetch_related('assurance_groups')\n"
    )
    assert _names_in(source) >= {"assurance", "core", "deliverables", "reporting", "planning"}
    relations = _upward_relations("deliverables")
    assert relations["reviews"] == "assurance"
    assert relations["group_links"] == "assurance"
    assert _relation_paths_in(source, relations) == {
        "reviews__level (assurance)",
        "-group_links__id (assurance)",
        "assurance_groups (assurance)",
    }
