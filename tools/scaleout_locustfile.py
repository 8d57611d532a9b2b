"""The scale-out test's users (`make scaleout-test`, tools/scaleout.py), through the balancer.

Executives save updates, each with a unique token in its narrative, and write every save the
server acknowledged (a redirect to My updates) to SAVES_LOG, one token a line: afterwards the
test finds each token in the database's history exactly once. Board members and secretaries
read. A request that lands on the sign-in page counts as a failure: the session was lost.
"""

import os
import uuid

from load_users import sign_in, update_to_save
from locust import HttpUser, between, task

SAVES_LOG = os.environ.get("SAVES_LOG", "/tmp/uhbplan-scaleout-saves.log")


class SignedIn(HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        sign_in(self)

    def read(self, url, name=None):
        with self.client.get(url, name=name or url, catch_response=True) as response:
            if "/login/" in response.url:
                response.failure("signed out: the session did not survive")
            return response


class Executive(SignedIn):
    weight = 3
    wait_time = between(0.5, 1.5)
    username = "cdo"

    @task(2)
    def my_updates(self):
        self.read("/my-updates/")

    @task(3)
    def save_an_update(self):
        token = f"scaleout-{uuid.uuid4().hex}"
        found = update_to_save(
            self.read("/my-updates/").text,
            self.read,
            f"Progress as planned ({token}).",
            "Scale-out test",
        )
        if not found:
            return
        url, data = found
        with self.client.post(
            url,
            data,
            headers={"Referer": self.host + url},
            name="POST update",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and "/login/" not in location:
                with open(SAVES_LOG, "a", encoding="utf-8") as log:
                    log.write(token + "\n")
            elif response.status_code == 200:
                # Someone saved this update first (a conflict, shown to the person): not a save.
                response.success()
            else:
                response.failure(f"save answered {response.status_code} {location}")


class Secretary(SignedIn):
    weight = 1
    wait_time = between(1, 2)
    username = "dhg-secretary"

    @task
    def group_items(self):
        self.read("/my-groups/?missing=1", name="/my-groups/?filters")
        self.read("/deliverables/?status=green&owner=CDO", name="/deliverables/?filters")


class BoardMember(SignedIn):
    weight = 2
    wait_time = between(1, 3)
    username = "viewer"

    @task(2)
    def dashboard(self):
        self.read("/dashboard/")

    @task(1)
    def board_report(self):
        self.read("/board-report/")
