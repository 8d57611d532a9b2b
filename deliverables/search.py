"""Finding deliverables by words: in their own text and in their updates, each row saying where
it matched."""

import re

from django.db import connection, models
from django.db.models.functions import Cast, Concat

from deliverables.models.updates import StatusUpdate

REFERENCE_RE = re.compile(r"^\s*(?P<objective>\d+)(?:\.(?P<number>\d+)?)?\s*$", re.ASCII)


# An update's texts the deliverables list searches, with how a result says where it matched.
UPDATE_SEARCH_FIELDS = [
    ("narrative", "progress"),
    ("risks", "risks"),
    ("next_steps", "next steps"),
]


def text_match(text: str, field: str) -> models.Q:
    """Words in a text field: PostgreSQL's full-text search (stemmed English: "delays" finds
    "delayed") or, on SQLite, a plain case-insensitive containment; both also find a part of a
    word."""
    contains = models.Q(**{f"{field}__icontains": text})
    if connection.vendor != "postgresql":
        return contains
    from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact

    words = SearchQuery(text, config="english", search_type="websearch")
    return contains | models.Q(SearchVectorExact(SearchVector(field, config="english"), words))


def updates_matching(text, field):
    return (
        StatusUpdate.objects.submitted()
        .filter(deliverable=models.OuterRef("pk"))
        .filter(text_match(text, field))
    )


def update_place(text, field, label):
    """(name, label, condition) for a search in updates: the label names the latest quarter
    whose update matched ("the Q2 update's risks")."""
    matching = updates_matching(text, field)
    latest = models.Subquery(matching.order_by("-quarter__number").values("quarter__number")[:1])
    where = Concat(
        models.Value("the Q"),
        Cast(latest, output_field=models.CharField()),
        models.Value(f" update's {label}"),
        output_field=models.CharField(),
    )
    return (field, where, models.Exists(matching))
