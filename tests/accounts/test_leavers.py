"""Leavers and token lifetimes (issue 29): deactivating a person ends their sessions and their
API tokens for good (reactivating does not bring them back); every token expires, is shown with
its end on the tokens page, and its holder is e-mailed once before it ends."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.roles import PLAN_ADMINISTRATORS, VIEWERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/deliverables/"


def bearer(text):
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def test_a_leaver_loses_sessions_and_tokens_for_good(client, plan_2021):
    admin = UserFactory(username="boss", role=PLAN_ADMINISTRATORS, is_staff=True)
    leaver = UserFactory(username="leaver", role=VIEWERS, email="leaver@example.nhs.uk")
    _, text = ApiToken.issue(leaver, "Power BI")
    browser = Client()
    browser.force_login(leaver)
    assert browser.get(reverse("reporting:dashboard")).status_code == 200
    assert client.get(API, **bearer(text)).status_code == 200

    client.force_login(admin)
    detail = reverse("person_detail", args=[leaver.pk])
    client.post(detail, {"active": "0"})
    page = client.get(detail).content.decode()
    assert "1 session ended, 1 API token revoked" in page
    client.post(detail, {"active": "1"})  # back again, say after a mistake
    client.logout()

    # Reactivated: they can sign in again, but the old session and token stay ended.
    assert browser.get(reverse("reporting:dashboard")).status_code == 302
    assert client.get(API, **bearer(text)).status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_every_token_expires(client, plan_2021, settings):
    person = UserFactory(username="reader", role=VIEWERS)
    token, text = ApiToken.issue(person, "Power BI")
    assert (token.expires_at - timezone.now()).days in (364, 365)
    assert client.get(API, **bearer(text)).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(API, **bearer(text))
    assert response.status_code == 401
    client.force_login(person)
    assert "Expired" in client.get(reverse("api_tokens")).content.decode()


def test_the_tokens_page_says_when_each_ends(client, plan_2021):
    person = UserFactory(username="reader", role=VIEWERS)
    ApiToken.issue(person, "Board pack")
    ApiToken.objects.update(expires_at=timezone.now() + datetime.timedelta(days=10, hours=1))
    client.force_login(person)
    page = client.get(reverse("api_tokens")).content.decode()
    assert "Stops working" in page and "In 10 days" in page
    assert "1 token stops working soon" in page


def test_the_holder_is_reminded_once(plan_2021):
    person = UserFactory(username="reader", role=VIEWERS, email="reader@example.nhs.uk")
    ApiToken.issue(person, "Board pack")
    ApiToken.issue(person, "Not yet")
    soon = timezone.now() + datetime.timedelta(days=13)
    ApiToken.objects.filter(name="Board pack").update(expires_at=soon)
    call_command("remind_expiring_tokens", verbosity=0)
    call_command("remind_expiring_tokens", verbosity=0)
    assert len(mail.outbox) == 1
    assert "Board pack" in mail.outbox[0].subject and mail.outbox[0].to == [person.email]
