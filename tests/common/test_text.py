"""One way to name a person, one way to fit text to a column (issue 26, issue 25)."""

from pathlib import Path

import pytest
from django.conf import settings

from common.text import person, shortened
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_person_is_their_full_name_else_their_username():
    assert person(UserFactory(username="nia", first_name="Nia", last_name="New")) == "Nia New"
    assert person(UserFactory(username="sso-4f2a", first_name="", last_name="")) == "sso-4f2a"
    assert person(None) == "" and person(None, "System") == "System"


def test_nothing_else_names_a_person_its_own_way():
    """Five places had five fallbacks; every page, report, e-mail and history asks `person`."""
    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for pattern in ("*.py", "*.html")
        for path in root.rglob(pattern)
        if not {".venv", "node_modules", "tests", "staticfiles"} & set(path.parts)
        and path != root / "common" / "text.py"
        and "get_full_name" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_text_is_cut_to_fit_with_an_ellipsis():
    assert shortened("abc", 5) == "abc" and shortened("abcdef", 5) == "abcd…"
    assert len(shortened("x" * 500, 100)) == 100
