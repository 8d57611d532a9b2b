"""Key indicators on the dashboard and in the board report, and "needs a look" where a
deliverable's Green and its objective's measures disagree."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from accounts.roles import PLAN_ADMINISTRATORS, VIEWERS
from deliverables.models import Deliverable
from objectives.models import MeasureValue
from reporting import indicators
from reporting.board_report.data import report_data
from reporting.board_report.reading import report_for
from reporting.services import quarter_close
from tests.factories import UserFactory
from tests.objectives.factories import MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured(hand_built):
    """Objective 1 (theme A): a constant 10 against a target of 50, higher is better, so it will
    consistently miss (twelve months to the end of Q2, October 2020 to September 2021: enough
    points for an assurance icon); three later values (after Q2) are not the quarter's.
    Objective 2 (theme B): common cause, no target."""
    failing = MeasureFactory(
        indicator__objective__number=1,
        indicator__objective=Deliverable.objects.get(objective__number=1, number=1).objective,
        name="Theatre utilisation",
        target=50,
        values=[10] * 6 + [100] * 3,
    )
    MeasureValue.objects.bulk_create(
        MeasureValue(measure=failing, period=datetime.date(2020, month, 1), value=10)
        for month in range(10, 13)
    )
    MeasureValue.objects.bulk_create(
        MeasureValue(measure=failing, period=datetime.date(2021, month, 1), value=10)
        for month in range(1, 4)
    )
    fine = MeasureFactory(
        indicator__objective=Deliverable.objects.get(objective__number=2, number=1).objective,
        name="Staff engagement",
        values=[12, 8] * 6,
    )
    return failing, fine


def test_a_green_deliverable_under_a_failing_measure_needs_a_look(measured, q2):
    data = report_data(q2)
    # 1.2 is Green in Q2; 1.1 is Amber, 1.3 has no update, 2.1 is Green under a fine measure.
    assert [d["reference"] for d in data["needs_a_look"]] == ["1.2"]
    (measure,) = data["needs_a_look"][0]["measures"]
    assert measure["name"] == "Theatre utilisation"
    assert measure["concerns"] == ["will consistently miss its target"]


def test_the_report_reads_values_to_the_end_of_its_quarter(measured, q2):
    summary = next(m for m in report_data(q2)["measures"] if m["points"])
    assert (summary["latest_period"], summary["points"]) == ("Sep 2021", 12)
    assert (summary["variation"], summary["assurance"]) == ("common_cause", "fail")


def test_the_dashboard_shows_each_themes_measures_and_what_needs_a_look(client, measured):
    client.force_login(UserFactory(role=VIEWERS))
    html = client.get(reverse("reporting:dashboard") + "?plan=2021/22&quarter=2").content.decode()
    assert "Needs a look (1)" in html
    assert 'href="#needs-a-look"' in html  # the headline figure
    assert "Theme 1: A" in html and "Theme 2: B" in html
    assert 'alt="The target will consistently be missed"' in html
    assert "Consistently fail" in html and "Common cause" in html


def test_the_board_report_page_and_word_document_carry_them(client, measured, q2):
    client.force_login(UserFactory(role=VIEWERS))
    url = reverse("reporting:board_report") + "?plan=2021/22&quarter=2"
    html = client.get(url).content.decode()
    assert "Needs a look (1)" in html
    assert "Key indicators, theme 1: A" in html
    assert "Consistently fail" in html
    docx = client.get(reverse("reporting:board_report_docx") + "?plan=2021/22&quarter=2")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Needs a look (1)" in text
    assert "Theatre utilisation: will consistently miss its target, to Sep 2021." in text


def test_a_closed_quarters_report_keeps_the_measures_as_they_were(measured, q2):
    failing, _ = measured
    quarter_close(quarter=q2, user=UserFactory(role=PLAN_ADMINISTRATORS))
    # Corrected later: the measure now passes its target.
    failing.record_values([(v.period, v.value + 100) for v in failing.values.all()], None)
    assert indicators.measure_summaries(q2)[0]["concerns"] == []
    q2.refresh_from_db()
    frozen = report_for(q2).data
    assert [d["reference"] for d in frozen["needs_a_look"]] == ["1.2"]
    assert frozen["themes"][0]["measures"][0]["assurance"] == "fail"


def test_without_measures_nothing_is_added(client, hand_built, q2):
    client.force_login(UserFactory(role=VIEWERS))
    html = client.get(reverse("reporting:dashboard") + "?plan=2021/22&quarter=2").content.decode()
    assert "Key indicators" not in html and "Needs a look" not in html
    assert report_data(q2)["needs_a_look"] == []


def test_the_report_workbook_has_a_key_indicators_sheet(client, measured):
    from openpyxl import load_workbook

    client.force_login(UserFactory(role=VIEWERS))
    url = reverse("reporting:board_report_xlsx") + "?plan=2021/22&quarter=2"
    sheet = load_workbook(io.BytesIO(client.get(url).content))["Key indicators"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2:4] == ("Measure", "Unit")
    assert rows[1][2] == "Theatre utilisation" and rows[1][6] == 10 and rows[1][7] == 50
    assert rows[1][9] == "The target will consistently be missed"


def test_the_measures_readings_are_kept_through_a_status_update_not_a_new_value(measured, q2):
    """Issue 32: the measures (and the SPC readings worked out on them) are kept under the
    objectives domain's revision: a status update saved elsewhere in the plan keeps them, and
    what is kept equals a fresh computation; a new value is read at once."""
    from common import revision
    from deliverables.models import StatusUpdate
    from objectives.models import Measure

    def fresh():
        return [m.summary(until=q2.end) for m in Measure.objects.in_plan(q2.plan).with_values()]

    kept = indicators.plan_measures(q2)
    indicators.measure_summaries(q2, kept)  # the readings, worked out and kept on them
    update = StatusUpdate.objects.filter(quarter=q2).first()
    update.status, update.narrative = "red", "Slipped."
    update.save()
    revision.bump()  # as the commit does, on any app server
    assert indicators.plan_measures(q2) is kept
    assert indicators.measure_summaries(q2) == fresh()

    failing = Measure.objects.get(name="Theatre utilisation")
    MeasureValue.objects.create(measure=failing, period=datetime.date(2021, 9, 15), value=99)
    assert indicators.plan_measures(q2) is not kept
    summary = next(s for s in indicators.measure_summaries(q2) if s["name"] == failing.name)
    assert summary["latest_value"] == 99 and indicators.measure_summaries(q2) == fresh()
