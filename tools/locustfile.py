"""A realistic mix against gunicorn + PostgreSQL on loopback (`make loadtest`).

Executives save updates, secretaries filter their group's items, board members read the
dashboard and the board report. Bounded in users and time by the Makefile target.
"""

from load_users import sign_in, update_to_save
from locust import HttpUser, between, task


class SignedIn(HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        sign_in(self)


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
        found = update_to_save(
            self.client.get("/my-updates/").text,
            lambda url, name: self.client.get(url, name=name),
            "Load test: progress as planned.",
            "Load test",
        )
        if found:
            url, data = found
            self.client.post(
                url,
                data,
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
