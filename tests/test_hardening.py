"""Reliability and security, round two: each class of defect an attacker's suite and a race
found, with a test that failed before its fix (issue 13)."""

import pytest
from django.urls import reverse

from tests.deliverables.test_views import form_data

HOSTILE_NEXT = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "https://evil.example/",
    "//evil.example/",
    "\\\\evil.example",
    "data:text/html,<script>alert(1)</script>",
]


@pytest.mark.django_db
class TestReturnUrls:
    """A `next` from the request becomes a link or a redirect only if it points at this site."""

    @pytest.mark.parametrize("hostile", HOSTILE_NEXT)
    def test_hostile_next_never_becomes_the_back_link(
        self, client, people, cdo_deliverable, q2, hostile
    ):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        response = client.get(url, {"next": hostile})
        assert response.context["next"] == ""
        page = response.content.decode()
        back = reverse("deliverables:detail", args=[cdo_deliverable.pk])
        assert f'class="nhsuk-back-link" href="{back}"' in page
        assert "evil.example" not in page and "javascript:" not in page.lower()

    @pytest.mark.parametrize("hostile", HOSTILE_NEXT)
    def test_hostile_next_never_becomes_the_redirect(
        self, client, people, cdo_deliverable, q2, hostile
    ):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        response = client.post(
            url + "?next=" + hostile, form_data(cdo_deliverable) | {"next": hostile}
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("deliverables:my_updates"))

    def test_a_page_of_this_site_is_kept(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        mine = reverse("assurance:deliverable_list") + "?quarter=2"
        page = client.get(url, {"next": mine}).content.decode()
        assert 'class="nhsuk-back-link" href="/deliverables/?quarter=2"' in page
        assert client.post(url, form_data(cdo_deliverable) | {"next": mine})["Location"] == mine
