"""Extension points: what the apps built on deliverables add to its pages.

This app may not import the apps above it (ADR 2), yet an executive's pages must show what those
apps know about their deliverables: assurance adds its committees' findings. An app above
registers an extension in its AppConfig.ready() (and, for every list, what to prefetch: its
assurance groups); My updates, the update form and the deliverable
page ask every extension for its contribution about the deliverables they show, in a fixed
number of queries per extension however many deliverables there are (ADR 8).
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Contribution:
    """What an extension adds about one deliverable. Each template is included with
    `contribution` in its context; an empty name adds nothing in that place."""

    data: object
    summary_template: str = ""  # a cell of My updates' table
    panel_template: str = ""  # beside the update form
    detail_template: str = ""  # a section of the deliverable page


class Extension(Protocol):
    heading: str  # the heading of its column on My updates

    def contributions(self, deliverables: list, user, quarter) -> dict[int, Contribution]: ...


_extensions: list[Extension] = []
_list_prefetches: dict = {}
_export_columns: dict = {}


def register(extension: Extension) -> None:
    if extension not in _extensions:
        _extensions.append(extension)


def headings() -> list[str]:
    return [extension.heading for extension in _extensions]


def contributions_for(deliverables: list, user, quarter) -> dict[int, list[tuple]]:
    """Every extension's (heading, contribution) about each deliverable, by primary key, in
    column order; the contribution is None where an extension says nothing about one."""
    found = [
        (extension.heading, extension.contributions(deliverables, user, quarter))
        for extension in _extensions
    ]
    return {d.pk: [(heading, by_pk.get(d.pk)) for heading, by_pk in found] for d in deliverables}


def register_list_prefetch(key: str, make_prefetch) -> None:
    """`make_prefetch()` gives a `Prefetch` on `Deliverable` that every list of deliverables
    applies (`with_plan_details`): assurance adds its groups this way, writing the relation path
    itself, so this app never names it."""
    _list_prefetches[key] = make_prefetch


def list_prefetches() -> list:
    return [make() for make in _list_prefetches.values()]


def register_export_column(name: str, fetch) -> None:
    """`fetch(deliverables)` gives {deliverable id: [label, ...]} for a column of the plan
    export (assurance: the groups), in one query however many deliverables there are."""
    _export_columns[name] = fetch


def export_column(name: str, deliverables) -> dict:
    fetch = _export_columns.get(name)
    return fetch(deliverables) if fetch else {}


_owed: dict = {}


def register_owed(name: str, fetch) -> None:
    """`fetch(user, quarter)` gives what else `user` owes in `quarter`, as a list of
    (text, url, done): My updates lists it after the deliverables, so an executive's landing
    page holds everything they owe (the BAF: their risks' quarterly scores)."""
    _owed[name] = fetch


def owed_for(user, quarter) -> list[tuple]:
    return [item for fetch in _owed.values() for item in fetch(user, quarter)] if quarter else []
