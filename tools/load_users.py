"""What the users of both locust scripts do alike (`tools/locustfile.py` for `make loadtest`,
`tools/scaleout_locustfile.py` for `make scaleout-test`): sign in as a demo account, and open
one of My updates' updates with the form data to save it, as a browser without JavaScript does.
Locust puts this folder on the import path of the script it runs."""

import random
import re

PASSWORD = "demo-plan-2021"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UPDATE_LINK = re.compile(r'href="(/deliverables/(\d+)/quarters/(\d+)/update/)')
# One name for every update's page in locust's figures.
UPDATE_PAGE = "/deliverables/[id]/quarters/[n]/update/"


def sign_in(user) -> None:
    """Sign `user` (a locust HttpUser with a `username`) in through the sign-in form."""
    page = user.client.get("/login/", name="/login/")
    user.client.post(
        "/login/",
        {
            "username": user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
        },
        headers={"Referer": user.host + "/login/"},
        name="/login/",
    )


def update_to_save(my_updates_html: str, get, narrative: str, reason: str):
    """(url, form data) to save one of the updates My updates lists, chosen at random, with
    `narrative` and `reason` for its change; its page is read with `get(url, name)`. None if
    the page lists none."""
    links = UPDATE_LINK.findall(my_updates_html)
    if not links:
        return None
    url, pk, _ = random.choice(links)
    form = get(url, UPDATE_PAGE).text
    version = re.search(rf'name="d{pk}-version" value="(\d+)"', form)
    return url, {
        f"d{pk}-status": "green",
        f"d{pk}-narrative": narrative,
        f"d{pk}-reason_for_change": reason,
        f"d{pk}-version": version.group(1) if version else "0",
        "csrfmiddlewaretoken": CSRF.search(form).group(1),
    }
