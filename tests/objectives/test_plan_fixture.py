"""The 2021/22 plan fixture against the seed plan, which it must match exactly."""

import pytest
from django.core.management import call_command

from assurance.models import AssuranceGroup
from deliverables.models import Deliverable, Owner
from objectives.models import KeyIndicator, Objective, Plan, Theme

# Written from the seed plan's table, row by row: reference, objective, owners and assurance
# groups in the order the plan names them, the delivery label as written, start and end quarter.
SEED_TABLE = [
    ("1.1", 1, ["ALL"], ["CEAG"], "Q1-4", 1, 4),
    (
        "1.2",
        1,
        ["CFO", "CWIO"],
        ["ERP Steering Committee", "Business Systems Board", "CEAG"],
        "Q1-4",
        1,
        4,
    ),
    ("1.3", 1, ["CDO"], ["DHG"], "Q1", 1, 1),
    ("2.1", 2, ["COO"], ["COOG"], "Q1-4", 1, 4),
    ("2.2", 2, ["COO"], ["COOG", "ODG"], "Q1-4", 1, 4),
    ("3.1", 3, ["ECN"], ["CQC"], "Q1-4", 1, 4),
    ("3.2", 3, ["CMO"], ["CQMG"], "Q1-4", 1, 4),
    ("3.3", 3, ["DQD"], ["CQMG"], "Q1-4", 1, 4),
    ("3.4", 3, ["ECN"], ["CQG"], "Q1-4", 1, 4),
    ("4.1", 4, ["COO"], ["COOG"], "Q1-4", 1, 4),
    ("4.2", 4, ["ECN", "DCA"], ["CLOGG"], "Q1-4", 1, 4),
    ("4.3", 4, ["CLO"], ["CLOGG"], "Q1-4", 1, 4),
    ("5.1", 5, ["CDO"], ["BSOL ICS CEO Board"], "Q1-4", 1, 4),
    ("5.2", 5, ["CDO"], ["BSOL ICS Digital Enablement Group", "BSOL STP CEO Board"], "Q2", 2, 2),
    ("5.3", 5, ["CDO"], ["STP Board"], "Q1-2", 1, 2),
    ("6.1", 6, ["CDO"], ["DHG"], "Q1-3", 1, 3),
    ("6.2", 6, ["CDO"], ["DHG"], "Q1-2", 1, 2),
    ("6.3", 6, ["CDO"], ["DHG"], "Q1-3", 1, 3),
    ("6.4", 6, ["CDO"], ["DHG"], "Q1-4", 1, 4),
    ("6.5", 6, ["CDO"], ["DHG"], "Q1", 1, 1),
    ("7.1", 7, ["CDO"], ["DHG", "IGG"], "Q1-4", 1, 4),
    ("7.2", 7, ["CDO"], ["ICS Board"], "Q1-2", 1, 2),
    (
        "8.1",
        8,
        ["CFO"],
        ["Trustwide Monthly Finance Meetings", "Divisional Monthly Finance Meetings"],
        "Q1-4",
        1,
        4,
    ),
    (
        "8.2",
        8,
        ["CFO"],
        ["CEAG", "Board of Directors", "STP CFOs", "STP Operational FDs"],
        "Q1-4",
        1,
        4,
    ),
    ("9.1", 9, ["CIO"], ["CEAG"], "Q1-4", 1, 4),
    ("9.2", 9, ["CIO"], ["CEAG"], "Q1-4", 1, 4),
    ("9.3", 9, ["CIO"], ["CEAG"], "Q1-4", 1, 4),
    ("9.4", 9, ["CIO"], ["CEAG"], "Q1-4", 1, 4),
    ("10.1", 10, ["CFO"], ["ACAD Steering Group", "CEAG"], "Q1-4", 1, 4),
    ("10.2", 10, ["CFO"], ["COOG"], "Q1-2", 1, 2),
    ("10.3", 10, ["CFO"], ["IC"], "From Q1", 1, None),
    ("11.1", 11, ["DCEO"], ["TOG"], "Q1-4", 1, 4),
    ("11.2", 11, ["DCEO"], ["TOG"], "Q1-4", 1, 4),
    ("11.3", 11, ["DCEO"], ["TOG"], "Q1-4", 1, 4),
    ("12.1", 12, ["CWIO"], ["TWG"], "Q1-4", 1, 4),
    ("12.2", 12, ["CWIO"], ["TWG"], "Q1-4", 1, 4),
    ("12.3", 12, ["CWIO"], ["TWG"], "Q1-4", 1, 4),
    ("12.4", 12, ["CWIO"], ["TWG"], "Q1-4", 1, 4),
    ("12.5", 12, ["CWIO"], ["TWG"], "Q1-4", 1, 4),
    ("12.6", 12, ["CIO"], ["TWG"], "Q1-4", 1, 4),
    ("12.7", 12, ["CWIO"], ["SWG", "MWG"], "Q1-4", 1, 4),
    ("13.1", 13, ["CIO"], ["TWG"], "Q1-3", 1, 3),
    ("13.2", 13, ["CIO"], ["TWG"], "Q1-4", 1, 4),
    ("14.1", 14, ["ECN"], ["IHWGS"], "Q1-4", 1, 4),
    ("14.2", 14, ["ECN"], ["IHWGS"], "Q1-4", 1, 4),
    ("15.1", 15, ["CWIO"], ["TWG"], "Q1-4", 1, 4),
    ("15.2", 15, ["CWIO"], ["TWG"], "Q1-4", 1, 4),
    ("16.1", 16, ["CFO"], ["ICS Board"], "Q1-4", 1, 4),
    ("16.2", 16, ["CDO"], ["BSOL ICS CEO Board"], "Q1-Q3", 1, 3),
    ("16.3", 16, ["CDO"], ["BSOL ICS CEO Board"], "Q1-2", 1, 2),
    ("16.4", 16, ["CDO"], ["BSOL ICS CEO Board"], "Q1-3", 1, 3),
    ("17.1", 17, ["CWIO"], ["IC"], "Q1-4", 1, 4),
    ("18.1", 18, ["CIO"], ["SRIG"], "Q1-4", 1, 4),
    ("18.2", 18, ["CIO"], ["SRIG"], "Q1-4", 1, 4),
    ("18.3", 18, ["CIO"], ["SRIG"], "Q1-4", 1, 4),
    ("18.4", 18, ["CIO"], ["SRIG"], "Q1-4", 1, 4),
    ("18.5", 18, ["CIO"], ["SRIG"], "Q1-4", 1, 4),
    ("19.1", 19, ["CIO"], ["SRIG"], "Q1-4", 1, 4),
    ("19.2", 19, ["CIO"], ["SRIG"], "Q1-4", 1, 4),
    ("19.3", 19, ["CIO"], ["SRIG"], "Q1-4", 1, 4),
    ("19.4", 19, ["CIO"], ["SRIG"], "Q1-4", 1, 4),
    ("20.1", 20, ["CLO"], ["SEPSG"], "Q1-4", 1, 4),
    ("20.2", 20, ["CLO"], ["SEPSG"], "Q1-4", 1, 4),
]


@pytest.fixture
def deliverables(plan_2021):
    return {d.reference: d for d in Deliverable.objects.in_plan(plan_2021).with_plan_details()}


@pytest.mark.django_db
class TestCounts:
    def test_exactly_the_plans_shape(self, plan_2021):
        assert Theme.objects.filter(plan=plan_2021).count() == 9
        assert Objective.objects.filter(plan=plan_2021).count() == 20
        assert Deliverable.objects.in_plan(plan_2021).count() == 63
        assert plan_2021.quarters.count() == 4

    def test_loading_twice_duplicates_nothing(self, plan_2021):
        call_command("load_plan", verbosity=0)
        call_command("load_plan", reload=True, verbosity=0)
        assert Plan.objects.count() == 1
        assert Deliverable.objects.count() == 63
        assert KeyIndicator.objects.count() == 103
        assert Owner.objects.count() == 16
        assert AssuranceGroup.objects.count() == 36

    def test_loading_again_keeps_an_administrators_correction(self, plan_2021):
        Owner.objects.filter(code="CDO").update(title="Chief Digital Officer")
        call_command("load_plan", verbosity=0)
        assert Owner.objects.get(code="CDO").title == "Chief Digital Officer"

    def test_every_plan_row_has_a_first_history_entry(self, plan_2021):
        assert Deliverable.history.filter(history_type="+").count() == 63
        assert Objective.history.filter(history_type="+").count() == 20


@pytest.mark.django_db
class TestEveryDeliverableMatchesTheSeed:
    def test_the_table_covers_63_deliverables(self):
        assert len({row[0] for row in SEED_TABLE}) == 63

    @pytest.mark.parametrize(
        ("reference", "objective", "owners", "groups", "delivery", "start", "end"), SEED_TABLE
    )
    def test_deliverable(
        self, deliverables, reference, objective, owners, groups, delivery, start, end
    ):
        deliverable = deliverables[reference]
        assert deliverable.objective.number == objective
        assert [owner.code for owner in deliverable.ordered_owners] == owners
        assert [group.label for group in deliverable.ordered_assurance_groups] == groups
        assert (deliverable.delivery, deliverable.start_quarter, deliverable.end_quarter) == (
            delivery,
            start,
            end,
        )
        deliverable.full_clean()  # the stored quarters agree with the label


@pytest.mark.django_db
class TestReadingTheSourceClosely:
    @pytest.mark.parametrize("code", ["CDO", "DQD", "DCA", "ALL"])
    def test_owners_missing_from_the_key_keep_their_code_without_a_title(self, plan_2021, code):
        owner = Owner.objects.get(code=code)
        assert (owner.title, owner.in_plan_key) == ("", False)
        assert owner.full_title == "Full title not given in the plan"

    def test_owners_in_the_key_have_their_title(self, plan_2021):
        assert Owner.objects.get(code="CWIO").title == "Chief Workforce & International Officer"
        assert Owner.objects.get(code="DCEO").in_plan_key

    @pytest.mark.parametrize("code", ["TWG", "ODG", "IGG", "MWG", "CQC"])
    def test_groups_missing_from_the_key_keep_their_code(self, plan_2021, code):
        group = AssuranceGroup.objects.get(code=code)
        assert (group.name, group.in_plan_key) == ("", False)
        assert group.full_name == "Full name not given in the plan"

    @pytest.mark.parametrize(
        "name", ["BSOL ICS CEO Board", "ICS Board", "STP Board", "Board of Directors"]
    )
    def test_boards_without_a_code_are_named(self, plan_2021, name):
        group = AssuranceGroup.objects.get(name=name)
        assert (group.code, group.label, group.in_plan_key) == ("", name, False)

    def test_the_key_lists_groups_the_table_does_not_use(self, plan_2021):
        unused = AssuranceGroup.objects.filter(deliverables__isnull=True)
        assert {g.code for g in unused} == {"COG", "DRM", "FIG", "HOPDG", "LSCB", "SOSG"}

    def test_no_cell_became_one_odd_name(self, plan_2021):
        labels = [group.label for group in AssuranceGroup.objects.all()]
        labels += [owner.code for owner in Owner.objects.all()]
        assert not [label for label in labels if "/" in label or label.count(" ") > 4]
        assert not Owner.objects.filter(code__contains=" ").exists()

    def test_cut_off_key_indicators_are_kept_and_marked(self, plan_2021):
        cut = KeyIndicator.objects.filter(is_incomplete=True).order_by("objective__number")
        assert [(k.objective.number, k.text) for k in cut] == [
            (1, "Managers to have single views of financial and"),
            (3, "Timely and complete observations and pain"),
            (8, "Increased proportion of bank staff (as a share of"),
            (18, "Increase diversification of research & innovat"),
        ]

    def test_key_indicators_are_rows_under_their_perspective(self, plan_2021):
        objective = Objective.objects.get(plan=plan_2021, number=11)
        rows = [(k.perspective, k.text) for k in objective.key_indicators.all()]
        assert rows[0] == (
            "corporate",
            "Identification of available additional acute / community capacity",
        )
        assert ("staff", "Mobile workforce") in rows
        assert rows[-2:] == [
            ("patient", "Friends and family test"),
            ("patient", "Patient feedback"),
        ]
        assert KeyIndicator.objects.filter(objective__plan=plan_2021).count() == 103

    def test_no_html_left_in_the_text(self, plan_2021):
        texts = list(Deliverable.objects.values_list("description", flat=True))
        texts += list(KeyIndicator.objects.values_list("text", flat=True))
        assert not [text for text in texts if "<" in text or ">" in text]

    def test_bullet_lists_are_kept_as_lists(self, deliverables):
        assert deliverables["6.4"].description.splitlines() == [
            "Further develop Clinical Portal including:",
            "• Undertaking gap analysis of Concerto functionality to allow this to be "
            "re-provided before Concerto is decommissioned",
            "• Integration of the Health Information Exchange (HIE)",
            "• Rebuilding of the video component to integrate the DrDoctor platform",
        ]
        assert "(as part of the wider shared care records programme)" in (
            deliverables["5.3"].description
        )

    def test_themes_1_to_3_as_decided_in_the_adr(self, plan_2021):
        themes = {o.number: o.theme.number for o in Objective.objects.filter(plan=plan_2021)}
        assert (themes[1], themes[2], themes[3], themes[4]) == (3, 1, 2, 2)
        assert all(
            Theme.objects.get(plan=plan_2021, number=n).objectives.exists() for n in range(1, 10)
        )

    def test_the_cdo_owns_14_deliverables(self, plan_2021):
        assert Owner.objects.get(code="CDO").deliverables.count() == 14
