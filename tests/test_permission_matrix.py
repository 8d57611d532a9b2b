"""Every URL × every role × GET and POST. A URL added without an entry here fails the suite."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.deliverables.factories import StatusUpdateFactory
from tests.objectives.factories import MeasureFactory

ROLES = ["anonymous", "nobody", "viewer", "secretary", "cfo", "cdo", "admin"]
READERS = {"viewer": 200, "secretary": 200, "cfo": 200, "cdo": 200, "admin": 200}
READ_ONLY_POST = {
    "anonymous": 302,
    "nobody": 405,
    "viewer": 405,
    "secretary": 405,
    "cfo": 405,
    "cdo": 405,
    "admin": 405,
}


API_READERS = {"anonymous": 401, "nobody": 403, **READERS}
API_POST = dict.fromkeys(ROLES, 405)


def reader_page(get_extra=None):
    return {
        "get": {"anonymous": 302, "nobody": 403, **READERS, **(get_extra or {})},
        "post": READ_ONLY_POST,
    }


SECRETARY_WRITES = {
    "get": {
        "anonymous": 302,
        **dict.fromkeys(["nobody", "viewer", "cfo", "cdo"], 403),
        "secretary": 200,
        "admin": 200,
    },
    "post": {
        "anonymous": 302,
        **dict.fromkeys(["nobody", "viewer", "cfo", "cdo"], 403),
        "secretary": 302,
        "admin": 302,
    },
}

# name: (arguments, {"get": {role: status}, "post": {role: status}})
MATRIX = {
    # Signed-in people are sent on from the login page, whatever they post.
    "login": (
        [],
        {
            "get": {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)},
            "post": {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)},
        },
    ),
    "logout": (
        [],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 405)},
            "post": dict.fromkeys(ROLES, 302),
        },
    ),
    "healthz": ([], {"get": dict.fromkeys(ROLES, 200), "post": dict.fromkeys(ROLES, 405)}),
    "readyz": ([], {"get": dict.fromkeys(ROLES, 200), "post": dict.fromkeys(ROLES, 405)}),
    "accessibility": (
        [],
        {"get": dict.fromkeys(ROLES, 200), "post": dict.fromkeys(ROLES, 405)},
    ),
    "home": ([], {"get": dict.fromkeys(ROLES, 302), "post": READ_ONLY_POST}),
    # For the page's script: 401 (not a redirect to the login page) when signed out.
    "session": (
        [],
        {
            "get": {"anonymous": 401, **dict.fromkeys(ROLES[1:], 200)},
            "post": dict.fromkeys(ROLES, 405),
        },
    ),
    "logged_in_again": (
        [],
        {"get": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)}, "post": READ_ONLY_POST},
    ),
    "objectives:plan_overview": ([], reader_page()),
    "objectives:plan_detail": (["plan"], reader_page()),
    "objectives:objective_detail": (["objective"], reader_page()),
    "objectives:measure_detail": (["measure"], reader_page()),
    "objectives:measure_values_csv": (["measure"], reader_page()),
    # The measure's data owner (here the CDO) and plan administrators enter its values.
    "objectives:measure_value": (
        ["measure"],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 405)},
            "post": {
                "anonymous": 302,
                **dict.fromkeys(["nobody", "viewer", "secretary", "cfo"], 403),
                "cdo": 302,
                "admin": 302,
            },
        },
    ),
    # Without a file the form comes back with its error (200).
    "objectives:measure_upload": (
        ["measure"],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 405)},
            "post": {
                "anonymous": 302,
                **dict.fromkeys(["nobody", "viewer", "secretary", "cfo"], 403),
                "cdo": 200,
                "admin": 200,
            },
        },
    ),
    "reporting:dashboard": ([], reader_page()),
    "deliverables:rag_grid": ([], reader_page()),
    "reporting:deliverable_list": ([], reader_page()),
    "reporting:deliverable_export": (["csv"], reader_page()),
    "deliverables:detail": (["deliverable"], reader_page()),
    "reporting:board_report": ([], reader_page()),
    "reporting:board_report_xlsx": ([], reader_page()),
    "reporting:board_report_pdf": ([], reader_page()),
    "reporting:board_report_docx": ([], reader_page()),
    "reporting:record_list": ([], reader_page()),
    # No record 999: readers are let through to the 404 (the PDF's making is tested elsewhere).
    "reporting:record_pdf": ([999], reader_page(dict.fromkeys(READERS, 404))),
    "reporting:record_json": ([999], reader_page(dict.fromkeys(READERS, 404))),
    # Readers may check a PDF; posting nothing asks for the file (200, the form's error).
    "reporting:record_verify": (
        [],
        {
            "get": {"anonymous": 302, "nobody": 403, **READERS},
            "post": {"anonymous": 302, "nobody": 403, **READERS},
        },
    ),
    "reporting:record_export": (
        [],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 200},
            "post": READ_ONLY_POST,
        },
    ),
    "reporting:group_pack": (["group"], reader_page()),
    "reporting:group_pack_pdf": (["group"], reader_page()),
    "reporting:group_pack_docx": (["group"], reader_page()),
    # A chair's report: the group's secretaries and plan administrators only (issue 28).
    "assurance:chair_report": (["group", "quarter"], SECRETARY_WRITES),
    "assurance:chair_item_edit": (["group", "quarter", "chair_item"], SECRETARY_WRITES),
    "assurance:chair_item_delete": (
        ["group", "quarter", "chair_item"],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 405)},
            "post": SECRETARY_WRITES["post"],
        },
    ),
    "reporting:my_groups": ([], reader_page()),
    # The Board Assurance Framework (issue 30): everyone who reads the plan reads it; the risk's
    # owner (the CDO) records its score, its lead committee's secretary the committee's view,
    # the owner or an administrator a gap's action; administrators keep the register.
    "baf:register": ([], reader_page()),
    "baf:risk": (["risk"], reader_page()),
    "baf:export": (["xlsx"], reader_page()),
    "baf:score": (
        ["risk", 2],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:-2], 403), "cdo": 200, "admin": 200},
            "post": {"anonymous": 302, **dict.fromkeys(ROLES[1:-2], 403), "cdo": 302, "admin": 302},
        },
    ),
    "baf:view": (["risk", 2], SECRETARY_WRITES),
    "baf:gap": (
        ["risk", "control:none"],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:-2], 403), "cdo": 200, "admin": 200},
            "post": {"anonymous": 302, **dict.fromkeys(ROLES[1:-2], 403), "cdo": 302, "admin": 302},
        },
    ),
    # Without a file the form comes back with its error (200).
    "baf:transfer": (
        [],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 200},
            "post": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 200},
        },
    ),
    "deliverables:my_updates": (
        [],
        {
            "get": {
                "anonymous": 302,
                "nobody": 403,
                "viewer": 403,
                "secretary": 403,
                "cfo": 200,
                "cdo": 200,
                "admin": 200,
            },
            "post": READ_ONLY_POST,
        },
    ),
    "deliverables:update_edit": (
        ["deliverable", 2],
        {
            "get": {
                "anonymous": 302,
                "nobody": 403,
                "viewer": 403,
                "secretary": 403,
                "cfo": 403,
                "cdo": 200,
                "admin": 200,
            },
            "post": {
                "anonymous": 302,
                "nobody": 403,
                "viewer": 403,
                "secretary": 403,
                "cfo": 403,
                "cdo": 302,
                "admin": 302,
            },
        },
    ),
    # Last quarter's update by the delegate awaits sign-off (world, below). Q1 is closed: the
    # executive is told so (200); a plan administrator may still act, as a correction.
    "deliverables:update_sign_off": (
        ["deliverable", 1],
        {
            "get": {
                "anonymous": 302,
                "nobody": 403,
                "viewer": 403,
                "secretary": 403,
                "cfo": 403,
                "cdo": 200,
                "admin": 200,
            },
            "post": {
                "anonymous": 302,
                "nobody": 403,
                "viewer": 403,
                "secretary": 403,
                "cfo": 403,
                "cdo": 200,
                "admin": 302,
            },
        },
    ),
    "deliverables:update_draft": (
        ["deliverable", 2],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 405)},
            "post": {
                "anonymous": 302,
                "nobody": 403,
                "viewer": 403,
                "secretary": 403,
                "cfo": 403,
                "cdo": 200,
                "admin": 200,
            },
        },
    ),
    "assurance:review_edit": (
        ["group", "deliverable", 2],
        {
            "get": {
                "anonymous": 302,
                "nobody": 403,
                "viewer": 403,
                "secretary": 200,
                "cfo": 403,
                "cdo": 403,
                "admin": 200,
            },
            "post": {
                "anonymous": 302,
                "nobody": 403,
                "viewer": 403,
                "secretary": 302,
                "cfo": 403,
                "cdo": 403,
                "admin": 302,
            },
        },
    ),
    "assurance:action_respond": (
        ["action"],
        {
            "get": {
                "anonymous": 302,
                "nobody": 403,
                "viewer": 403,
                "secretary": 403,
                "cfo": 403,
                "cdo": 200,
                "admin": 200,
            },
            "post": {
                "anonymous": 302,
                "nobody": 403,
                "viewer": 403,
                "secretary": 403,
                "cfo": 403,
                "cdo": 302,
                "admin": 302,
            },
        },
    ),
    "assurance:action_close": (
        ["action"],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 405)},
            "post": {
                "anonymous": 302,
                "nobody": 403,
                "viewer": 403,
                "secretary": 302,
                "cfo": 403,
                "cdo": 403,
                "admin": 302,
            },
        },
    ),
    "planning:quarters": (
        [],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 200},
            "post": READ_ONLY_POST,
        },
    ),
    "reporting:board_cover": (
        ["quarter"],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 200},
            "post": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 302},
        },
    ),
    # Single sign-on's steps are not there while it is not set up (tests/browser/test_sso.py
    # signs in through them against a real provider); its refusal page is for anyone.
    "oidc_login": ([], {"get": dict.fromkeys(ROLES, 404), "post": dict.fromkeys(ROLES, 404)}),
    "oidc_callback": ([], {"get": dict.fromkeys(ROLES, 404), "post": dict.fromkeys(ROLES, 404)}),
    # The client's public key, published only where private_key_jwt is set up.
    "oidc_jwks": ([], {"get": dict.fromkeys(ROLES, 404), "post": dict.fromkeys(ROLES, 404)}),
    "sign_in_failed": ([], {"get": dict.fromkeys(ROLES, 200), "post": dict.fromkeys(ROLES, 405)}),
    # The read API: a 401 (not a redirect) when signed out; readers read; it never writes.
    "api:api-root": (
        [],
        {"get": {"anonymous": 401, **dict.fromkeys(ROLES[1:], 200)}, "post": API_POST},
    ),
    "api:schema": (
        [],
        {"get": {"anonymous": 401, **dict.fromkeys(ROLES[1:], 200)}, "post": API_POST},
    ),
    **{
        f"api:{name}-{kind}": (args, {"get": API_READERS, "post": API_POST})
        for name, detail in [
            ("plan", "plan"),
            ("theme", "theme"),
            ("objective", "objective"),
            ("deliverable", "deliverable"),
            ("statusupdate", "update"),
            ("assurancereview", "review"),
            ("measure", "measure"),
            ("measurevalue", "value"),
            ("committeeaction", "action"),
            ("principalrisk", "risk"),
        ]
        for kind, args in [("list", []), ("detail", [detail])]
    },
    "api:needs_a_look": ([], {"get": API_READERS, "post": API_POST}),
    "api:assurance_glance": ([], {"get": API_READERS, "post": API_POST}),
    # Anything else under the API: its own JSON 404, for anyone.
    "api:not_found": (
        ["nowhere/"],
        {"get": dict.fromkeys(ROLES, 404), "post": dict.fromkeys(ROLES, 404)},
    ),
    # Each person's own tokens (making one shows it; someone else's cannot be revoked).
    "api_tokens": (
        [],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)},
            "post": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)},
        },
    ),
    "api_token_revoke": (
        ["token"],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 405)},
            "post": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 404), "viewer": 302},
        },
    ),
    # Plan administrators manage people (adding one, and giving a role, go to their page).
    "people": (
        [],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 200},
            "post": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 405)},
        },
    ),
    **{
        name: (
            args,
            {
                "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 200},
                "post": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 302},
            },
        )
        for name, args in [("person_add", []), ("person_detail", ["person"])]
    },
    # Plan administrators start plans, roll work over and import plans (an empty POST is the
    # form again, with its errors; the roll-over page of the only plan says there is nothing
    # earlier to roll over from).
    **{
        name: (
            args,
            {
                "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 200},
                "post": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 200},
            },
        )
        for name, args in [
            ("planning:plan_start", []),
            ("planning:plan_rollover", ["plan"]),
            ("planning:plan_import", []),
        ]
    },
    "planning:plan_import_template": (
        [],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 200},
            "post": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 405)},
        },
    ),
    # GET asks "close Q2?", saying how many updates are missing; POST closes.
    "planning:quarter_change": (
        ["quarter", "close"],
        {
            "get": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 200},
            "post": {"anonymous": 302, **dict.fromkeys(ROLES[1:-1], 403), "admin": 302},
        },
    ),
}

POST_DATA = {
    "login": {"username": "nobody-at-all", "password": "wrong"},
    "deliverables:update_edit": "update",
    "deliverables:update_draft": "update",
    "deliverables:update_sign_off": {"decision": "approve", "version": "1"},  # the one read
    "assurance:review_edit": {"level": "reasonable"},
    "assurance:action_respond": {"response": "Done in August."},
    "assurance:action_close": {"closed": "1"},
    "assurance:chair_report": {"kind": "alert", "text": "Not assured on the recovery plan."},
    "assurance:chair_item_edit": {"kind": "advise", "text": "Kept under review."},
    "baf:score": {"likelihood": "3", "consequence": "4", "rationale": "Holding.", "version": "0"},
    "baf:view": {"level": "reasonable", "comments": "Checked.", "version": "0"},
    "baf:gap": {
        "action": "Name the controls.",
        "action_owner": "CDO",
        "action_due_day": "31",
        "action_due_month": "3",
        "action_due_year": "2022",
        "then": "save",
    },
    "reporting:board_cover": {
        "meeting": "Board of Directors",
        "purpose": "assurance",
        "session": "public",
    },
    "objectives:measure_value": {"period": "2021-04", "value": "91.5"},
    "api_tokens": {"name": "Power BI"},
    "person_add": {"first_name": "Nia", "last_name": "New", "email": "nia.new@nhs.net"},
    "person_detail": {"give": "1", "role": "viewer"},
}


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # Django admin checks is_staff and model permissions itself
            yield from all_url_names(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_an_entry():
    assert set(all_url_names()) == set(MATRIX)


@pytest.fixture
def world(people, plan, q1, q2, cdo_deliverable, dhg):
    from assurance.models import AssuranceReview, ReviewAction

    # Last quarter's review asked for an action (this quarter's is for review_edit to record).
    review = AssuranceReview.objects.create(
        deliverable=cdo_deliverable, quarter=q1, assurance_group=dhg, level="limited"
    )
    action = ReviewAction.objects.create(
        review=review, deliverable=cdo_deliverable, text="Bring the recovery plan"
    )
    StatusUpdateFactory(
        deliverable=cdo_deliverable, quarter=q1, updated_by=people["delegate"], sign_off="awaiting"
    )
    measure = MeasureFactory(
        indicator__objective=cdo_deliverable.objective, data_owner=people["cdo"], values=[90, 92]
    )
    from accounts.models import ApiToken
    from assurance.models import ChairReportItem

    chair_item = ChairReportItem.objects.create(
        assurance_group=dhg, quarter=q2, kind="advise", text="Kept under review."
    )
    from tests.assurance.baf.factories import PrincipalRiskFactory

    # A principal risk the CDO owns and DHG leads on, with no controls yet (a gap in control).
    risk = PrincipalRiskFactory(plan=plan, owner=cdo_deliverable.owners.get(), lead_committee=dhg)

    # A submitted update for the API to read (cdo_deliverable's Q2 is update_edit's to write).
    submitted = StatusUpdateFactory(quarter=q1, status="green")
    token, _ = ApiToken.issue(people["viewer"], "Power BI")
    return {
        "theme": cdo_deliverable.objective.theme_id,
        "update": submitted.pk,
        "review": review.pk,
        "value": measure.values.first().pk,
        "token": token.pk,
        "person": people["nobody"].pk,
        "objective": cdo_deliverable.objective_id,
        "measure": measure.pk,
        "plan": plan.pk,
        "deliverable": cdo_deliverable.pk,
        "group": dhg.pk,
        "quarter": q2.pk,
        "action": action.pk,
        "chair_item": chair_item.pk,
        "risk": risk.pk,
    }


def url_for(name, world):
    args = [world.get(arg, arg) if isinstance(arg, str) else arg for arg in MATRIX[name][0]]
    return reverse(name, args=args)


def post_data(name, world):
    data = POST_DATA.get(name, {})
    if data == "update":
        pk = world["deliverable"]
        return {f"d{pk}-status": "green", f"d{pk}-narrative": "Fine.", f"d{pk}-version": "0"}
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get(client, people, world, name, role):
    if role != "anonymous":
        client.force_login(people[role])
    assert client.get(url_for(name, world)).status_code == MATRIX[name][1]["get"][role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_post(client, people, world, name, role):
    if role != "anonymous":
        client.force_login(people[role])
    response = client.post(url_for(name, world), post_data(name, world))
    assert response.status_code == MATRIX[name][1]["post"][role]
