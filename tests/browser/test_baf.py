"""The Board Assurance Framework in a real browser, each page checked with axe at 320 and 1280
pixels (issue 30): a board member reads the register and a risk, the risk's owner records its
score from My updates and an action on a gap, the lead committee's secretary records its view
from My groups, and an administrator imports the BAF's spreadsheet."""

import re

import pytest

from assurance.baf import sheet
from assurance.baf.models import GapNote, PrincipalRisk, RiskCommitteeView, RiskScore
from demo.baf import create_demo_baf
from objectives.models import Plan, Quarter
from tests.browser.helpers import check_page, follow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_baf_from_each_seat(site, new_page, tmp_path):
    base, people = site
    plan = Plan.objects.get()
    create_demo_baf(plan, people["admin"])
    cyber = PrincipalRisk.objects.get(number=1)  # the CDO's, led by DHG

    # A board member: the register, its heat map and a risk's page.
    page = new_page()
    log_in(page, base, "viewer")
    page.goto(f"{base}/")
    follow(page, page.get_by_role("link", name="BAF").first)
    assert page.get_by_role("heading", name="Board Assurance Framework").count()
    assert page.get_by_role("img", name=re.compile("Heat map")).count() == 1
    check_page(page)
    follow(page, page.get_by_role("link", name="BAF 1", exact=True))
    assert "Quarter by quarter" in page.content()
    check_page(page)

    # The risk's owner: My updates lists the score due; the form records it.
    page = new_page()
    log_in(page, base, "cdo")
    page.goto(f"{base}/my-updates/")
    follow(page, page.get_by_role("link", name=re.compile("BAF 1 score")))
    check_page(page)
    page.get_by_label("4: Likely").check()
    page.get_by_label("5: Catastrophic").check()
    page.get_by_label("Why this score").fill("Two attempted attacks this quarter.")
    follow(page, page.get_by_role("button", name="Record the score"))
    assert "Recorded BAF 1's Q2 score." in page.content()
    score = RiskScore.objects.get(risk=cyber, quarter=Quarter.objects.get(number=2))
    assert (score.likelihood, score.consequence) == (4, 5)
    page.goto(f"{base}/my-updates/")
    assert "Done" in page.locator("#also-owed + ul").inner_text()

    # ... and an action on one of its gaps.
    page.goto(f"{base}/baf/risks/{cyber.pk}/?quarter=2")
    follow(page, page.get_by_role("link", name=re.compile("Record an action or decision")).first)
    check_page(page)
    page.get_by_label(re.compile(r"^Action( \(optional\))?$")).fill(
        "Commission a penetration test."
    )
    page.get_by_label(re.compile("^Action owner")).fill("Chief Digital Officer")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2022")
    follow(page, page.get_by_role("button", name="Save the action"))
    assert "Commission a penetration test." in page.content()
    assert GapNote.objects.get(risk=cyber).action_owner == "Chief Digital Officer"

    # DHG's secretary: My groups lists the risks DHG leads on.
    page = new_page()
    log_in(page, base, "dhg-secretary")
    page.goto(f"{base}/my-groups/")
    follow(page, page.get_by_role("link", name=re.compile("BAF 1: A cyber attack")))
    check_page(page)
    page.get_by_label("Limited").check()
    page.get_by_label("Comments").fill("Not assured on the response plan.")
    follow(page, page.get_by_role("button", name="Record the committee's view"))
    assert RiskCommitteeView.objects.get(risk=cyber).level == "limited"
    assert "DHG's view of the risk, Q2: Limited" in page.content()

    # An administrator: the spreadsheet page, a changed file previewed, then imported.
    page = new_page()
    log_in(page, base, "admin")
    page.goto(f"{base}/baf/spreadsheet/")
    check_page(page)
    table = sheet.rows(plan, Quarter.objects.get(number=2))
    table[1][table[0].index("Title")] = "Cyber attack on clinical systems"
    upload = tmp_path / "baf.xlsx"
    upload.write_bytes(sheet.to_xlsx(table))
    page.get_by_label("The BAF spreadsheet").set_input_files(str(upload))
    follow(page, page.get_by_role("button", name="Check the file"))
    assert "BAF 1: title would change." in page.content()
    check_page(page, reload=False)
    follow(page, page.get_by_role("button", name=re.compile("Import 1 change")))
    cyber.refresh_from_db()
    assert cyber.title == "Cyber attack on clinical systems"

    # The board report's BAF section.
    page.goto(f"{base}/board-report/?plan=2021%2F22&quarter=2")
    page.get_by_role("heading", name=re.compile("Board Assurance Framework")).first.wait_for()
    check_page(page)
