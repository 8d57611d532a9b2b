import datetime

import pytest
from django.urls import reverse

from accounts.roles import EXECUTIVE_OWNERS
from deliverables.models import StatusUpdate
from tests.deliverables.factories import DeliverableFactory, OwnerFactory, StatusUpdateFactory
from tests.factories import UserFactory

ROLES = ["anonymous", "nobody", "viewer", "secretary", "cfo", "cdo", "delegate", "admin"]


def client_for(client, people, role):
    if role != "anonymous":
        client.force_login(people[role])
    return client


def form_data(deliverable, **fields):
    prefix = f"d{deliverable.pk}-"
    values = {"status": "green", "narrative": "Pilot live on two wards.", "version": "0"} | fields
    return {prefix + key: value for key, value in values.items()}


@pytest.mark.django_db
class TestPermissionMatrix:
    """Every role against every page and every POST of this issue (403 is the proper page)."""

    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("anonymous", 302),
            ("nobody", 403),
            ("viewer", 200),
            ("secretary", 200),
            ("cfo", 200),
            ("cdo", 200),
            ("delegate", 200),
            ("admin", 200),
        ],
    )
    def test_deliverable_page(self, client, people, cdo_deliverable, role, expected):
        url = reverse("deliverables:detail", args=[cdo_deliverable.pk])
        assert client_for(client, people, role).get(url).status_code == expected

    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("anonymous", 302),
            ("nobody", 403),
            ("viewer", 403),
            ("secretary", 403),
            ("cfo", 200),
            ("cdo", 200),
            ("delegate", 200),
            ("admin", 200),
        ],
    )
    def test_my_updates(self, client, people, plan, role, expected):
        response = client_for(client, people, role).get(reverse("deliverables:my_updates"))
        assert response.status_code == expected

    @pytest.mark.parametrize(
        ("role", "get", "post"),
        [
            ("anonymous", 302, 302),
            ("nobody", 403, 403),
            ("viewer", 403, 403),
            ("secretary", 403, 403),
            ("cfo", 403, 403),  # another executive, by the page or by a crafted POST
            ("cdo", 200, 302),
            ("delegate", 200, 302),
            ("admin", 200, 302),
        ],
    )
    def test_update_page_and_post(self, client, people, cdo_deliverable, q2, role, get, post):
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        client = client_for(client, people, role)
        assert client.get(url).status_code == get
        response = client.post(url, form_data(cdo_deliverable))
        assert response.status_code == post
        assert StatusUpdate.objects.exists() == (post == 302 and role != "anonymous")

    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("anonymous", 302),
            ("nobody", 403),
            ("viewer", 200),
            ("secretary", 200),
            ("cfo", 200),
            ("cdo", 200),
            ("delegate", 200),
            ("admin", 200),
        ],
    )
    def test_plan_page(self, client, people, plan, role, expected):
        response = client_for(client, people, role).get(reverse("objectives:plan_overview"))
        assert response.status_code == expected

    @pytest.mark.parametrize("role", ROLES)
    def test_home_redirects_everyone(self, client, people, role):
        assert client_for(client, people, role).get(reverse("home")).status_code == 302

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize(
        "name",
        ["home", "objectives:plan_overview", "deliverables:my_updates", "deliverables:detail"],
    )
    def test_read_only_pages_refuse_posts(self, client, people, cdo_deliverable, role, name):
        url = reverse(name, args=[cdo_deliverable.pk] if name == "deliverables:detail" else [])
        response = client_for(client, people, role).post(url, {})
        assert response.status_code == (302 if role == "anonymous" else 405)
        assert not StatusUpdate.objects.exists()

    def test_refusal_is_the_proper_403_page(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cfo"])
        response = client.post(
            reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2]),
            form_data(cdo_deliverable),
        )
        page = response.content.decode()
        assert response.status_code == 403
        assert "<h1>You cannot do that</h1>" in page
        assert "not one of yours to update" in page

    @pytest.mark.parametrize("method", ["put", "patch", "delete"])
    def test_other_methods_are_not_allowed(self, client, people, cdo_deliverable, method):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        assert getattr(client, method)(url).status_code == 405

    @pytest.mark.parametrize(
        ("role", "landing"),
        [
            ("cdo", "deliverables:my_updates"),
            ("delegate", "deliverables:my_updates"),
            ("secretary", "reporting:my_groups"),
            ("viewer", "reporting:dashboard"),
            ("admin", "reporting:dashboard"),
        ],
    )
    def test_home_sends_each_role_to_its_landing_page(self, client, people, role, landing):
        client.force_login(people[role])
        assert client.get(reverse("home"))["Location"] == reverse(landing)


@pytest.mark.django_db
class TestMyUpdates:
    def test_lists_exactly_what_is_owed_grouped_with_deadline(
        self, client, people, plan, q1, q2, cdo, cdo_deliverable, cfo_deliverable
    ):
        done = DeliverableFactory(objective__theme__plan=plan, owners=[cdo])
        StatusUpdateFactory(deliverable=done, quarter=q2)
        late = DeliverableFactory(
            objective__theme__plan=plan, owners=[cdo], delivery="Q1", start_quarter=1, end_quarter=1
        )
        finished = DeliverableFactory(objective__theme__plan=plan, owners=[cdo])
        StatusUpdateFactory(deliverable=finished, quarter=q1, status="complete")
        not_yet = DeliverableFactory(
            objective__theme__plan=plan, owners=[cdo], delivery="Q3", start_quarter=3, end_quarter=3
        )
        client.force_login(people["cdo"])
        response = client.get(reverse("deliverables:my_updates"))
        page = response.content.decode()
        groups = response.context["groups"]
        assert [row["deliverable"] for row in groups["missing"]] == [cdo_deliverable]
        assert [row["deliverable"] for row in groups["overdue"]] == [late]
        assert [row["deliverable"] for row in groups["done"]] == [done]
        for absent in (cfo_deliverable, finished, not_yet):
            assert f'id="deliverable-{absent.pk}"' not in page
        assert "Updates are due by <strong>Friday 15 October 2021</strong> (passed" in page
        assert "1 missing, 1 overdue, 1 done" in page

    def test_one_compact_row_each_in_the_order_to_do_them(
        self, client, people, plan, q1, q2, cdo, cdo_deliverable
    ):
        done = DeliverableFactory(objective__theme__plan=plan, owners=[cdo])
        StatusUpdateFactory(deliverable=done, quarter=q2, status="green")
        StatusUpdateFactory(deliverable=cdo_deliverable, quarter=q1, status="amber")
        late = DeliverableFactory(
            objective__theme__plan=plan, owners=[cdo], delivery="Q1", start_quarter=1, end_quarter=1
        )
        client.force_login(people["cdo"])
        response = client.get(reverse("deliverables:my_updates"))
        page = response.content.decode()
        assert [row["deliverable"] for row in response.context["rows"]] == [
            late,
            cdo_deliverable,
            done,
        ]
        # No form on the overview: each row links to its update (its own page, or in place).
        assert "<textarea" not in page and page.count('uhb-queue-row" role="row"') == 3
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        assert f'href="{url}?next=%2Fmy-updates%2F"' in page and f'hx-get="{url}"' in page
        assert "Last quarter (Q1)" in page and "At risk (Amber)" in page
        assert "Overdue: update missing" in page and "Update missing" in page

    def test_an_update_opens_in_place_with_last_quarters_beside_it(
        self, client, people, cdo_deliverable, q1, q2
    ):
        StatusUpdateFactory(deliverable=cdo_deliverable, quarter=q1, narrative="Q1 went to plan.")
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        panel = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert panel.lstrip().startswith("<tr") and f'id="panel-{cdo_deliverable.pk}"' in panel
        assert "Last quarter (Q1)" in panel and "Q1 went to plan." in panel
        assert f'hx-post="{url}"' in panel and f'hx-target="#panel-{cdo_deliverable.pk}"' in panel
        assert "<html" not in panel
        # Without JavaScript: the same form on its own page.
        page = client.get(url).content.decode()
        assert "Q1 went to plan." in page and f'action="{url}"' in page and "hx-post" not in page

    def test_no_open_quarter(self, client, people, plan):
        plan.quarters.update(state="closed")
        client.force_login(people["cdo"])
        page = client.get(reverse("deliverables:my_updates")).content.decode()
        assert "No quarter is open for updates" in page

    def test_query_count_does_not_grow_with_deliverables(
        self, client, people, plan, q1, q2, cdo, django_assert_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from assurance.models import AssuranceReview, ReviewAction
        from deliverables.models import UpdateDraft
        from tests.assurance.factories import AssuranceGroupFactory

        group = AssuranceGroupFactory()

        def add(count):
            # Each with last quarter's update, a draft, a review and an open action.
            for _ in range(count):
                deliverable = DeliverableFactory(objective__theme__plan=plan, owners=[cdo])
                deliverable.assurance_groups.add(group)
                StatusUpdateFactory(deliverable=deliverable, quarter=q1)
                UpdateDraft.objects.create(
                    deliverable=deliverable, quarter=q2, author=people["cdo"], data={}
                )
                review = AssuranceReview.objects.create(
                    deliverable=deliverable, quarter=q1, assurance_group=group, level="limited"
                )
                ReviewAction.objects.create(review=review, deliverable=deliverable, text="Do it")

        client.force_login(people["cdo"])

        def queries():
            with CaptureQueriesContext(connection) as context:
                client.get(reverse("deliverables:my_updates"))
            return len(context.captured_queries)

        add(2)
        small = queries()
        add(18)  # ten times as many
        page = client.get(reverse("deliverables:my_updates")).content.decode()
        assert page.count("Draft not yet saved") == 20 and page.count("1 open action") == 20
        assert queries() == small


@pytest.mark.django_db
class TestSaving:
    def test_plain_post_saves_and_returns_to_my_updates(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        response = client.post(url, form_data(cdo_deliverable), follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("deliverables:my_updates"))
        assert f"Saved your Q2 update for {cdo_deliverable.reference}." in response.content.decode()
        update = StatusUpdate.objects.get()
        assert (update.status, update.narrative, update.updated_by) == (
            "green",
            "Pilot live on two wards.",
            people["cdo"],
        )

    def test_htmx_save_and_close_redraws_the_row_in_place(
        self, client, people, cdo_deliverable, q2
    ):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        data = form_data(cdo_deliverable) | {"then": "list"}
        response = client.post(url, data, headers={"HX-Request": "true"})
        page = response.content.decode()
        assert response.status_code == 200 and "<html" not in page
        # The open form is replaced by nothing; the row comes back out of band, saved.
        assert page.lstrip().startswith("<template>") and "HX-Retarget" not in response
        assert f'id="deliverable-{cdo_deliverable.pk}" hx-swap-oob="outerHTML"' in page
        assert "Saved at" in page and "On track (Green)" in page and "<form" not in page
        assert StatusUpdate.objects.get().version == 1

    def test_save_and_go_to_the_next_one_still_to_do(
        self, client, people, plan, cdo, cdo_deliverable, q2
    ):
        done = DeliverableFactory(objective__theme__plan=plan, owners=[cdo])
        StatusUpdateFactory(deliverable=done, quarter=q2)
        following = DeliverableFactory(objective__theme__plan=plan, owners=[cdo])
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        data = form_data(cdo_deliverable) | {"then": "next"}
        # In place: the next one's form opens under its own row.
        response = client.post(url, data, headers={"HX-Request": "true"})
        page = response.content.decode()
        assert response["HX-Retarget"] == f"#deliverable-{following.pk}"
        assert response["HX-Reswap"] == "afterend"
        assert page.lstrip().startswith('<tr class="nhsuk-table__row uhb-panel-row"')
        assert f'id="panel-{following.pk}"' in page
        assert f'<tr id="panel-{cdo_deliverable.pk}" hx-swap-oob="delete">' in page
        assert f'id="deliverable-{cdo_deliverable.pk}" hx-swap-oob="outerHTML"' in page
        # Without JavaScript: to the next one's own page, and after the last back to the list.
        data = form_data(following) | {"then": "next"}
        url = reverse("deliverables:update_edit", args=[following.pk, 2])
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("deliverables:my_updates"))
        assert "That was the last one" in response.content.decode()
        StatusUpdate.objects.filter(deliverable=cdo_deliverable).delete()
        response = client.post(url, data | {f"d{following.pk}-version": "1"})
        assert response["Location"] == (
            reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
            + "?next=%2Fmy-updates%2F"
        )

    def test_htmx_errors_come_back_in_the_row_and_nothing_is_saved(
        self, client, people, cdo_deliverable, q2
    ):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        data = form_data(cdo_deliverable, status="red", narrative="")
        page = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
        assert 'class="nhsuk-error-summary"' in page
        assert "Describe the progress made this quarter." in page
        assert "expected completion or recovery date" in page
        assert not StatusUpdate.objects.exists()

    def test_each_error_is_listed_once(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        page = client.post(url, form_data(cdo_deliverable, narrative="")).content.decode()
        assert page.count(f'<a href="#id_d{cdo_deliverable.pk}-narrative">') == 1

    def test_plain_post_errors_show_the_summary_and_keep_the_input(
        self, client, people, cdo_deliverable, q1, q2
    ):
        StatusUpdateFactory(deliverable=cdo_deliverable, quarter=q1, status="green")
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        data = form_data(
            cdo_deliverable,
            status="amber",
            narrative="Supplier late",
            amber_date_day="31",
            amber_date_month="2",
            amber_date_year="2022",
        )
        response = client.post(url, data)
        page = response.content.decode()
        assert response.status_code == 200
        assert "<title>Error: Q2 update for" in page
        assert (
            "Give the reason the status changed from On track (Green) to At risk (Amber)." in page
        )
        # The example is a day of the form's own quarter (Q2 2021/22 ends on 30 September).
        assert "Enter a real date, for example 30 9 2021." in page
        assert f'href="#id_d{cdo_deliverable.pk}-amber_date_0"' in page
        assert "Supplier late" in page
        assert not StatusUpdate.objects.filter(quarter=q2).exists()

    def test_conflict_shows_the_newer_version_and_keeps_my_text(
        self, client, people, cdo_deliverable, q2
    ):
        StatusUpdateFactory(
            deliverable=cdo_deliverable,
            quarter=q2,
            narrative="Delegate wrote this",
            version=2,
            updated_by=people["delegate"],
        )
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        data = form_data(cdo_deliverable, narrative="CDO wrote this", version="1")
        page = client.post(url, data).content.decode()
        assert "Someone else saved this update first" in page
        assert "Delegate wrote this" in page and "CDO wrote this" in page
        assert f'name="d{cdo_deliverable.pk}-version" value="2"' in page
        assert StatusUpdate.objects.get().narrative == "Delegate wrote this"
        # Saving again, knowingly, from the newer version succeeds.
        client.post(url, form_data(cdo_deliverable, narrative="CDO wrote this", version="2"))
        assert StatusUpdate.objects.get().narrative == "CDO wrote this"

    def test_closed_quarter_is_a_clear_message(self, client, people, cdo_deliverable, q1):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 1])
        page = client.get(url).content.decode()
        assert "Q1 is closed" in page and "uhb-update-form" not in page
        page = client.post(url, form_data(cdo_deliverable)).content.decode()
        assert "is closed: updates can only be made while a quarter is open" in page
        assert not StatusUpdate.objects.exists()

    def test_administrator_corrects_a_closed_quarter(self, client, people, cdo_deliverable, q1):
        client.force_login(people["admin"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 1])
        assert "correcting a quarter that is not open" in client.get(url).content.decode()
        client.post(url, form_data(cdo_deliverable, narrative="Corrected"))
        update = StatusUpdate.objects.get()
        assert update.corrected_after_close
        detail = client.get(reverse("deliverables:detail", args=[cdo_deliverable.pk]))
        assert "Corrected after close" in detail.content.decode()
        assert "Corrected by a plan administrator after Q1 closed" in detail.content.decode()

    def test_unknown_quarter_is_a_404(self, client, people, cdo_deliverable):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 7])
        assert client.get(url).status_code == 404

    def test_next_cannot_redirect_off_site(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        response = client.post(url, form_data(cdo_deliverable) | {"next": "https://evil.example/"})
        assert response["Location"].startswith(reverse("deliverables:my_updates"))


@pytest.mark.django_db
class TestDeliverablePage:
    def test_plan_text_timeline_and_history(self, client, people, plan, q1, q2, cdo_deliverable):
        client.force_login(people["cdo"])
        client.post(
            reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2]),
            form_data(cdo_deliverable, narrative="First text"),
        )
        client.post(
            reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2]),
            form_data(
                cdo_deliverable,
                status="amber",
                narrative="Second text",
                version="1",
                amber_date_day="1",
                amber_date_month="12",
                amber_date_year="2021",
            ),
        )
        client.force_login(people["viewer"])
        page = client.get(
            reverse("deliverables:detail", args=[cdo_deliverable.pk])
        ).content.decode()
        assert cdo_deliverable.description in page
        assert "CDO: Executive CDO" in page and "DHG" in page
        assert "Q1 2021/22, Apr–Jun 2021" in page and "Update missing" in page
        assert "At risk (Amber)" in page and "Second text" in page
        assert "Quarter not open yet" in page  # Q3 and Q4
        assert "Q2 update changed" in page and "Q2 update created" in page
        assert "First text → Second text" in page
        assert "On track (Green) → At risk (Amber)" in page
        assert "Write the Q" not in page  # a viewer gets no edit links

    def test_owner_gets_an_edit_link_for_the_open_quarter(
        self, client, people, cdo_deliverable, q2
    ):
        client.force_login(people["cdo"])
        page = client.get(
            reverse("deliverables:detail", args=[cdo_deliverable.pk])
        ).content.decode()
        assert reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2]) in page
        assert reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 1]) not in page

    def test_everyone_owner_all(self, client, people, plan, q2):
        everyone = DeliverableFactory(
            objective__theme__plan=plan, owners=[OwnerFactory(code="ALL")]
        )
        client.force_login(people["cfo"])
        url = reverse("deliverables:update_edit", args=[everyone.pk, 2])
        assert client.post(url, form_data(everyone)).status_code == 302
        assert StatusUpdate.objects.get().expected_date is None


@pytest.mark.django_db
def test_every_executive_owes_what_all_own_and_nobody_else_does(
    client, people, plan, cdo_deliverable, q2
):
    """My updates reads the owners' ids first (issue 32); who owes what is as it was: an
    executive owes their own and ALL's, someone who owns nothing owes nothing, and whoever
    is one of ALL's own people owes ALL's."""
    all_owner = OwnerFactory(code="ALL")
    everyone = DeliverableFactory(objective__theme__plan=plan, owners=[all_owner])

    def owed(person):
        client.force_login(person)
        groups = client.get(reverse("deliverables:my_updates")).context["groups"]
        return {row["deliverable"] for group in groups.values() for row in group}

    assert owed(people["cdo"]) == {cdo_deliverable, everyone}
    assert owed(people["cfo"]) == {everyone}
    # An executive of no owner yet (the role, before their owner is named).
    newcomer = UserFactory(username="newcomer", role=EXECUTIVE_OWNERS)
    assert owed(newcomer) == set()
    all_owner.users.add(newcomer)
    assert owed(newcomer) == {everyone}


@pytest.mark.django_db
def test_an_administrator_who_is_also_an_owner_sees_only_what_they_owe(
    client, people, cdo, cdo_deliverable, cfo_deliverable, q2
):
    cdo.users.add(people["admin"])
    client.force_login(people["admin"])
    rows = client.get(reverse("deliverables:my_updates")).context["groups"]
    listed = [row["deliverable"] for group in rows.values() for row in group]
    assert listed == [cdo_deliverable]  # may edit the CFO's, but does not owe it


@pytest.mark.django_db
class TestConditionalReveal:
    """Each status's date and reason sit under that status (NHS.UK conditional reveal); a label
    never says optional for a field that some status requires."""

    def test_fields_are_revealed_under_the_status_that_needs_them(
        self, client, people, cdo_deliverable, q2
    ):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        page = client.get(url).content.decode()
        prefix = f"id_d{cdo_deliverable.pk}"
        for index, names in [
            (2, ["amber_date"]),
            (3, ["red_date"]),
            (5, ["deferred_reason", "deferred_date"]),
            (6, ["closed_reason"]),
        ]:
            radio = f'id="{prefix}-status_{index}"'
            assert f'data-uhb-reveals="{prefix}-status_{index}-conditional"' in page
            block = page.split(f'id="{prefix}-status_{index}-conditional"')[1].split(
                "nhsuk-radios__item"
            )[0]
            for name in names:
                assert f'id="div_{prefix}-{name}"' in block, (radio, name)
        # Without JavaScript every field shows; only the design system's script hides the
        # unchosen ones, so each says when it is needed.
        assert "Needed for At risk" in page and "Needed for Deferred" in page
        assert page.count(f'id="div_{prefix}-amber_date"') == 1  # rendered once, under Amber

    def test_labels_say_optional_only_when_never_required(
        self, client, people, cdo_deliverable, q2
    ):
        client.force_login(people["cdo"])
        page = client.get(
            reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        ).content.decode()
        for label in (
            "Reason for the change of status",
            "Expected recovery date",
            "Reason for deferring",
            "Deferred to",
            "Reason for closing",
        ):
            assert f"{label} (optional)" not in page and label in page
        assert "Risks and issues (optional)" in page and "Next steps (optional)" in page

    def test_deferred_saves_its_own_reason_and_date(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        data = form_data(
            cdo_deliverable,
            status="deferred",
            deferred_reason="Waiting for the new system",
            deferred_date_day="1",
            deferred_date_month="2",
            deferred_date_year="2022",
            amber_date_day="5",  # typed under Amber before changing mind: ignored
            amber_date_month="1",
            amber_date_year="2022",
        )
        assert client.post(url, data).status_code == 302
        update = StatusUpdate.objects.get()
        assert update.reason_for_change == "Waiting for the new system"
        assert update.expected_date == datetime.date(2022, 2, 1)
        # Shown again under Deferred when the form is opened to change it.
        page = client.get(url).content.decode()
        assert "Waiting for the new system" in page

    def test_a_missing_date_is_reported_on_the_chosen_statuss_input(
        self, client, people, cdo_deliverable, q2
    ):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        data = form_data(
            cdo_deliverable,
            status="red",
            reason_for_change="Slipped",
            amber_date_day="5",
            amber_date_month="1",
            amber_date_year="2022",
        )
        page = client.post(url, data).content.decode()
        assert f'href="#id_d{cdo_deliverable.pk}-red_date_0"' in page
        assert "needed when the status is Off track (Red)" in page
        assert not StatusUpdate.objects.exists()

    def test_closed_without_a_reason_points_at_its_reason(
        self, client, people, cdo_deliverable, q2
    ):
        client.force_login(people["cdo"])
        url = reverse("deliverables:update_edit", args=[cdo_deliverable.pk, 2])
        page = client.post(url, form_data(cdo_deliverable, status="closed")).content.decode()
        assert f'href="#id_d{cdo_deliverable.pk}-closed_reason"' in page
        assert "Give the reason this deliverable is closed." in page


@pytest.mark.django_db
class TestStartFromLastQuarter:
    """Issue 14, part 2: one click copies last quarter's update into the form, marked as copied;
    saving last quarter's progress unchanged asks to confirm "no change"."""

    @pytest.fixture
    def previous(self, cdo_deliverable, q1):
        return StatusUpdateFactory(
            deliverable=cdo_deliverable,
            quarter=q1,
            status="amber",
            narrative="Supplier chosen; contract being signed.",
            risks="Contract delay",
            next_steps="Sign contract",
            expected_date=datetime.date(2021, 12, 31),
        )

    def url(self, deliverable):
        return reverse("deliverables:update_edit", args=[deliverable.pk, 2])

    def test_the_page_offers_it_and_copies_every_part(
        self, client, people, cdo_deliverable, previous, q2
    ):
        client.force_login(people["cdo"])
        page = client.get(self.url(cdo_deliverable)).content.decode()
        assert "Start from the Q1 update" in page and "No change since last quarter" in page
        response = client.get(self.url(cdo_deliverable), {"start": "previous"})
        form = response.context["form"]
        assert form.copied_from == previous
        assert (form.initial["status"], form.initial["narrative"]) == ("amber", previous.narrative)
        assert form.initial["amber_date"] == datetime.date(2021, 12, 31)
        assert form.initial["risks"] == "Contract delay"
        assert "Copied from the Q1 update" in response.content.decode()

    def test_in_place_on_my_updates(self, client, people, cdo_deliverable, previous, q2):
        client.force_login(people["cdo"])
        panel = client.get(self.url(cdo_deliverable), headers={"HX-Request": "true"})
        assert f'hx-get="{self.url(cdo_deliverable)}?start=previous"' in panel.content.decode()
        row = client.get(
            self.url(cdo_deliverable), {"start": "previous"}, headers={"HX-Request": "true"}
        )
        html = row.content.decode()
        assert f'id="panel-{cdo_deliverable.pk}"' in html and "Copied from the Q1 update" in html
        assert previous.narrative in html

    def test_an_unchanged_copy_must_be_confirmed(
        self, client, people, cdo_deliverable, previous, q2
    ):
        client.force_login(people["cdo"])
        data = form_data(
            cdo_deliverable,
            status="amber",
            narrative=previous.narrative,
            amber_date_day="31",
            amber_date_month="12",
            amber_date_year="2021",
        )
        page = client.post(self.url(cdo_deliverable), data).content.decode()
        assert "This is Q1&#x27;s progress, unchanged." in page
        assert not StatusUpdate.objects.filter(quarter=q2).exists()
        response = client.post(
            self.url(cdo_deliverable), data | {f"d{cdo_deliverable.pk}-no_change": "on"}
        )
        assert response.status_code == 302
        assert StatusUpdate.objects.get(quarter=q2).narrative == previous.narrative

    def test_a_changed_narrative_needs_no_confirmation(
        self, client, people, cdo_deliverable, previous, q2
    ):
        client.force_login(people["cdo"])
        data = form_data(
            cdo_deliverable,
            status="amber",
            narrative=previous.narrative + " Now signed.",
            amber_date_day="31",
            amber_date_month="12",
            amber_date_year="2021",
        )
        assert client.post(self.url(cdo_deliverable), data).status_code == 302

    def test_nothing_to_copy_in_a_first_quarter(self, client, people, cdo_deliverable, q2):
        client.force_login(people["cdo"])
        response = client.get(self.url(cdo_deliverable), {"start": "previous"})
        page = response.content.decode()
        assert "Start from the" not in page and "No change since last quarter" not in page
        assert response.context["form"].copied_from is None
