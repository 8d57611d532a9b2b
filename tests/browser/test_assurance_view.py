"""The Board's assurance view and the committee loop in a real browser, checked with axe at 320
and 1280 pixels (issue 28): the dashboard's first screen with its gaps, the board report with
its map, a chair's report written by a secretary, the committee's pack, and closing a quarter
whose cover is not complete."""

import pytest

from assurance.models import AssuranceGroup, AssuranceReview, ChairReportItem
from deliverables.models import Deliverable, StatusUpdate
from objectives.models import Quarter
from tests.browser.helpers import check_page, follow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_assurance_view_and_the_committee_loop(site, new_page):
    base, people = site
    q2 = Quarter.objects.get(number=2)
    dhg = AssuranceGroup.objects.get(code="DHG")
    on_track = Deliverable.objects.filter(assurance_groups=dhg).natural_order().first()
    StatusUpdate.objects.create(
        deliverable=on_track,
        quarter=q2,
        status="green",
        narrative="On plan.",
        updated_by=people["cdo"],
    )
    AssuranceReview.objects.create(
        deliverable=on_track,
        quarter=q2,
        assurance_group=dhg,
        level="limited",
        recorded_by=people["secretary"],
    )
    from common import revision

    revision.changed()

    # A board member: the gap is named on the dashboard's first screen, the detail folded.
    page = new_page()
    log_in(page, base, "viewer")
    page.goto(f"{base}/")
    gaps = page.locator("#assurance-gaps")
    assert "Assurance gaps (1)" in gaps.inner_text()
    assert on_track.reference in page.locator(".uhb-glance__gaps").inner_text()
    assert not page.locator("details.uhb-section-details").first.evaluate("d => d.open")
    check_page(page)
    page.goto(f"{base}/board-report/?plan=2021%2F22&quarter=2")
    page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name="Assurance at a glance"
    ).wait_for()
    check_page(page)

    # DHG's secretary writes the chair's report from My groups, citing the deliverable.
    page = new_page()
    log_in(page, base, "dhg-secretary")
    page.goto(f"{base}/my-groups/")
    follow(page, page.get_by_role("link", name="DHG chair's report to the Board for Q2"))
    check_page(page)
    page.get_by_label("Alert").check()
    page.get_by_label("What the committee reports").fill("Not assured on the recovery plan.")
    page.get_by_label(f"{on_track.reference}:", exact=False).check()
    page.get_by_role("button", name="Save the point").click()
    page.get_by_text("Added the point to DHG's chair's report.").wait_for()
    item = ChairReportItem.objects.get()
    assert item.kind == "alert" and list(item.deliverables.all()) == [on_track]
    check_page(page)
    follow(page, page.get_by_role("link", name="Change this alert point"))
    page.get_by_label("What the committee reports").fill("Not assured: no dated recovery plan.")
    check_page(page, reload=False)
    page.get_by_role("button", name="Save the point").click()
    page.get_by_text("Saved the point of DHG's chair's report.").wait_for()
    follow(page, page.get_by_role("link", name="Back"))
    assert page.url.split("?")[0].endswith("/my-groups/")
    page.goto(f"{base}/groups/{dhg.pk}/pack/?plan=2021%2F22&quarter=2")
    assert (
        "Not assured: no dated recovery plan."
        in page.locator("#chair-reports").locator("..").inner_text()
    )
    check_page(page)

    # The administrator closing Q2 is told which cover fields are still to be confirmed.
    page = new_page()
    log_in(page, base, "admin")
    page.goto(f"{base}/quarters/{q2.pk}/close/")
    warning = page.locator("#cover-unconfirmed").inner_text()
    assert "Meeting date" in warning and "Key messages" in warning
    check_page(page)
