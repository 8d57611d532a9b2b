"""People management for plan administrators: add, give and remove roles, deactivate; each
change in the person's history, the Owner's or group's history and the audit log."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from accounts.models import PersonChange
from accounts.roles import PLAN_ADMINISTRATORS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    admin = UserFactory(username="alex", role=PLAN_ADMINISTRATORS, is_staff=True)
    client.force_login(admin)
    return admin


def test_add_a_person_then_give_roles_and_see_them_listed(client, admin, cdo, dhg, caplog):
    response = client.post(
        reverse("person_add"),
        {"first_name": "Nia", "last_name": "New", "email": "Nia.New@nhs.net"},
    )
    person = get_user_model().objects.get(email="Nia.New@nhs.net")
    assert response["Location"] == reverse("person_detail", args=[person.pk])
    assert person.username == "nia.new" and not person.has_usable_password()
    url = reverse("person_detail", args=[person.pk])
    with caplog.at_level(logging.INFO, logger="uhbplan.audit"):
        client.post(url, {"give": "1", "role": "owner:CDO"})
        client.post(url, {"give": "1", "role": f"group:{dhg.pk}"})
        client.post(url, {"give": "1", "role": "admin"})
    person.refresh_from_db()
    assert list(person.owners.values_list("code", flat=True)) == ["CDO"]
    assert person.has_perm("deliverables.change_statusupdate")  # linked: executive role
    assert person.has_perm("objectives.administer_plan") and person.is_staff
    outcomes = {getattr(r, "outcome", "") for r in caplog.records if r.msg == "people"}
    assert outcomes == {
        "added nia.new",
        "nia.new: Given: executive owner or delegate of CDO",
        "nia.new: Given: secretary of DHG",
        "nia.new: Given: Plan administrator",
    }
    page = client.get(reverse("people")).content.decode()
    assert "Delegate (CDO)" in page and "Secretary of DHG" in page
    assert "Plan administrator" in page
    # History: on the person's page, and in the Owner's own history.
    assert [c.change for c in PersonChange.objects.filter(person=person).order_by("id")] == [
        "Added as Nia New <Nia.New@nhs.net>",
        "Given: executive owner or delegate of CDO",
        "Given: secretary of DHG",
        "Given: Plan administrator",
    ]
    assert cdo.history.first().history_change_reason == "Given nia.new"
    assert cdo.history.first().history_user == admin


def test_remove_a_role_and_deactivate(client, admin, cdo):
    person = UserFactory(username="sam", owners=[cdo])
    url = reverse("person_detail", args=[person.pk])
    client.post(url, {"remove": "owner:CDO"})
    assert not person.owners.exists()
    assert (
        not get_user_model().objects.get(pk=person.pk).has_perm("deliverables.change_statusupdate")
    )
    client.post(url, {"remove": "admin"})  # a role they do not hold: nothing happens
    client.post(url, {"active": "0"})
    person.refresh_from_db()
    assert not person.is_active
    client.logout()
    refused = client.post(
        reverse("login"), {"username": "sam", "password": "a-strong-test-password"}
    )
    assert "Enter a correct username and password" in refused.content.decode()
    client.force_login(admin)
    assert "Deactivated: cannot sign in" in client.get(url).content.decode()


def test_a_plan_administrator_cannot_deactivate_themselves(client, admin):
    response = client.post(reverse("person_detail", args=[admin.pk]), {"active": "0"}, follow=True)
    admin.refresh_from_db()
    assert admin.is_active
    assert "You cannot deactivate yourself" in response.content.decode()


def test_a_duplicate_e_mail_or_bad_role_is_explained(client, admin):
    UserFactory(email="taken@nhs.net")
    response = client.post(
        reverse("person_add"), {"first_name": "A", "last_name": "B", "email": "TAKEN@nhs.net"}
    )
    assert "Someone already has this e-mail address" in response.content.decode()
    person = UserFactory()
    response = client.post(
        reverse("person_detail", args=[person.pk]), {"give": "1", "role": "owner:NOPE"}
    )
    assert "Select a valid choice" in response.content.decode()


def test_assign_role_keeps_working(admin, cdo):
    person = UserFactory(username="kim")
    call_command("assign_role", "kim", "--owner", "CDO", "--viewer")
    assert list(person.owners.values_list("code", flat=True)) == ["CDO"]


def test_local_passwords_can_be_kept_for_break_glass_accounts_only(client, settings):
    settings.LOCAL_SIGN_IN = "break-glass"
    settings.BREAK_GLASS_USERNAMES = ["emergency"]
    UserFactory(username="everyday", role=PLAN_ADMINISTRATORS)
    UserFactory(username="emergency", role=PLAN_ADMINISTRATORS)
    refused = client.post(
        reverse("login"), {"username": "everyday", "password": "a-strong-test-password"}
    )
    assert "Sign in with your NHS account" in refused.content.decode()
    allowed = client.post(
        reverse("login"), {"username": "emergency", "password": "a-strong-test-password"}
    )
    assert allowed.status_code == 302


def test_the_login_page_offers_single_sign_on_only_when_set_up(client, settings, monkeypatch):
    from accounts import oidc

    assert "Sign in with your NHS account" not in client.get(reverse("login")).content.decode()
    settings.OIDC_ISSUER = "https://login.example.nhs.uk"
    # A provider that answers (tests/accounts/test_sso_outage.py: one that does not).
    document = {
        "issuer": settings.OIDC_ISSUER,
        "authorization_endpoint": f"{settings.OIDC_ISSUER}/authorize",
        "token_endpoint": f"{settings.OIDC_ISSUER}/token",
        "jwks_uri": f"{settings.OIDC_ISSUER}/jwks",
    }
    monkeypatch.setattr(oidc._DiscoveryCache, "_fetch", staticmethod(lambda issuer: document))
    oidc._discovery.cache_clear()
    assert "Sign in with your NHS account" in client.get(reverse("login")).content.decode()
    oidc._discovery.cache_clear()


def test_a_plan_administrator_cannot_remove_their_own_role(client, admin):
    response = client.post(
        reverse("person_detail", args=[admin.pk]), {"remove": "admin"}, follow=True
    )
    assert "cannot remove your own plan administrator role" in response.content.decode()
    assert admin.has_perm("objectives.administer_plan")


class TestLengths:
    """What people type reaches bounded columns only bounded: PostgreSQL refuses the rest with
    a 500, SQLite stores it (issue 25). The PostgreSQL run of the suite is the one that bites."""

    def test_a_long_e_mail_makes_a_username_that_fits(self, client, admin):
        email = "a" * 200 + "@nhs.net"
        response = client.post(
            reverse("person_add"), {"first_name": "Long", "last_name": "Name", "email": email}
        )
        person = get_user_model().objects.get(email=email)
        assert response.status_code == 302
        assert len(person.username) <= 150 and person.username.startswith("aaaa")
        again = client.post(
            reverse("person_add"),
            {"first_name": "Long", "last_name": "Name", "email": "a" * 200 + "@nhs.uk"},
        )
        assert (
            again.status_code == 302
            and get_user_model().objects.filter(username__startswith="aaaa").count() == 2
        )

    def test_an_e_mail_longer_than_the_column_is_a_form_error(self, client, admin):
        email = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "nhs.net"
        response = client.post(
            reverse("person_add"), {"first_name": "Long", "last_name": "Name", "email": email}
        )
        assert response.status_code == 200 and "nhsuk-error-summary" in response.content.decode()

    def test_a_role_for_a_long_username_keeps_a_history_reason_that_fits(self, client, admin, cdo):
        person = UserFactory(username="u" * 140)
        response = client.post(
            reverse("person_detail", args=[person.pk]), {"give": "1", "role": "owner:CDO"}
        )
        assert response.status_code == 302
        reason = cdo.history.first().history_change_reason
        assert len(reason) == 100 and reason.startswith("Given uuu") and reason.endswith("…")


class TestDeactivated:
    """A deactivated person's sessions end and nothing they send is written (issue 25)."""

    @pytest.mark.parametrize(
        "backend", ["accounts.oidc.Backend", "django.contrib.auth.backends.ModelBackend"]
    )
    def test_every_session_ends(self, client, backend):
        from tests.objectives.factories import MeasureFactory

        person = UserFactory(role="Executive owners")
        measure = MeasureFactory(data_owner=person, values=[1, 2, 3])
        client.force_login(person, backend=backend)
        assert client.get(reverse("deliverables:my_updates")).status_code == 200
        get_user_model().objects.filter(pk=person.pk).update(is_active=False)
        assert client.get(reverse("deliverables:my_updates")).status_code == 302
        response = client.post(
            reverse("objectives:measure_value", args=[measure.pk]),
            {"period": "2021-07", "value": "4"},
        )
        assert response.status_code == 302 and "login" in response["Location"]
        assert measure.values.count() == 3

    def test_measures_refuse_an_inactive_or_roleless_data_owner(self):
        from django.contrib.auth.models import AnonymousUser

        from tests.objectives.factories import MeasureFactory

        person = UserFactory(role="Executive owners")
        measure = MeasureFactory(data_owner=person)
        assert measure.can_enter_values(person)
        person.is_active = False
        assert not measure.can_enter_values(person)
        assert not measure.can_enter_values(AnonymousUser())
        roleless = UserFactory()
        assert not MeasureFactory(data_owner=roleless).can_enter_values(roleless)


class TestSuperusers:
    """The break-glass account is a superuser's to change, not a plan administrator's."""

    @pytest.mark.parametrize(
        "data",
        [{"active": "0"}, {"remove": "admin"}, {"give": "1", "role": "viewer"}],
    )
    def test_a_plan_administrator_cannot_change_a_superuser(self, client, admin, data):
        root = UserFactory(
            username="root", is_superuser=True, is_staff=True, role=PLAN_ADMINISTRATORS
        )
        url = reverse("person_detail", args=[root.pk])
        page = client.get(url).content.decode()
        assert "Only a superuser can change" in page and "Deactivate" not in page
        response = client.post(url, data, follow=True)
        assert "Only a superuser can change" in response.content.decode()
        root.refresh_from_db()
        assert root.is_active and root.groups.filter(name=PLAN_ADMINISTRATORS).exists()
        assert not root.groups.filter(name="Viewers").exists()
        assert not PersonChange.objects.filter(person=root).exists()

    def test_a_superuser_can(self, client):
        me = UserFactory(username="me", is_superuser=True, is_staff=True)
        root = UserFactory(username="root", is_superuser=True, is_staff=True)
        client.force_login(me)
        client.post(reverse("person_detail", args=[root.pk]), {"active": "0"})
        root.refresh_from_db()
        assert not root.is_active


def test_django_admin_shows_a_person_to_a_plan_administrator(client, admin, cdo):
    person = UserFactory(username="nia", owners=[cdo])
    response = client.get(reverse("admin:auth_user_change", args=[person.pk]))
    assert response.status_code == 200
    assert "CDO" in response.content.decode()
