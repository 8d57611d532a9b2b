"""One way of saying each thing (issue 15's consistency sweep, in part)."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_filters_say_what_no_choice_means(client, people, plan):
    client.force_login(people["viewer"])
    page = client.get(reverse("assurance:deliverable_list")).content.decode()
    for label in ("Any theme", "Any objective", "Any owner", "Any group", "Any status"):
        assert f">{label}</option>" in page
    assert "---------" not in page


def test_the_accessibility_statement_is_honest_and_gives_a_contact(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@example.nhs.uk"
    page = client.get(reverse("accessibility")).content.decode()
    assert "partially compliant" in page and "fully compliant" not in page
    assert 'href="mailto:access@example.nhs.uk"' in page
