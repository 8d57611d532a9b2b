"""Long pages have a map (issue 28): an in-page contents list whose links all land on the page,
and a way back to the top; the dashboard's detail is folded so its first screen answers the
Board's three questions."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["reporting:dashboard", "reporting:board_report", "deliverables:rag_grid"]
)
def test_each_long_page_has_a_map_whose_links_land(client, people, cdo_deliverable, q2, name):
    client.force_login(people["viewer"])
    page = client.get(reverse(name)).content.decode()
    nav = re.search(r'<nav class="nhsuk-contents-list[^"]*"[^>]*>(.*?)</nav>', page, re.S)
    assert nav, name
    targets = re.findall(r'href="#([^"]+)"', nav.group(1))
    assert targets
    for target in targets:
        assert f'id="{target}"' in page, (name, target)
    assert 'href="#maincontent">Back to top</a>' in page


def test_the_pack_has_a_map(client, people, cdo_deliverable, q2, dhg):
    client.force_login(people["secretary"])
    page = client.get(reverse("reporting:group_pack", args=[dhg.pk])).content.decode()
    for target in ("pack-summary", "chair-reports", "pack-deliverables", "open-actions"):
        assert f'href="#{target}"' in page and f'id="{target}"' in page


def test_the_dashboards_detail_is_folded(client, people, cdo_deliverable, q2):
    client.force_login(people["viewer"])
    page = client.get(reverse("reporting:dashboard")).content.decode()
    folded = re.findall(r'<details class="nhsuk-details uhb-section-details"([^>]*)>', page)
    assert len(folded) >= 3 and all("open" not in attrs for attrs in folded)
    # The three questions come first, in this order, before any folded section.
    first = [page.index(f'id="{i}"') for i in ("how-are-we-doing", "assurance", "what-changed")]
    assert first == sorted(first) and first[-1] < page.index("uhb-section-details")
