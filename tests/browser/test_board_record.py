"""The board record in a real browser (issue 31), each page checked with axe at 320 and 1280
pixels: a board member downloads a closed quarter's PDF, checks it on the upload page, and reads
the chain."""

import re

import pytest

from objectives.models import Quarter
from reporting import services
from tests.browser.helpers import check_page, follow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_board_member_checks_the_pdf_they_were_sent(site, new_page, signed, tmp_path):
    base, people = site
    services.quarter_close(quarter=Quarter.objects.get(number=2), user=people["admin"])

    page = new_page()
    log_in(page, base, "viewer")
    page.goto(f"{base}/board-report/?plan=2021/22&quarter=2")
    assert "signed by the trust" in page.content()
    # The record's PDF is made on its first download: WeasyPrint lays out some thirty pages,
    # about ten seconds on an idle machine here, so the download is given a minute.
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="Download as PDF").click()
    saved = tmp_path / "board-report.pdf"
    download.value.save_as(saved)

    follow(page, page.get_by_role("link", name="Check a copy of this PDF"))
    check_page(page)
    page.get_by_label("The board report PDF").set_input_files(saved)
    follow(page, page.get_by_role("button", name="Check the PDF"))
    assert page.get_by_role("heading", name="Verified").count() == 1
    said = page.locator("main").inner_text()
    assert "exactly the board report given to the Board for Q2 2021/22: board record 1" in said
    check_page(page, reload=False)

    follow(page, page.get_by_role("link", name="Back to the board record"))
    follow(page, page.get_by_role("link", name="Check the whole chain now"))
    assert re.search(r"The chain holds: every record matches its hash", page.content())
    check_page(page)
