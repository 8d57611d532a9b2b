"""One way of saying each thing (issue 15's consistency sweep, in part)."""

import pytest
from django.urls import reverse

from accounts.roles import VIEWERS
from tests.factories import UserFactory


@pytest.fixture
def board_member(db):
    """A reader for tests on the real plan (the `people` fixture makes Owners of its own, whose
    codes the loaded plan also uses)."""
    return UserFactory(username="board-member", role=VIEWERS)


@pytest.mark.django_db
def test_filters_say_what_no_choice_means(client, people, plan):
    client.force_login(people["viewer"])
    page = client.get(reverse("reporting:deliverable_list")).content.decode()
    for label in ("Any theme", "Any objective", "Any owner", "Any group", "Any status"):
        assert f">{label}</option>" in page
    assert "---------" not in page


def test_the_accessibility_statement_is_honest_and_gives_a_contact(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@example.nhs.uk"
    page = client.get(reverse("accessibility")).content.decode()
    assert "partially compliant" in page and "fully compliant" not in page
    assert 'href="mailto:access@example.nhs.uk"' in page


@pytest.mark.django_db
def test_the_rag_grid_runs_by_theme_in_full_text_and_links_only_what_has_content(
    client, board_member, plan_2021
):
    from objectives.models import Quarter

    Quarter.objects.filter(plan=plan_2021, number=1).update(state="open")
    client.force_login(board_member)
    response = client.get(reverse("deliverables:rag_grid"))
    page = response.content.decode()
    themes = [row.deliverable.objective.theme.number for row in response.context["grid"].rows]
    assert themes == sorted(themes)
    assert "…" not in page and "Creation of a range of community diagnostic hubs" in page
    # Q2–Q4 are not open: their cells say so, with no link to follow.
    assert page.count("Quarter not open yet</a>") == 0 and "Quarter not open yet" in page


@pytest.mark.django_db
def test_data_quality_notes_never_reach_board_members(client, board_member, plan_2021):
    """ "Full title not given in the plan" is for administrators (Django admin), not readers."""
    from assurance.models import AssuranceGroup
    from deliverables.models import Deliverable

    client.force_login(board_member)
    deliverable = Deliverable.objects.filter(owners__title="").first()
    group = AssuranceGroup.objects.filter(name="").first() or AssuranceGroup.objects.first()
    pages = [
        reverse("deliverables:detail", args=[deliverable.pk]),
        reverse("objectives:plan_overview"),
        reverse("reporting:group_pack", args=[group.pk]),
        reverse("reporting:board_report"),
    ]
    for url in pages:
        page = client.get(url, follow=True).content.decode()
        assert "not given in the plan" not in page, url
        assert "[cut off in the source]" not in page, url


@pytest.mark.django_db
def test_the_deliverables_list_in_full_text(client, board_member, plan_2021):
    client.force_login(board_member)
    page = client.get(reverse("reporting:deliverable_list"), {"q": "11.2"}).content.decode()
    assert "Smart Diagnostics:</h2>" in page  # the first paragraph is the heading, whole
    for bullet in ("Breast screening artificial intelligence", "community diagnostic hubs"):
        assert bullet in page
    page = client.get(reverse("reporting:deliverable_list")).content.decode()
    assert "…" not in page


def test_tags_for_quarter_states_and_sign_off_come_from_their_tables():
    """Chosen in templates before (issue 26); now one table each, beside the states."""
    import re
    from pathlib import Path

    from django.conf import settings

    from deliverables.models import SIGN_OFF_TAGS, SignOff, StatusUpdate
    from objectives.models import Quarter

    assert Quarter(state="open").tag_class == "nhsuk-tag--green"
    assert Quarter(state="closed").tag_class == "nhsuk-tag--grey"
    assert Quarter(state="upcoming").tag_class == "nhsuk-tag--white"
    for state in (SignOff.AWAITING, SignOff.RETURNED, SignOff.APPROVED):
        assert StatusUpdate(sign_off=state).sign_off_tag_class == SIGN_OFF_TAGS[state]
    chosen_in_a_template = re.compile(
        r"nhsuk-tag \{% if [^%]*(sign_off|is_open|is_closed|is_upcoming)[^%]*%\}nhsuk-tag--"
    )
    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "node_modules" not in path.parts
        and chosen_in_a_template.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
