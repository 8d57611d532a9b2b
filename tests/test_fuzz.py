"""Property-based tests: random, huge, unicode, HTML/JS and SQL-looking input to every form and
query parameter. Never a 500, always an answer, nothing stored half-way."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assurance.models import AssuranceReview
from deliverables.models import StatusUpdate

NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE deliverables_deliverable; --",
    "1 OR 1=1",
    '=HYPERLINK("http://x")',
    "\x00",
    "../../etc/passwd",
    "%00%27",
    "😀" * 50,
    "ｅｘｐｒｅｓｓｉｏｎ",
    "",
    " ",
    "9" * 40,
    "-1",
    "2021/22",
    "Q5",
]
text = st.one_of(
    st.sampled_from(NASTY), st.text(max_size=300), st.text(min_size=5000, max_size=9000)
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.django_db
class TestForms:
    @FUZZ
    @given(
        status=st.one_of(
            st.sampled_from(
                ["green", "amber", "red", "complete", "deferred", "closed", "not_started"]
            ),
            text,
        ),
        narrative=text,
        reason=text,
        risks=text,
        day=text,
        month=text,
        year=text,
        version=text,
        htmx=st.booleans(),
    )
    def test_status_update(
        self,
        client,
        people,
        cdo_deliverable,
        q2,
        status,
        narrative,
        reason,
        risks,
        day,
        month,
        year,
        version,
        htmx,
    ):
        client.force_login(people["cdo"])
        pk = cdo_deliverable.pk
        data = {
            f"d{pk}-status": status,
            f"d{pk}-narrative": narrative,
            f"d{pk}-reason_for_change": reason,
            f"d{pk}-risks": risks,
            f"d{pk}-next_steps": narrative[:10],
            # Every status's own date and reason inputs get the same fuzzed text.
            **{
                f"d{pk}-{name}_{part}": value
                for name in ("amber_date", "red_date", "deferred_date")
                for part, value in (("day", day), ("month", month), ("year", year))
            },
            f"d{pk}-deferred_reason": reason,
            f"d{pk}-closed_reason": reason,
            f"d{pk}-version": version,
        }
        before = list(StatusUpdate.objects.values_list("version", "narrative"))
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.post(
            reverse("deliverables:update_edit", args=[pk, 2]), data, headers=headers
        )
        assert response.status_code in (200, 302)
        after = list(StatusUpdate.objects.values_list("version", "narrative"))
        if response.status_code == 200 and b"Saved at" not in response.content:
            assert after == before  # refused: nothing stored
            assert (
                b"There is a problem" in response.content
                or b"Someone else saved" in response.content
            )
        for update in StatusUpdate.objects.all():
            update.full_clean()  # whatever was stored is whole and valid
            assert update.history.count() == update.version

    @FUZZ
    @given(
        level=st.one_of(st.sampled_from(["substantial", "none"]), text), comments=text, actions=text
    )
    def test_review(self, client, people, cdo_deliverable, dhg, q2, level, comments, actions):
        client.force_login(people["secretary"])
        url = reverse("assurance:review_edit", args=[dhg.pk, cdo_deliverable.pk, 2])
        response = client.post(
            url, {"level": level, "comments": comments, "actions_requested": actions}
        )
        assert response.status_code in (200, 302)
        for review in AssuranceReview.objects.all():
            review.full_clean()

    @FUZZ
    @given(username=text, password=text)
    def test_login(self, client, username, password):
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert response.status_code in (200, 429)


PARAMS = [
    "plan",
    "quarter",
    "q",
    "theme",
    "objective",
    "owner",
    "assurance_group",
    "status",
    "trend",
    "due",
    "missing",
    "overdue",
    "completed",
    "page",
    "group",
]
PAGES = [
    "assurance:deliverable_list",
    "assurance:dashboard",
    "deliverables:rag_grid",
    "assurance:board_report",
    "assurance:my_groups",
    "assurance:deliverable_export",
    "assurance:board_report_xlsx",
]


@pytest.mark.django_db
class TestQueryParameters:
    @FUZZ
    @given(
        page=st.sampled_from(PAGES),
        params=st.dictionaries(
            st.one_of(st.sampled_from(PARAMS), st.text(max_size=20)), text, max_size=6
        ),
    )
    def test_any_query_string(self, client, people, hand_built, page, params):
        client.force_login(people["secretary"])
        args = ["csv"] if page == "assurance:deliverable_export" else []
        response = client.get(reverse(page, args=args), params)
        assert response.status_code == 200
