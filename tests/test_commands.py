import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from assurance.models import AssuranceGroup
from deliverables.models import Owner

# The demo as on 8 October 2021, in 2021/22's Q2 (seed_demo rolls over into today's year).
IN_Q2_2021 = datetime.date(2021, 10, 8)


@pytest.mark.django_db
class TestSeedDemo:
    def test_refuses_when_debug_is_off(self, settings, plan_2021):
        settings.DEBUG = False
        with pytest.raises(CommandError, match="only runs with DEBUG on"):
            call_command("seed_demo", stdout=io.StringIO(), today=IN_Q2_2021)
        assert not get_user_model().objects.filter(username="cdo").exists()

    def test_creates_linked_accounts_and_prints_them(self, settings, plan_2021):
        settings.DEBUG = True
        out = io.StringIO()
        call_command("seed_demo", stdout=out, today=IN_Q2_2021)
        call_command("seed_demo", stdout=io.StringIO(), today=IN_Q2_2021)  # twice: no duplicates
        assert "cdo" in out.getvalue() and "password for all" in out.getvalue()
        cdo = get_user_model().objects.get(username="cdo")
        assert list(cdo.owners.values_list("code", flat=True)) == ["CDO"]
        assert Owner.objects.get(code="CDO").users.count() == 2  # the CDO and a delegate
        secretary = get_user_model().objects.get(username="dhg-secretary")
        assert list(secretary.assurance_groups.all()) == [AssuranceGroup.objects.get(code="DHG")]
        admin = get_user_model().objects.get(username="admin")
        assert admin.is_staff and admin.has_perm("objectives.administer_plan")
        assert not admin.is_superuser
        assert get_user_model().objects.get(username="viewer").has_perm("objectives.view_plan")
        assert cdo.has_perm("deliverables.change_statusupdate")


@pytest.mark.django_db
class TestLoadPlan:
    def test_unreadable_fixture_is_a_clear_error(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot read the plan fixture"):
            call_command("load_plan", str(tmp_path / "nope.json"))


@pytest.mark.django_db
class TestSeedDemoUpdates:
    def test_demo_quarters_and_updates(self, settings, plan_2021):
        from deliverables.models import Deliverable, StatusUpdate

        settings.DEBUG = True
        call_command("seed_demo", stdout=io.StringIO(), today=IN_Q2_2021)
        q1, q2 = plan_2021.quarters.get(number=1), plan_2021.quarters.get(number=2)
        assert (q1.state, q2.state) == ("closed", "open")
        due_q1 = Deliverable.objects.requiring_update_in(q1)
        assert StatusUpdate.objects.filter(quarter=q1).count() == due_q1.count()
        assert 0 < StatusUpdate.objects.filter(quarter=q2).count() < 63
        for update in StatusUpdate.objects.all():
            update.full_clean()  # every demo update passes the rules users face
        count = StatusUpdate.objects.count()
        call_command("seed_demo", stdout=io.StringIO(), today=IN_Q2_2021)
        assert StatusUpdate.objects.count() == count

    def test_demo_q1_report_is_frozen_like_any_closed_quarter(self, client, settings, plan_2021):
        from django.urls import reverse

        from reporting.models import BoardReport

        settings.DEBUG = True
        call_command("seed_demo", stdout=io.StringIO(), today=IN_Q2_2021)
        q1 = plan_2021.quarters.get(number=1)
        report = BoardReport.objects.get(quarter=q1, superseded_at__isnull=True)
        assert report.created_by.username == "admin"
        assert len(report.data["deliverables"]) == 63
        assert q1.history.filter(history_change_reason="Closed").exists()
        client.force_login(report.created_by)
        page = client.get(reverse("reporting:board_report") + "?quarter=1").content.decode()
        assert "This is the report as it stood when Q1 closed" in page
        assert "Draft" not in page
        call_command(
            "seed_demo", stdout=io.StringIO(), today=IN_Q2_2021
        )  # again: the frozen report stays
        assert BoardReport.objects.filter(quarter=q1).count() == 1


@pytest.mark.django_db
class TestAssignRole:
    def run(self, *args):
        out = io.StringIO()
        call_command("assign_role", *args, stdout=out)
        return out.getvalue()

    @pytest.fixture
    def person(self, plan_2021):
        return get_user_model().objects.create_user("pat")

    def test_owner_role_links_and_grants(self, person):
        output = self.run("pat", "--owner", "CDO", "--owner", "cfo")
        assert "owner of CDO, CFO" in output or "owner of CFO, CDO" in output
        person = get_user_model().objects.get(pk=person.pk)
        assert person.has_perm("deliverables.change_statusupdate")
        assert set(person.owners.values_list("code", flat=True)) == {"CDO", "CFO"}

    def test_remove_takes_the_role_away(self, person):
        self.run("pat", "--owner", "CDO")
        self.run("pat", "--owner", "CDO", "--remove")
        person = get_user_model().objects.get(pk=person.pk)
        assert not person.owners.exists()
        assert not person.has_perm("deliverables.change_statusupdate")

    def test_secretary_by_code_or_board_name(self, person):
        self.run("pat", "--group", "DHG", "--group", "ICS Board")
        labels = {group.label for group in person.assurance_groups.all()}
        assert labels == {"DHG", "ICS Board"}
        assert get_user_model().objects.get(pk=person.pk).has_perm("objectives.view_plan")

    def test_admin_and_viewer(self, person):
        self.run("pat", "--admin")
        person = get_user_model().objects.get(pk=person.pk)
        assert person.is_staff and person.has_perm("objectives.administer_plan")
        self.run("pat", "--admin", "--remove")
        self.run("pat", "--viewer")
        person = get_user_model().objects.get(pk=person.pk)
        assert not person.is_staff and not person.has_perm("objectives.administer_plan")
        assert person.has_perm("objectives.view_plan")

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["nobody-here", "--viewer"], "No user called 'nobody-here'"),
            (["pat"], "Say which role"),
            (["pat", "--owner", "XYZ"], "No owner 'XYZ'. Known: "),
            (["pat", "--group", "Nope"], "No assurance group 'Nope'"),
        ],
    )
    def test_bad_input_is_a_clear_error_and_changes_nothing(self, person, args, message):
        with pytest.raises(CommandError, match=message):
            self.run(*args)
        assert not get_user_model().objects.get(pk=person.pk).groups.exists()


@pytest.mark.django_db
class TestPeopleInAdmin:
    def test_linking_an_owner_on_the_person_page_grants_the_role(self, admin_client, plan_2021):
        from django.urls import reverse

        from deliverables.models import Owner

        person = get_user_model().objects.create_user("pat")
        cdo = Owner.objects.get(code="CDO")
        url = reverse("admin:auth_user_change", args=[person.pk])
        page = admin_client.get(url)
        assert page.status_code == 200
        data = {
            "username": "pat",
            "is_active": "on",
            "date_joined_0": "2021-04-01",
            "date_joined_1": "09:00:00",
            "owners": [cdo.pk],
        }
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        person = get_user_model().objects.get(pk=person.pk)
        assert list(person.owners.all()) == [cdo]
        assert list(person.groups.values_list("name", flat=True)) == ["Executive owners"]
        assert person.has_perm("deliverables.change_statusupdate")
