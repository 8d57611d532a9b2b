"""The BAF's pages through the paths people take (issue 30): the register and a risk's page,
the owner's score, the lead committee's view, a gap's action or decision, the figures on the
dashboard and in the board report, frozen at close."""

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from assurance.baf.models import GapNote, RiskCommitteeView, RiskScore
from assurance.baf.register import heat_map, register
from assurance.models import AssuranceReview
from reporting.board_report.reading import report_for
from reporting.services import quarter_close
from tests.assurance.baf.factories import PrincipalRiskFactory, control, review_assurance
from tests.deliverables.factories import StatusUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def risk(plan, cdo, dhg):
    return PrincipalRiskFactory(plan=plan, owner=cdo, lead_committee=dhg, title="Cyber attack")


def score_url(risk, number=2):
    return reverse("baf:score", args=[risk.pk, number])


def test_the_owner_records_the_score_and_the_register_shows_it(client, people, risk, q2):
    client.force_login(people["delegate"])  # the CDO's delegate writes for the CDO
    response = client.post(
        score_url(risk),
        {"likelihood": "5", "consequence": "4", "rationale": "Attacks rising.", "version": "0"},
    )
    assert response.status_code == 302
    score = RiskScore.objects.get(risk=risk, quarter=q2)
    assert (score.score, score.recorded_by) == (20, people["delegate"])
    client.force_login(people["viewer"])
    page = client.get(reverse("baf:register")).content.decode()
    assert "Cyber attack" in page and "Attacks rising." in page
    assert "Up from 16 (initial)" in page  # the initial score is 4 × 4
    assert "Above appetite" in page  # 20 against a tolerable 9


def test_bad_scores_are_refused_and_nothing_is_written(client, people, risk, q2):
    client.force_login(people["cdo"])
    response = client.post(
        score_url(risk), {"likelihood": "9", "consequence": "", "rationale": "", "version": "0"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the likelihood, from 1 to 5." in page
    assert "Choose the consequence, from 1 to 5." in page
    assert "Say why the risk has this score." in page
    assert not RiskScore.objects.exists()


def test_a_closed_quarter_refuses_the_owner_and_flags_an_administrators_correction(
    client, people, risk, q1
):
    client.force_login(people["cdo"])
    data = {"likelihood": "3", "consequence": "3", "rationale": "Late.", "version": "0"}
    response = client.post(score_url(risk, 1), data)
    assert response.status_code == 200 and "is closed" in response.content.decode()
    assert not RiskScore.objects.exists()
    client.force_login(people["admin"])
    assert client.post(score_url(risk, 1), data).status_code == 302
    assert RiskScore.objects.get().corrected_after_close


def test_the_secretary_records_the_committees_view_and_a_limited_one_is_a_gap(
    client, people, risk, q2
):
    client.force_login(people["secretary"])
    url = reverse("baf:view", args=[risk.pk, 2])
    response = client.post(url, {"level": "limited", "comments": "Not assured.", "version": "0"})
    assert response.status_code == 302
    assert RiskCommitteeView.objects.get().level == "limited"
    [state] = register(q2)
    assert [g.gap.source for g in state.assurance_gaps] == ["DHG's view of the risk, Q2: Limited"]


def test_a_gap_takes_an_action_then_closes_by_decision_and_reopens(client, people, risk, q2):
    client.force_login(people["cdo"])
    url = reverse("baf:gap", args=[risk.pk, "control:none"]) + "?quarter=2"
    response = client.post(
        url,
        {
            "action": "Map the controls.",
            "action_owner": "CDO",
            "action_due_day": "31",
            "action_due_month": "12",
            "action_due_year": "2021",
            "then": "save",
        },
    )
    assert response.status_code == 302
    [state] = register(q2)
    [gap] = state.control_gaps
    assert gap.note.action == "Map the controls." and gap.is_open
    # A decision needs its reason; with one, the gap closes while its cause stands.
    response = client.post(url, {"then": "close", "decision": ""})
    assert "Say why the gap is closed" in response.content.decode()
    client.post(url, {"then": "close", "decision": "Accepted by the Board until Q4."})
    [state] = register(q2)
    assert state.control_gaps == []
    closed = next(g for g in state.gaps if g.gap.key == "control:none")
    assert closed.status_label == "Closed by decision" and closed.note.decided_by == people["cdo"]
    client.post(url, {"then": "reopen"})
    [state] = register(q2)
    assert [g.gap.key for g in state.control_gaps] == ["control:none"]


def test_a_gap_whose_cause_clears_is_closed_and_keeps_what_it_was(
    risk, q2, cdo_deliverable, people
):
    control(risk, cdo_deliverable, effectiveness="effective")
    update = StatusUpdateFactory(deliverable=cdo_deliverable, quarter=q2, status="red")
    [state] = register(q2)
    [gap] = state.control_gaps
    GapNote.objects.create(
        risk=risk, key=gap.gap.key, source=gap.gap.source, action_deliverable=cdo_deliverable
    )
    update.status = "green"
    update.save()
    [state] = register(q2)
    assert state.control_gaps == []
    [closed] = [g for g in state.gaps if g.gap.key == gap.gap.key]
    assert closed.status_label == "Closed: cause cleared"
    assert "is Off track (Red) in Q2" in closed.gap.source


def test_gap_addresses_that_are_not_a_gap_are_not_found(client, people, risk):
    client.force_login(people["admin"])
    for key in ("nonsense", "control:99999", "control:none:x:y:z"):
        assert client.get(reverse("baf:gap", args=[risk.pk, key])).status_code == 404


def test_the_heat_map_puts_each_risk_in_its_cell(plan, q2, cdo, dhg):
    one = PrincipalRiskFactory(plan=plan, owner=cdo, lead_committee=dhg)  # 4 × 4
    two = PrincipalRiskFactory(plan=plan, owner=cdo, lead_committee=dhg)
    RiskScore.objects.create(risk=two, quarter=q2, likelihood=2, consequence=5, rationale="x")
    cells = {(c["likelihood"], c["consequence"]): c for row in heat_map(register(q2)) for c in row}
    assert len(cells) == 25
    assert cells[(4, 4)]["risks"] == [one.number] and cells[(4, 4)]["rating"] == "extreme"
    assert cells[(2, 5)]["risks"] == [two.number] and cells[(2, 5)]["rating"] == "high"
    assert sum(len(c["risks"]) for c in cells.values()) == 2
    assert cells[(1, 1)]["rating"] == "low" and cells[(2, 3)]["rating"] == "moderate"
    # Likelihood 5 is the top row, consequence 1 the first column.
    first_row = heat_map(register(q2))[0]
    assert [c["likelihood"] for c in first_row] == [5] * 5
    assert [c["consequence"] for c in first_row] == [1, 2, 3, 4, 5]


def test_scores_are_frozen_at_close_and_unchanged_after_later_edits(
    client, people, risk, q2, cdo_deliverable, dhg
):
    control(risk, cdo_deliverable, effectiveness="effective")
    review_assurance(risk, cdo_deliverable, dhg)
    AssuranceReview.objects.create(
        deliverable=cdo_deliverable, quarter=q2, assurance_group=dhg, level="limited"
    )
    score = RiskScore.objects.create(
        risk=risk, quarter=q2, likelihood=4, consequence=5, rationale="As it stood."
    )
    quarter_close(quarter=q2, user=people["admin"])
    # A correction after close, and the cause of the gap clearing.
    score.likelihood, score.rationale = 1, "Corrected."
    score.save()
    AssuranceReview.objects.filter(quarter=q2).update(level="substantial")
    q2.refresh_from_db()
    [frozen] = report_for(q2).data["baf"]["risks"]
    assert frozen["current"]["score"] == 20 and frozen["current"]["rationale"] == "As it stood."
    assert any("Limited" in g["source"] for g in frozen["open_gaps"])
    [live] = register(q2)
    assert live.current.value == 5 and live.assurance_gaps == []
    client.force_login(people["viewer"])
    page = client.get(reverse("reporting:board_report") + "?quarter=2").content.decode()
    assert 'id="baf"' in page and "As it stood." in page and "Corrected." not in page


def test_the_board_report_has_the_baf_in_word_and_excel(client, people, risk, q2):
    client.force_login(people["viewer"])
    docx = client.get(reverse("reporting:board_report_docx") + "?quarter=2").content
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "Board Assurance Framework" in text
    assert f"{risk.reference}: Cyber attack" in text
    xlsx = client.get(reverse("reporting:board_report_xlsx") + "?quarter=2").content
    sheet = load_workbook(io.BytesIO(xlsx))["BAF"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == (risk.reference, "Cyber attack")
    assert rows[1][rows[0].index("Current score")] == 16


def test_the_dashboards_first_screen_counts_risks_above_appetite_and_open_gaps(
    client, people, risk, q2
):
    client.force_login(people["viewer"])
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "1</span> of 1 principal risks above appetite" in page
    # No controls and no second- or third-line assurance: one gap of each kind.
    assert "2</span> open gaps in the BAF" in page and "1 in control, 1 in assurance" in page


def test_the_register_filters_by_committee_and_owner(client, people, risk, plan, cfo, dhg):
    other = PrincipalRiskFactory(plan=plan, owner=cfo, lead_committee=dhg, title="Cash runs out")
    client.force_login(people["viewer"])
    page = client.get(reverse("baf:register") + "?owner=CFO").content.decode()
    assert "Cash runs out" in page and "Cyber attack" not in page
    assert other.reference in page


def test_the_risk_page_shows_each_quarter(client, people, risk, q1, q2):
    RiskScore.objects.create(risk=risk, quarter=q1, likelihood=3, consequence=3, rationale="Q1.")
    RiskScore.objects.create(risk=risk, quarter=q2, likelihood=4, consequence=3, rationale="Q2.")
    client.force_login(people["viewer"])
    page = client.get(reverse("baf:risk", args=[risk.pk])).content.decode()
    assert "Quarter by quarter" in page and "Q1." in page and "Q2." in page
    assert "Up from 9 (Q1)" in page
    # Its history names each change: the scores as recorded, the risk itself.
    assert "Q1 score: 9 (3 × 3) added" in page and "Q2 score: 12 (4 × 3) added" in page
    assert "The risk added" in page
    assert "Record the Q2 score" not in page  # a viewer records nothing
    client.force_login(people["cdo"])
    assert (
        "Record the Q2 score"
        not in client.get(reverse("baf:risk", args=[risk.pk])).content.decode()
    )
    assert "Change the Q2 score" in client.get(reverse("baf:risk", args=[risk.pk])).content.decode()


def test_a_score_saved_over_someone_elses_keeps_theirs_and_what_was_typed(client, people, risk, q2):
    data = {"likelihood": "3", "consequence": "3", "rationale": "Mine.", "version": "0"}
    client.force_login(people["cdo"])
    assert client.post(score_url(risk), data).status_code == 302
    client.force_login(people["delegate"])  # loaded the form before the CDO saved
    response = client.post(score_url(risk), data | {"likelihood": "5", "rationale": "Theirs."})
    page = response.content.decode()
    assert response.status_code == 200 and "Someone else saved this first" in page
    assert RiskScore.objects.get().rationale == "Mine."
    assert "Theirs." in page  # what the delegate typed is still in the form
    # Saving again replaces the CDO's, knowingly.
    response = client.post(
        score_url(risk), data | {"likelihood": "5", "rationale": "Theirs.", "version": "1"}
    )
    assert response.status_code == 302 and RiskScore.objects.get().rationale == "Theirs."
