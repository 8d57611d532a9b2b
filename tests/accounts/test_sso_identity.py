"""Who a single sign-on is (issue 29): the provider's stable subject once linked, e-mail or
username only at a first sign-in, never a reused address's previous holder; readable usernames;
roles from the provider's groups."""

import pytest

from accounts import sso
from accounts.models import Identity
from accounts.roles import PLAN_ADMINISTRATORS, VIEWERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ISSUER = "https://login.example.nhs.uk"


def test_a_changed_email_keeps_the_account(settings):
    ann = UserFactory(username="ann", email="ann@nhs.net")
    claims = {"sub": "s-1", "email": "ann@nhs.net"}
    assert sso.find(claims, ISSUER) == ann
    sso.link(ann, claims, ISSUER)
    assert sso.find({"sub": "s-1", "email": "ann.new@nhs.net"}, ISSUER) == ann


def test_a_reused_address_does_not_inherit_its_previous_holders_account(settings):
    ann = UserFactory(username="ann", email="ann@nhs.net", role=PLAN_ADMINISTRATORS)
    sso.link(ann, {"sub": "s-1"}, ISSUER)
    # Someone else given the same mailbox later signs in with another subject.
    assert sso.find({"sub": "s-2", "email": "ann@nhs.net"}, ISSUER) is None


def test_entra_matches_preferred_username_and_names_by_tenant_and_object(settings):
    settings.OIDC_PROFILE = "entra"
    nia = UserFactory(username="nia", email="nia.new@uhb.nhs.uk")
    claims = {
        "sub": "pairwise",
        "oid": "o-1",
        "tid": "t-1",
        "preferred_username": "NIA.NEW@uhb.nhs.uk",
    }
    assert sso.subject_of(claims) == "t-1:o-1"
    assert sso.find(claims, ISSUER) == nia
    assert sso.email_of({"upn": "sam@uhb.nhs.uk"}) == "sam@uhb.nhs.uk"


def test_cis2_names_people_by_uid(settings):
    settings.OIDC_PROFILE = "cis2"
    assert sso.subject_of({"sub": "x", "uid": "555123"}) == "555123"
    assert sso.acr_values() == "AAL3_ANY" and "nationalrbacaccess" in sso.scopes()


def test_new_accounts_get_readable_unique_usernames():
    UserFactory(username="sam.stranger")
    assert sso.readable_username({"email": "Sam.Stranger@nhs.net"}) == "sam.stranger2"
    assert sso.readable_username({"name": "Dr Who"}) == "dr.who"


def test_roles_come_from_the_providers_groups(settings, dhg):
    settings.OIDC_ROLE_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = "board=viewer,dhg-sec=group:DHG,nonsense=owner:NOPE"
    person = UserFactory(username="pat")
    given = sso.give_roles(person, {"groups": ["board", "dhg-sec", "nonsense", "other"]})
    assert given == ["viewer", f"group:{dhg.pk}"]
    assert person.groups.filter(name=VIEWERS).exists() and dhg.secretaries.filter(pk=person.pk)
    assert "Given: secretary of DHG" in person.changes.values_list("change", flat=True)
    assert sso.give_roles(person, {"groups": ["board"]}) == []  # given once


def test_one_identity_is_one_person():
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    sso.link(ann, {"sub": "s-1"}, ISSUER)
    sso.link(bob, {"sub": "s-1"}, ISSUER)  # the subject stays with its first person
    assert Identity.objects.get().user == ann


def test_an_administrator_links_and_unlinks_an_identity_on_people(client, settings):
    from django.urls import reverse

    settings.OIDC_ISSUER = ISSUER
    admin = UserFactory(username="boss", role=PLAN_ADMINISTRATORS, is_staff=True)
    ann = UserFactory(username="ann", email="ann@nhs.net")
    UserFactory(username="bob").identities.create(issuer=ISSUER, subject="taken")
    client.force_login(admin)
    url = reverse("person_detail", args=[ann.pk])
    assert "Not linked yet" in client.get(url).content.decode()
    page = client.post(url, {"link": "1", "subject": "taken"}).content.decode()
    assert "already linked to bob" in page
    client.post(url, {"link": "1", "subject": "t-1:o-9"})
    assert ann.identities.get().subject == "t-1:o-9"
    identity = ann.identities.get()
    client.post(url, {"unlink": str(identity.pk)})
    assert not ann.identities.exists()
    assert "Unlinked from the sign-in identity t-1:o-9" in client.get(url).content.decode()


def test_the_client_key_is_published_and_signs_the_assertion(client, settings):
    """private_key_jwt: the assertion uhbplan sends verifies against the key set it publishes."""
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.urls import reverse

    from accounts import oidc

    assert client.get(reverse("oidc_jwks")).status_code == 404  # not set up
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.OIDC_ISSUER, settings.OIDC_RP_CLIENT_ID = ISSUER, "uhbplan"
    settings.OIDC_CLIENT_AUTH, settings.OIDC_PRIVATE_KEY_ID = "private_key_jwt", "k1"
    settings.OIDC_PRIVATE_KEY = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    published = client.get(reverse("oidc_jwks")).json()["keys"][0]
    assert published["kid"] == "k1" and "d" not in published  # the public half only
    assertion = oidc.client_assertion("https://login.example.nhs.uk/token")
    public = jwt.PyJWK(published).key
    claims = jwt.decode(
        assertion, public, algorithms=["RS512"], audience="https://login.example.nhs.uk/token"
    )
    assert claims["iss"] == claims["sub"] == "uhbplan" and claims["exp"] - claims["iat"] == 300
    assert jwt.get_unverified_header(assertion)["kid"] == "k1"
