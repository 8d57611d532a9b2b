"""A realistic mix against gunicorn + PostgreSQL on loopback (`make loadtest`).

Executives save updates, secretaries filter their group's items, board members read the
dashboard and the board report. Bounded in users and time by the Makefile target.
"""

import random
import re

from locust import HttpUser, between, task

PASSWORD = "demo-plan-2021"


class SignedIn(HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        page = self.client.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post(
            "/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/login/"},
        )


class Executive(SignedIn):
    weight = 2
    wait_time = between(1, 3)
    username = "cdo"

    @task(3)
    def my_updates(self):
        self.client.get("/my-updates/")

    @task(1)
    def save_an_update(self):
        # As a browser does: My updates, open one update (its form), save it in place.
        page = self.client.get("/my-updates/").text
        rows = re.findall(r'href="(/deliverables/(\d+)/quarters/(\d+)/update/)', page)
        if not rows:
            return
        url, pk, _ = random.choice(rows)
        form = self.client.get(url, name="/deliverables/[id]/quarters/[n]/update/").text
        version = re.search(rf'name="d{pk}-version" value="(\d+)"', form)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        self.client.post(
            url,
            {
                f"d{pk}-status": "green",
                f"d{pk}-narrative": "Load test: progress as planned.",
                f"d{pk}-reason_for_change": "Load test",
                f"d{pk}-version": version.group(1) if version else "0",
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.host + "/my-updates/", "HX-Request": "true"},
            name="POST update (htmx)",
        )


class Secretary(SignedIn):
    weight = 1
    wait_time = between(1, 3)
    username = "dhg-secretary"

    @task
    def group_items(self):
        self.client.get("/my-groups/?missing=1", name="/my-groups/?filters")
        self.client.get("/deliverables/?status=green&owner=CDO", name="/deliverables/?filters")


class BoardMember(SignedIn):
    weight = 2
    wait_time = between(2, 5)
    username = "viewer"

    @task(2)
    def dashboard(self):
        self.client.get("/dashboard/")

    @task(1)
    def board_report(self):
        self.client.get("/board-report/")
