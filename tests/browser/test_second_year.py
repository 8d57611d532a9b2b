"""The second year's new pages in a real browser, checked with axe at 320 and 1280 pixels
(issue 27): the roll-over with its windows, an import into a live plan with its changes, the
confirmation before a second reporting quarter, and a quarter that has no report."""

import pytest

from objectives.models import Plan
from tests.browser.helpers import check_page, follow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_years_pages(site, new_page):
    from deliverables.exports import PLAN_COLUMNS
    from planning import rollover as plans
    from tests.factories import UserFactory

    base, _ = site
    later = plans.start_plan(financial_year="2022/23", title="Next", user=UserFactory())
    page = new_page()
    log_in(page, base, "admin")

    # The roll-over: each row's window, ticked by default, every one untickable at once.
    page.goto(f"{base}/plans/{later.pk}/roll-over/")
    check_page(page)
    follow(page, page.get_by_role("link", name="Untick every deliverable"))
    assert page.locator("input[type=checkbox]:checked").count() == 0
    page.get_by_label("Carry over 6.4").check()
    page.get_by_label("Its window in 2022/23").nth(0).wait_for()
    page.get_by_role("button", name="Roll over the chosen deliverables").click()
    page.get_by_text("Rolled 1 deliverables over").wait_for()
    assert later.objectives.get(number=6).deliverables.get().delivery == "Q1-4"

    # An import into the live plan lists what it would change before anything is written.
    header = ",".join(PLAN_COLUMNS)
    row = "4,Digital,6,Objective six renamed,6.4,Rewritten text,Q2-3,,,CDO,DHG"
    page.goto(f"{base}/plans/import/")
    page.set_input_files(
        "#id_file",
        files=[{"name": "p.csv", "mimeType": "text/csv", "buffer": f"{header}\n{row}\n".encode()}],
    )
    page.fill("#id_financial_year", "2022/23")
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name="What would change in 2022/23").wait_for()
    assert "Rewritten text" in page.locator("table").first.inner_text()
    check_page(page, reload=False)

    # A second reporting quarter asks first.
    page.goto(f"{base}/quarters/")
    page.get_by_role("button", name="Open Q1 2022/23", exact=True).click()
    page.get_by_role("heading", name="Open Q1 2022/23 as well?").wait_for()
    check_page(page, reload=False)

    # A quarter that never opened has no report, and says so.
    page.goto(f"{base}/board-report/?plan=2022%2F23&quarter=4")
    assert "has not opened yet" in page.locator("main").inner_text()
    check_page(page)
    assert Plan.objects.count() == 2
