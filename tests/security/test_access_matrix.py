"""The access matrix: every URL and every API operation, for anonymous and for each
role in the same office and in another office (issue 6, part 2).

A route without a row below fails the suite: add it to MATRIX. Each row reads
across the actors of tests/conftest.py:

    anon    not signed in
    aisyah  case manager, Kuala Lumpur: manages the case
    bala    job placement officer, Kuala Lumpur: the case's placement officer
    chong   supervisor, Kuala Lumpur
    devi    national administrator
    ehsan   ministry analyst (aggregates only)
    farid   case manager, Pulau Pinang (another office)
    gopal   supervisor, Pulau Pinang (another office)

Outcomes: ok (2xx, or a redirect not to sign-in), login (sent to sign in; 401 from
the API), denied (403 or 404), 403, 404 (someone else's object answers exactly
like a missing one), 405 (method not allowed), refused (an API write: 403, 404,
or 422 when the body was refused before the access check), and "-" (not tried:
an allowed POST, which the matrix never performs).

Pages are tried with GET. A POST-only route has a `post` row as well: GET must
be refused, and a POST is sent only by the actors that must be refused, with
an empty body, so nothing changes. Objects: the case is a KL case managed by
aisyah with bala as placement officer (tests/security/matrix.py, build_world);
a row can name another case of the world in a given state (`on=`).
"""

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.security import matrix as m

A = m.ACTORS


@dataclass(frozen=True)
class Row:
    get: str
    post: str | None = None  # POST-only: who must be refused a POST
    on: str = "case"  # which case of the world fills <number>
    body: object = None  # an API write's JSON body: a function of the world


def R(get: str, post: str | None = None, **kw) -> Row:
    return Row(get=get, post=post, **kw)


# Shorthands for the common rows.
CASE_READ = "login ok ok ok ok denied 404 404"  # who works on the case, their supervisor, HQ
CASE_SUPERVISOR = "login denied denied ok ok denied 404 404"
STAFF = "login ok ok ok ok ok ok ok"  # any signed-in user
PERSONAL_LIST = "login ok ok ok ok denied ok ok"  # not the analyst
EMPLOYER_EDIT = "login denied ok ok ok denied denied ok"  # placement officers, supervisors, HQ
POST_ONLY_GET = "login 405 405 405 405 405 405 405"
API_CASE_READ = "login ok ok ok ok 403 404 404"
API_CASE_WRITE = "login - - - - refused refused refused"  # tried only by those refused

MATRIX: dict[str, Row] = {
    # --- Accounts: signing in and out, password, two-step, locked accounts.
    "accounts:login": R("ok ok ok ok ok ok ok ok"),
    "accounts:logout": R("405 405 405 405 405 405 405 405", post="- - - - - - - -"),
    "accounts:password_change": R(STAFF),
    "accounts:password_change_done": R(STAFF),
    "accounts:totp_verify": R(STAFF),
    "accounts:totp_enrol": R(STAFF),
    "accounts:locked": R("login denied denied ok ok denied denied ok"),
    "accounts:unlock": R(POST_ONLY_GET, post="login denied denied - - denied denied -"),
    "core:home": R(STAFF),
    # --- Cases.
    "cases:list": R(PERSONAL_LIST),
    "cases:mine": R(PERSONAL_LIST),
    "cases:my_tasks": R(STAFF),
    "cases:new": R("login ok denied ok ok denied ok ok"),
    "cases:occupation_options": R("login ok denied ok ok denied ok ok"),
    "cases:import": R("login ok denied ok ok denied ok ok"),
    # aisyah's background import: only she sees it.
    "cases:import_status": R("login ok denied 404 404 denied 404 404"),
    "cases:detail": R(CASE_READ),
    "cases:assign": R(CASE_SUPERVISOR),
    "cases:eligibility_override": R(CASE_SUPERVISOR, on="case_not_eligible"),
    "cases:close_not_eligible": R(
        POST_ONLY_GET, post="login - - - - denied 404 404", on="case_not_eligible"
    ),
    "cases:closure_request": R(CASE_READ),
    "cases:closure_approve": R(
        POST_ONLY_GET, post="login denied denied - - denied 404 404", on="case_closure_pending"
    ),
    "cases:closure_refuse": R(CASE_SUPERVISOR, on="case_closure_pending"),
    "cases:reopen": R(CASE_SUPERVISOR, on="case_closed"),
    "cases:assessment": R(CASE_READ),
    "cases:assessment_new": R("login ok denied ok denied denied 404 404"),
    "cases:consent": R(CASE_READ),
    "cases:consent_new": R("login ok denied denied denied denied 404 404", on="case_assessed"),
    "cases:consent_print": R(CASE_READ),
    "cases:consent_form_pdf": R(CASE_READ),
    "cases:consent_withdraw": R(CASE_READ),
    "cases:consent_signed_form": R(CASE_READ),
    "cases:note_new": R(CASE_READ),
    "cases:contact_new": R(CASE_READ),
    "cases:task_new": R(CASE_READ),
    "cases:task_done": R(POST_ONLY_GET, post="login - - - - denied 404 404"),
    "cases:outcome": R("login ok denied denied denied denied 404 404"),
    "cases:follow_up_start": R(POST_ONLY_GET, post="login - - - - denied 404 404"),
    # --- People: the PDPA subject-access export (supervisors of the office, HQ).
    "people:export": R("login 404 404 ok ok 404 404 404"),
    "people:export_json": R("login 404 404 ok ok 404 404 404"),
    "people:export_pdf": R("login 404 404 ok ok 404 404 404"),
    # --- Rehabilitation plans.
    "plans:plan": R(CASE_READ),
    "plans:version": R(CASE_READ),
    "plans:pdf": R(CASE_READ),
    "plans:new": R("login ok denied ok ok denied 404 404"),
    "plans:start": R(POST_ONLY_GET, post="login - - - - denied 404 404"),
    "plans:edit": R("login ok denied ok ok denied 404 404"),
    "plans:submit": R(POST_ONLY_GET, post="login - - - - denied 404 404"),
    "plans:decide": R(CASE_SUPERVISOR),
    "plans:intervention_new": R("login ok denied ok ok denied 404 404"),
    "plans:intervention_edit": R("login ok denied ok ok denied 404 404"),
    "plans:intervention_remove": R("login ok denied ok ok denied 404 404"),
    "plans:intervention_status": R(POST_ONLY_GET, post="login - - - - denied 404 404"),
    "plans:referral_new": R("login ok denied ok ok denied 404 404"),
    "plans:referral_report": R("login ok denied ok ok denied 404 404"),
    # --- JPESS (job placement) on a case.
    "placement:case": R(CASE_READ),
    "placement:refer": R("login ok denied ok ok denied 404 404"),
    "placement:assign": R(CASE_SUPERVISOR),
    "placement:assessment": R("login denied ok ok ok denied 404 404"),
    "placement:support_plan": R(CASE_READ),
    "placement:activity_new": R("login denied ok ok ok denied 404 404"),
    "placement:activity_edit": R("login denied ok ok ok denied 404 404"),
    "placement:support_plan_pdf": R(CASE_READ),
    # Referrals to vacancies, the job coach, sessions (H2): who works on the case.
    "placement:referral_new": R(CASE_READ),
    "placement:referral_detail": R(CASE_READ),
    **{
        f"placement:referral_{step}": R(CASE_READ)
        for step in ("interview", "offer", "not_selected", "accept", "decline", "place", "withdraw")
    },
    "placement:coach_assign": R(CASE_READ),
    "placement:coach_end": R(CASE_READ),
    "placement:session_new": R(CASE_READ),
    # Follow-ups, the job lost, self-employment (H3). A follow-up is recorded by who
    # keeps the case's record; the job lost is a workflow step (CM, PO, supervisor);
    # the business started is a return to work (here from rehabilitation: the CM).
    "placement:followup_record": R(CASE_READ, on="case_at_work"),
    "placement:job_lost": R("login ok ok ok denied denied 404 404", on="case_at_work"),
    "placement:self_employment": R(CASE_READ),
    "placement:self_employment_support_new": R(CASE_READ),
    "placement:self_employment_milestone_new": R(CASE_READ),
    "placement:self_employment_milestone_report": R(CASE_READ),
    "placement:self_employment_start": R("login ok denied denied denied denied 404 404"),
    # JPESS matching (H1): a case's matches and one pair; a vacancy's candidates (each
    # actor sees only the cases they may see) and the skills it asks for.
    "placement:matches": R(CASE_READ),
    "placement:match_pair": R(CASE_READ),
    "placement:vacancy_candidates": R(PERSONAL_LIST),
    "placement:vacancy_skills": R(EMPLOYER_EDIT),
    # --- Providers: the public directory.
    "providers:list": R(STAFF),
    "providers:detail": R(STAFF),
    # --- Employers, vacancies, trainings: national, not office-bound; case managers
    # read, placement officers and supervisors change; the analyst sees none (contacts
    # are personal data).
    "employers:list": R(PERSONAL_LIST),
    "employers:detail": R(PERSONAL_LIST),
    "employers:new": R(EMPLOYER_EDIT),
    "employers:edit": R(EMPLOYER_EDIT),
    "employers:contact_new": R(EMPLOYER_EDIT),
    "employers:contact_edit": R(EMPLOYER_EDIT),
    "employers:contact_delete": R(POST_ONLY_GET, post="login denied - - - denied denied -"),
    "employers:engagement_new": R(EMPLOYER_EDIT),
    "employers:funnel": R(EMPLOYER_EDIT),
    "employers:accessibility": R(EMPLOYER_EDIT),
    "employers:fiscal_benefits": R(EMPLOYER_EDIT),
    "employers:vacancy_list": R(PERSONAL_LIST),
    "employers:vacancy_new": R(EMPLOYER_EDIT),
    "employers:vacancy_import": R(EMPLOYER_EDIT),
    "employers:occupation_options": R(PERSONAL_LIST),
    "employers:vacancy_detail": R(PERSONAL_LIST),
    "employers:vacancy_edit": R(EMPLOYER_EDIT),
    "employers:vacancy_close": R(EMPLOYER_EDIT),
    "employers:training_list": R(PERSONAL_LIST),
    "employers:training_new": R(EMPLOYER_EDIT),
    "employers:training_detail": R(PERSONAL_LIST),
    "employers:training_edit": R(EMPLOYER_EDIT),
    "employers:training_delete": R(POST_ONLY_GET, post="login denied - - - denied denied -"),
    "employers:attendance_delete": R(POST_ONLY_GET, post="login denied - - - denied denied -"),
    # --- API tokens (web pages), notifications, audit trail.
    "tokens:list": R(STAFF),
    "tokens:new": R(STAFF),
    # aisyah's token: its owner and a national administrator may revoke it.
    "tokens:revoke": R("login ok 404 404 ok 404 404 404"),
    # Marking read is per user: someone else's notification is left alone (a no-op
    # redirect, which says nothing about it), so a POST by anyone is harmless.
    "notifications:list": R(STAFF),
    "notifications:read": R("405 405 405 405 405 405 405 405", post="login - - - - - - -"),
    "notifications:read_all": R("405 405 405 405 405 405 405 405", post="login - - - - - - -"),
    "audit:trail": R("login denied denied ok ok denied denied ok"),
    # --- Reports: supervisors (their office), HQ and the analyst; no drill-down to
    # cases for the analyst (aggregates only).
    "reports:dashboard": R("login denied denied ok ok ok denied ok"),
    # Recomputing the kept figures: supervisors (their office) and HQ, not the analyst.
    "reports:dashboard_refresh": R(POST_ONLY_GET, post="login denied denied - - denied denied -"),
    "reports:cases": R("login denied denied ok ok denied denied ok"),
    # The caseload names officers and links to cases: supervisors (own office), HQ.
    "reports:caseload": R("login 404 404 ok ok 404 404 ok"),
    "reports:pack": R("login 404 404 ok ok ok 404 ok"),
    # chong's ready report pack: only its owner and a national administrator.
    "reports:pack_export": R("login 404 404 ok ok 404 404 404"),
    "reports:pack_pdf": R("login 404 404 ok ok 404 404 404"),
    "reports:pack_xlsx": R("login 404 404 ok ok 404 404 404"),
    # --- The API, operation by operation (401 reads "login"). The analyst gets 403
    # from every operation that returns personal data.
    "api:GET /me": R(STAFF),
    "api:GET /cases": R("login ok ok ok ok 403 ok ok"),
    "api:GET /cases/{number}": R("login ok ok ok ok 403 404 404"),
    "api:POST /eligibility/check": R(None, post="login - - - - - - -"),
    "api:GET /employers": R("login ok ok ok ok 403 ok ok"),
    "api:GET /employers/{employer_id}": R("login ok ok ok ok 403 ok ok"),
    "api:GET /vacancies": R("login ok ok ok ok 403 ok ok"),
    "api:GET /vacancies/{vacancy_id}": R("login ok ok ok ok 403 ok ok"),
    # Writes are tried with a valid body, so a refusal is the role's, not the input's.
    "api:PATCH /vacancies/{vacancy_id}": R(
        None,
        post="login denied - - - 403 denied -",
        body=lambda w: {"version": w.vacancy.version, "title": "Storekeeper II"},
    ),
    # Writes tried with an empty body: refused = 403, 404 or 422 (see matrix.REFUSED).
    "api:POST /vacancies": R(None, post="login refused - - - refused refused -"),
    "api:POST /referrals": R(None, post="login - refused - - refused - -"),
    # --- The API on one case: the analyst 403, another office 404.
    "api:GET /cases/{number}/plans": R(API_CASE_READ),
    "api:GET /cases/{number}/timeline": R(API_CASE_READ),
    # Referrals to vacancies, job coaches, sessions (H2).
    "api:GET /cases/{number}/vacancy-referrals": R(API_CASE_READ),
    "api:GET /cases/{number}/vacancy-referrals/{referral_id}": R(API_CASE_READ),
    "api:GET /cases/{number}/job-coaches": R(API_CASE_READ),
    "api:GET /cases/{number}/support-sessions": R(API_CASE_READ),
    **{
        f"api:POST /cases/{{number}}/{path}": R(None, post=API_CASE_WRITE)
        for path in (
            "vacancy-referrals",
            "vacancy-referrals/{referral_id}/steps",
            "job-coaches",
            "job-coaches/end",
            "support-sessions",
        )
    },
    "api:GET /cases/{number}/assignment/suggestion": R("login denied denied ok ok 403 404 404"),
    **{
        f"api:{op}": R(None, post=API_CASE_WRITE)
        for op in (
            "POST /cases/{number}/assessment",
            "POST /cases/{number}/assign",
            "POST /cases/{number}/closure",
            "POST /cases/{number}/closure/approve",
            "POST /cases/{number}/closure/refuse",
            "POST /cases/{number}/consent",
            "POST /cases/{number}/consent/withdraw",
            "POST /cases/{number}/contacts",
            "POST /cases/{number}/eligibility/override",
            "POST /cases/{number}/follow-up",
            "POST /cases/{number}/notes",
            "POST /cases/{number}/outcome",
            "POST /cases/{number}/plans",
            "PATCH /cases/{number}/plans/{plan_version}",
            "POST /cases/{number}/plans/{plan_version}/approve",
            "POST /cases/{number}/plans/{plan_version}/interventions",
            "POST /cases/{number}/plans/{plan_version}/reject",
            "POST /cases/{number}/plans/{plan_version}/start",
            "POST /cases/{number}/plans/{plan_version}/submit",
            "POST /cases/{number}/reopen",
            "POST /cases/{number}/tasks",
        )
    },
    "api:GET /people/{ref}/export": R("login 404 404 ok ok 403 404 404"),
    # Follow-ups and self-employment (H3).
    "api:GET /cases/{number}/follow-ups": R(API_CASE_READ, on="case_at_work"),
    "api:GET /cases/{number}/self-employment": R(API_CASE_READ),
    **{
        f"api:{op}": R(None, post=API_CASE_WRITE)
        for op in (
            "POST /cases/{number}/follow-ups/{follow_up_id}",
            "POST /cases/{number}/job-lost",
            "PUT /cases/{number}/self-employment",
            "POST /cases/{number}/self-employment/supports",
            "POST /cases/{number}/self-employment/milestones",
            "POST /cases/{number}/self-employment/milestones/{milestone_id}/report",
            "POST /cases/{number}/self-employment/start",
        )
    },
    # JPESS matching (H1).
    "api:GET /cases/{number}/matches": R(API_CASE_READ),
    "api:GET /vacancies/{vacancy_id}/candidates": R("login ok ok ok ok 403 ok ok"),
    "api:GET /vacancies/{vacancy_id}/skills": R("login ok ok ok ok 403 ok ok"),
    "api:PUT /vacancies/{vacancy_id}/skills": R(
        None, post="login denied - - - 403 denied -", body=lambda w: {"skills": []}
    ),
}


def _spec(text: str) -> dict[str, str]:
    outcomes = text.split()
    assert len(outcomes) == len(A), f"{text!r}: one outcome per actor {A}"
    return dict(zip(A, outcomes, strict=True))


@pytest.fixture
def world(aisyah, bala, chong, devi, ehsan, farid, gopal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    users = dict(
        aisyah=aisyah, bala=bala, chong=chong, devi=devi, ehsan=ehsan, farid=farid, gopal=gopal
    )
    return m.build_world(users)


@pytest.fixture
def clients(world) -> dict[str, Client]:
    clients = {"anon": Client()}
    for name, user in world.users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def test_every_url_and_api_operation_is_in_the_matrix():
    missing = [route for route in m.every_route() if route not in MATRIX]

    assert not missing, (
        f"Not in the access matrix: {missing}. Add each to MATRIX in "
        "tests/security/test_access_matrix.py (add it to the access matrix) with the "
        "outcome every actor must get."
    )


def test_every_api_url_is_an_operation_or_excluded_on_purpose():
    assert not m.unlisted_api_patterns(), (
        "API URL patterns that are neither an operation nor in EXCLUDED_NAMES of "
        "tests/security/matrix.py: add them to the access matrix"
    )


def test_the_matrix_names_only_routes_that_exist():
    stale = sorted(set(MATRIX) - set(m.every_route()))

    assert not stale, f"In the matrix but no longer served: {stale}; remove them."


def _request(client: Client, method: str, url: str, body: str, api: bool):
    if api:
        return client.generic(method, url, body, content_type="application/json")
    if method == "GET":
        return client.get(url)
    return client.post(url, {})


def _check(world, clients, route: str, row: Row) -> list[str]:
    world.objects["case"] = world.objects["cases"][row.on]
    method, url = m.route_url(route, world)
    api = route.startswith("api:")
    wrong = []
    tries = []
    if row.get is not None:
        tries.append(("GET", row.get))
    if row.post is not None:
        tries.append(("POST" if method == "GET" else method, row.post))
    for try_method, spec in tries:
        for actor, expected in _spec(spec).items():
            if expected == "-":
                continue
            body = json.dumps(row.body(world) if row.body and actor != "anon" else {})
            got = m.outcome(_request(clients[actor], try_method, url, body, api))
            if not m.matches(expected, got):
                wrong.append(
                    f"{try_method} {route} ({url}) as {actor}: got {got}, expected {expected}"
                )
    return wrong


def test_every_route_answers_each_actor_as_the_matrix_says(world, clients):
    wrong = []
    for route in m.every_route():
        if route in MATRIX:
            wrong += _check(world, clients, route, MATRIX[route])

    assert not wrong, "Access matrix mismatches:\n" + "\n".join(wrong)


def test_a_missing_case_answers_like_another_offices_case(world, clients):
    """A case number that does not exist gets the same 404 as another office's case,
    on every page and operation that takes a case number."""
    from kembali.cases.models import Case

    world.objects["case"] = Case(number="RTW-1990-9999999")
    wrong = []
    for route, row in MATRIX.items():
        takes_number = "{number}" in route or (
            not route.startswith("api:") and "<str:number>" in m.django_routes().get(route, "")
        )
        if not takes_number or row.get is None or _spec(row.get)["farid"] != "404":
            continue
        _method, url = m.route_url(route, world)
        for actor in ("farid", "devi"):
            got = m.outcome(clients[actor].get(url))
            if got != "404":
                wrong.append(f"GET {route} ({url}) as {actor}: got {got}, expected 404")

    assert not wrong, "\n".join(wrong)
