"""What the apps built on objectives add to its pages, without this app naming them (ADR 2).

The plan page lists each objective's deliverables, which the deliverables app owns: it
registers, in its AppConfig.ready(), how to fetch them (a `Prefetch` on the objectives), and
the page applies every registered one. The relation path is then written by the app that owns
the relation, and the layering test can hold every app to that.
"""

from collections.abc import Callable

_plan_page: dict[str, Callable] = {}


def register_plan_page_prefetch(key: str, make_prefetch: Callable) -> None:
    """`make_prefetch()` gives a `Prefetch` (or a lookup) on `Objective` for the plan page."""
    _plan_page[key] = make_prefetch


def plan_page_prefetches() -> list:
    return [make() for make in _plan_page.values()]
