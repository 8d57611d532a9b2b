"""Production settings, login, headers, outages, audit log, escaping, backup and restore."""

import csv
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import OperationalError, connection
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "x9!Lq2#vR8@pZ4$mN7^tW1&kB6*cH3(jF5)dS0_gY2+eU8=aQ4"


def run_python(code, **env):
    """Run code in a fresh process with production-like settings (nothing from the tests)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        # Nothing the test run itself set (the browser tests allow async-unsafe calls).
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "SECURE_SSL_REDIRECT",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment |= {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "plan.example.nhs.uk"} | env
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestProductionSettings:
    def test_check_deploy_has_zero_warnings(self):
        result = run_python(
            "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE']='uhbplan.settings';"
            "django.setup(); from django.core.management import call_command;"
            "call_command('check', deploy=True, fail_level='WARNING')"
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout + result.stderr

    def test_secure_defaults_and_the_proxy_switch(self):
        code = (
            "import os, json, django; os.environ['DJANGO_SETTINGS_MODULE']='uhbplan.settings';"
            "django.setup(); from django.conf import settings as s;"
            "print(json.dumps([s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
            " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.X_FRAME_OPTIONS,"
            " getattr(s, 'SECURE_PROXY_SSL_HEADER', None)]))"
        )
        defaults = json.loads(run_python(code).stdout)
        assert defaults == [False, True, True, True, 31536000, "DENY", None]
        behind_proxy = json.loads(
            run_python(code, SECURE_SSL_REDIRECT="0", SECURE_PROXY_SSL_HEADER="1").stdout
        )
        assert behind_proxy[1] is False
        assert behind_proxy[-1] == ["HTTP_X_FORWARDED_PROTO", "https"]

    def test_no_secret_key_no_start(self):
        result = run_python(
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='uhbplan.settings'; django.setup()",
            SECRET_KEY="",
        )
        assert result.returncode != 0
        assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.django_db
class TestHeaders:
    def test_security_headers_and_a_strict_policy(self, client):
        response = client.get(reverse("login"))
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy

    def test_admin_allows_inline_styles_only(self, admin_client):
        policy = admin_client.get("/admin/")["Content-Security-Policy"]
        assert "style-src 'self' 'unsafe-inline'" in policy
        assert "script-src 'self';" in policy + ";"

    def test_https_redirect_when_on(self, client, settings):
        from django.middleware.security import SecurityMiddleware

        settings.SECURE_SSL_REDIRECT = True
        middleware = SecurityMiddleware(lambda request: None)
        from django.test import RequestFactory

        response = middleware.process_request(RequestFactory().get("/dashboard/"))
        assert response.status_code == 301 and response["Location"].startswith("https://")
        assert middleware.process_request(RequestFactory().get("/healthz")) is None


@pytest.mark.django_db
class TestLogin:
    def login(self, client, password):
        return client.post(reverse("login"), {"username": "someone", "password": password})

    def test_lockout_after_five_failures_even_with_the_right_password(self, client, user):
        for _ in range(4):
            page = self.login(client, "wrong").content.decode()
            assert "Enter a correct username and password." in page
        assert self.login(client, "wrong").status_code == 429  # the fifth failure locks
        response = self.login(client, "a-strong-test-password")
        assert response.status_code == 429
        assert "Your account is locked for now" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_success_resets_the_count(self, client, user):
        for _ in range(4):
            self.login(client, "wrong")
        assert self.login(client, "a-strong-test-password").status_code == 302
        client.post(reverse("logout"))
        for _ in range(4):
            self.login(client, "wrong")
        assert self.login(client, "a-strong-test-password").status_code == 302

    def test_an_over_long_username_is_a_form_error_not_a_500(self, client, db):
        # Found by the fuzz tests on PostgreSQL: the lockout table holds 255 characters.
        response = client.post(reverse("login"), {"username": "0" * 256, "password": "x"})
        assert response.status_code == 200
        assert "at most 150 characters" in response.content.decode()

    def test_logout_is_post_only(self, user_client):
        assert user_client.get(reverse("logout")).status_code == 405
        assert user_client.post(reverse("logout")).status_code == 302
        assert user_client.get(reverse("reporting:dashboard")).status_code == 302

    def test_sessions_expire_after_30_idle_minutes(self, user_client, settings):
        import datetime

        from django.contrib.sessions.models import Session
        from django.utils import timezone

        assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
        user_client.get(reverse("accessibility"))
        expires = Session.objects.get().expire_date
        assert abs(expires - (timezone.now() + datetime.timedelta(minutes=30))).total_seconds() < 60
        # Idle past the limit: the session is gone and the next page asks for a login.
        Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
        assert user_client.get(reverse("reporting:dashboard")).status_code == 302

    @pytest.mark.parametrize("password", ["password", "12345678", "short", "someone123"])
    def test_weak_passwords_are_refused(self, user, password):
        with pytest.raises(ValidationError):
            validate_password(password, user)


@pytest.mark.django_db
class TestOutage:
    def test_health_checks(self, client):
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ok"}

    def test_while_the_database_is_down_then_back(self, user_client, monkeypatch, caplog):
        from django.test import Client

        def down(*args, **kwargs):
            raise OperationalError("could not connect to server: Connection refused")

        client = Client()  # a load balancer: no session
        user_client.raise_request_exception = False
        monkeypatch.setattr(connection, "cursor", down)
        ready = client.get("/readyz")
        assert ready.status_code == 503
        # The public answer says only that; the cause (host, port, message) is in the log.
        assert ready.json() == {"status": "unavailable"}
        assert "Connection refused" in caplog.text
        assert client.get("/healthz").status_code == 200
        page = user_client.get(reverse("reporting:dashboard"))
        assert page.status_code == 503
        assert "Sorry, the service is unavailable" in page.content.decode()
        assert "Traceback" not in page.content.decode()
        monkeypatch.undo()  # the database is back: no restart needed
        assert client.get("/readyz").status_code == 200
        assert user_client.get(reverse("reporting:dashboard")).status_code in (200, 404)

    def test_with_a_really_unreachable_database(self):
        code = (
            "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='uhbplan.settings';"
            "django.setup(); from django.test import Client; c = Client(raise_request_exception=False);"
            "print(c.get('/healthz', secure=True).status_code, c.get('/readyz', secure=True).status_code,"
            " c.get('/', secure=True).status_code, c.post('/login/', {'username': 'a', 'password': 'b'}, secure=True).status_code)"
        )
        result = run_python(
            code,
            DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing",
            ALLOWED_HOSTS="testserver",
        )
        # Alive; not ready; the home page still sends people to log in; a login needs the
        # database, so it gets the friendly 503 page.
        assert result.stdout.split()[-4:] == ["200", "503", "302", "503"], (
            result.stdout[-500:] + result.stderr[-1500:]
        )


@pytest.mark.django_db
class TestAuditLog:
    def test_writes_and_refusals_are_logged_as_json(self, client, user, caplog):
        from core.logging import JsonFormatter

        caplog.set_level(logging.INFO, logger="uhbplan.audit")
        client.force_login(user)  # a viewer
        client.post(reverse("logout"))
        client.force_login(user)
        client.get(reverse("planning:quarters"))  # refused: not an administrator
        records = [r for r in caplog.records if r.name == "uhbplan.audit"]
        entries = [json.loads(JsonFormatter().format(r)) for r in records]
        assert {
            "event": "logout",
            "user": "someone",
            "method": "POST",
            "path": "/logout/",
            "status": 302,
        }.items() <= entries[0].items()
        assert {
            "event": "denied",
            "outcome": "forbidden",
            "user": "someone",
            "method": "GET",
            "path": "/quarters/",
            "status": 403,
        }.items() <= entries[1].items()
        assert all("time" in entry for entry in entries)


@pytest.mark.django_db
class TestEscaping:
    SCRIPT = '<script>alert("x")</script>'

    def test_a_narrative_with_script_is_text_everywhere(self, client, hand_built_with_script):
        deliverable, people = hand_built_with_script
        client.force_login(people["admin"])
        for url in [
            reverse("deliverables:detail", args=[deliverable.pk]),
            reverse("deliverables:my_updates"),
            reverse("reporting:deliverable_list") + "?quarter=2",
            reverse("reporting:board_report") + "?quarter=2",
        ]:
            page = client.get(url).content.decode()
            assert self.SCRIPT not in page, url
        detail = client.get(reverse("deliverables:detail", args=[deliverable.pk])).content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in detail
        export = (
            client.get(reverse("reporting:deliverable_export", args=["csv"]) + "?quarter=2")
            .getvalue()
            .decode()
        )
        row = next(
            r
            for r in csv.DictReader(io.StringIO(export))
            if r["reference"] == deliverable.reference
        )
        assert row["narrative"] == self.SCRIPT  # plain text in a CSV: inert

    @pytest.fixture
    def hand_built_with_script(self, db):
        from accounts.roles import PLAN_ADMINISTRATORS
        from objectives.models import Quarter
        from tests.deliverables.factories import (
            DeliverableFactory,
            OwnerFactory,
            StatusUpdateFactory,
        )
        from tests.factories import UserFactory
        from tests.objectives.factories import PlanFactory

        plan = PlanFactory()
        plan.quarters.filter(number=2).update(state=Quarter.State.OPEN)
        owner = OwnerFactory(code="CDO")
        deliverable = DeliverableFactory(objective__theme__plan=plan, owners=[owner])
        StatusUpdateFactory(
            deliverable=deliverable, quarter=plan.quarters.get(number=2), narrative=self.SCRIPT
        )
        admin = UserFactory(username="admin", role=PLAN_ADMINISTRATORS, owners=[owner])
        return deliverable, {"admin": admin}


@pytest.mark.django_db(transaction=True)  # flush and load need real transactions
class TestBackupAndRestore:
    def test_a_full_dump_restored_into_an_empty_database_is_the_same(
        self, hand_built, q2, dhg, people, tmp_path, settings
    ):
        from assurance.models import AssuranceReview
        from deliverables.models import Deliverable, StatusUpdate

        AssuranceReview.objects.create(
            deliverable=Deliverable.objects.first(),
            quarter=q2,
            assurance_group=dhg,
            level="limited",
        )

        def snapshot():
            return {
                "deliverables": sorted(
                    Deliverable.objects.values_list(
                        "objective__number", "number", "description", "delivery"
                    )
                ),
                "updates": sorted(
                    StatusUpdate.objects.values_list(
                        "deliverable_id", "quarter_id", "status", "narrative", "version"
                    )
                ),
                "reviews": sorted(AssuranceReview.objects.values_list("deliverable_id", "level")),
                "history": sorted(StatusUpdate.history.values_list("id", "history_type", "status")),
                "deliverable_history": Deliverable.history.count(),
            }

        before = snapshot()
        dump = tmp_path / "backup.json"
        call_command(
            "dumpdata",
            "--natural-foreign",
            "--natural-primary",
            "--exclude",
            "contenttypes",
            "--exclude",
            "auth.permission",
            "--exclude",
            "sessions",
            "--exclude",
            "axes",
            "--output",
            str(dump),
            verbosity=0,
        )
        call_command("flush", "--no-input", verbosity=0)
        assert not Deliverable.objects.exists()
        # The dump carries the history; loading must not write more of it.
        settings.SIMPLE_HISTORY_ENABLED = False
        call_command("loaddata", str(dump), verbosity=0)
        assert snapshot() == before

    @pytest.mark.skipif(
        "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
        reason="pg_dump and pg_restore need PostgreSQL (the PostgreSQL run of .ci/run)",
    )
    def test_pg_dump_restored_into_an_empty_database_is_the_same(
        self, hand_built, q2, dhg, tmp_path
    ):
        import psycopg2
        from django.db import connection as django_connection

        from assurance.models import AssuranceReview
        from deliverables.models import Deliverable

        AssuranceReview.objects.create(
            deliverable=Deliverable.objects.first(),
            quarter=q2,
            assurance_group=dhg,
            level="limited",
        )
        params = django_connection.settings_dict
        source, target = params["NAME"], params["NAME"] + "_restore"
        env = {
            **os.environ,
            "PGHOST": params["HOST"] or "127.0.0.1",
            "PGPORT": str(params["PORT"] or 5432),
            "PGUSER": params["USER"] or "postgres",
        }
        if params.get("PASSWORD"):
            env["PGPASSWORD"] = params["PASSWORD"]
        dump = tmp_path / "backup.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", "--file", str(dump), source], env=env, check=True
        )
        subprocess.run(["dropdb", "--if-exists", target], env=env, check=True)
        subprocess.run(["createdb", target], env=env, check=True)
        try:
            subprocess.run(
                ["pg_restore", "--no-owner", "--dbname", target, str(dump)], env=env, check=True
            )
            tables = [
                "objectives_plan",
                "objectives_objective",
                "deliverables_deliverable",
                "deliverables_statusupdate",
                "deliverables_historicalstatusupdate",
                "assurance_assurancereview",
                "assurance_historicalassurancereview",
                "auth_user",
            ]

            def rows(dbname):
                with (
                    psycopg2.connect(
                        dbname=dbname,
                        host=env["PGHOST"],
                        port=env["PGPORT"],
                        user=env["PGUSER"],
                        password=params.get("PASSWORD") or None,
                    ) as db,
                    db.cursor() as cursor,
                ):
                    result = {}
                    for table in tables:
                        cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 - fixed names
                        result[table] = cursor.fetchall()
                    return result

            original, restored = rows(source), rows(target)
            assert restored == original
            assert (
                original["deliverables_statusupdate"]
                and original["deliverables_historicalstatusupdate"]
            )
        finally:
            subprocess.run(["dropdb", "--if-exists", target], env=env, check=True)
