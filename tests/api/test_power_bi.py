"""The Power Query on the tokens page pages as the Power BI service refreshes it (issue 29):
a fixed base address with `RelativePath` and `Query`, pages 2..N from the first page's
`count`. Run here against the API the same way, it reaches every row exactly once."""

import math
import re

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from accounts.roles import VIEWERS
from tests.deliverables.factories import DeliverableFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_m_code_pages_by_count_to_every_row(client, plan, q2):
    for _ in range(7):
        DeliverableFactory(objective__theme__plan=plan)
    person = UserFactory(role=VIEWERS)
    client.force_login(person)
    page = client.get(reverse("api_tokens")).content.decode()
    assert "RelativePath = &quot;deliverables/&quot;" in page
    assert "Web.Contents(next" not in page and f"plan = &quot;{plan.financial_year}&quot;" in page
    client.logout()
    text = ApiToken.issue(person, "Power BI")[1]
    size = 3  # the code's PageSize, small so there are several pages

    def get_page(number):
        query = {"plan": plan.financial_year, "quarter": "2", "page_size": size, "page": number}
        response = client.get("/api/v1/deliverables/", query, HTTP_AUTHORIZATION=f"Bearer {text}")
        assert response.status_code == 200
        return response.json()

    first = get_page(1)
    page_count = math.ceil(first["count"] / size)
    rows = first["results"] + [r for n in range(2, page_count + 1) for r in get_page(n)["results"]]
    assert first["count"] == 7 and len(rows) == 7 and len({r["id"] for r in rows}) == 7
    assert get_page(page_count + 1)["results"] == []  # one page too many is no failure


def test_the_m_code_is_well_formed(client, plan):
    client.force_login(UserFactory(role=VIEWERS))
    page = client.get(reverse("api_tokens")).content.decode()
    code = re.search(r"<code>(let.*?)</code>", page, re.S).group(1)
    assert code.count("(") == code.count(")") and code.count("[") == code.count("]")
    assert "{2..PageCount}" in code and code.strip().endswith("Deliverables")
