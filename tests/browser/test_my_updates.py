"""My updates' banner tells the truth in a real browser (issue 27): its counts equal the table's
rows by group before and after a save in place, and "Saving…" shows only while a save runs."""

import re

import pytest

from deliverables.models import Deliverable
from objectives.models import Quarter
from tests.browser.helpers import log_in
from tests.deliverables.factories import StatusUpdateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def banner(page) -> dict[str, int]:
    text = page.locator("#queue-counts").inner_text()
    found = re.search(r"(\d+) missing, (\d+) overdue, (\d+) done", text)
    return dict(zip(("missing", "overdue", "done"), map(int, found.groups()), strict=True))


def table(page) -> dict[str, int]:
    """The table's rows by where they stand this quarter, read as a person would."""
    rows = page.locator(".uhb-queue-row")
    overdue = sum("past its delivery window" in r or "Overdue" in r for r in rows.all_inner_texts())
    done = page.locator(".uhb-queue-row a.uhb-open-update", has_text="Change").count()
    return {"missing": rows.count() - overdue - done, "overdue": overdue, "done": done}


def test_the_banner_follows_the_table_before_and_after_a_save_in_place(site, new_page):
    base, _ = site
    q1, q2 = Quarter.objects.get(number=1), Quarter.objects.get(number=2)
    # One whose window runs into Q2: Green can stand.
    first = (
        Deliverable.objects.filter(owners__code="CDO", end_quarter__gte=2).natural_order().first()
    )
    StatusUpdateFactory(deliverable=first, quarter=q1, status="green", narrative="Q1 done.")
    page = new_page()
    log_in(page, base, "cdo")
    before = banner(page)
    assert before == table(page) and before["done"] == 0
    page.locator(f"#deliverable-{first.pk} a.uhb-open-update").click()
    panel = page.locator(f"#panel-{first.pk}")
    panel.wait_for()
    assert not page.locator(f"#panel-{first.pk} .uhb-saving").is_visible()  # idle: hidden
    panel.get_by_role("link", name=re.compile("Start from the Q1 update")).click()
    page.locator(f"#panel-{first.pk} .uhb-copied").wait_for()
    page.check(f"#id_d{first.pk}-no_change")
    panel.get_by_role("button", name=re.compile("Save and close")).click()
    page.wait_for_selector(f"#deliverable-{first.pk} .uhb-saved")
    after = banner(page)
    assert after == {**before, "missing": before["missing"] - 1, "done": 1}
    assert after == table(page)
    assert q2.updates.filter(deliverable=first).exists()
