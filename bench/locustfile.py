"""Locust users for the load benchmark (bench/bench_load.py starts gunicorn and
runs these headless; see there).

Staff of several offices, already signed in: bench_load.py writes one profile
per simulated user (a session of a generated case manager, placement officer or
supervisor; the cases they may open; names to search for) to the JSON file in
BENCH_LOAD_PROFILES. Sessions are made directly, not through the sign-in page:
the benchmark measures the work, not a million rounds of password hashing.

- StaffUser, the mix: search the case list, open a case, add a note (through
  the form, with its CSRF token), the vacancies matching a JPESS case, the
  dashboard (supervisors), as far as those pages exist (the profiles say);
- BareUser: the bare view (bench/bare_urls.py) alone, for the floor.

Think time: BENCH_THINK="0" for none (saturation) or "1-5" (seconds, uniform).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from http.cookiejar import Cookie
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, constant, task

PROFILES = json.loads(open(os.environ["BENCH_LOAD_PROFILES"]).read())  # noqa: SIM115
PAGES = PROFILES["pages"]
_next_profile = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NOTES = (
    "Phoned the insured person: physiotherapy going well, next review in two weeks.",
    "Employer confirms light duties are available from next month.",
    "Medical report received; no change to the plan.",
)


def _think():
    low, _, high = os.environ.get("BENCH_THINK", "0").partition("-")
    return between(float(low), float(high)) if high else constant(float(low))


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(
        0, name, value, None, False, host, False, False, "/", True, False, None, False, None,
        None, {},
    )  # fmt: skip


class SignedIn(FastHttpUser):
    abstract = True
    wait_time = _think()

    def on_start(self):
        self.profile = PROFILES["users"][next(_next_profile) % len(PROFILES["users"])]
        self.rng = random.Random(self.profile["session"])
        host = urlsplit(self.host).hostname
        self.client.cookiejar.set_cookie(_cookie("sessionid", self.profile["session"], host))

    def page(self, url: str, name: str):
        """A GET that must answer 200: a redirect (to sign in) is a failure."""
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} for {url}")
            return r


class StaffUser(SignedIn):
    @task(3)
    def search(self):
        term = self.rng.choice(self.profile["searches"])
        self.page(f"/cases/?{urlencode({'q': term})}", "/cases/?q=[search]")

    @task(4)
    def open_case(self):
        self.page(f"/cases/{self.rng.choice(self.profile['cases'])}/", "/cases/[number]/")

    @task(1)
    def add_note(self):
        number = self.rng.choice(self.profile["cases"])
        url = f"/cases/{number}/notes/new/"
        form = self.page(url, "/cases/[number]/notes/new/ (form)")
        found = CSRF.search(form.text or "")
        if not found:
            return
        body = urlencode({"csrfmiddlewaretoken": found.group(1), "text": self.rng.choice(NOTES)})
        with self.client.post(
            url,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": url},
            name="/cases/[number]/notes/new/ (post)",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"{r.status_code}: the note was not added")

    @task(1)
    def match(self):
        if PAGES.get("match") and self.profile["jpess_cases"]:
            number = self.rng.choice(self.profile["jpess_cases"])
            self.page(PAGES["match"].replace("NUMBER", number), "match vacancies for a case")

    @task(1)
    def dashboard(self):
        if PAGES.get("dashboard") and self.profile["role"] == "supervisor":
            self.page(PAGES["dashboard"], "dashboard")


class BareUser(SignedIn):
    @task
    def bare(self):
        self.page(f"/bench/bare/{self.rng.choice(self.profile['cases'])}/", "bare view")
