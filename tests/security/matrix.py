"""The machinery of the access matrix (tests/security/test_access_matrix.py).

- ``every_route()`` lists what the project serves: each Django URL pattern by its
  name, and each ninja API operation as ``api:<METHOD> <path>``.
- ``build_world()`` makes one Kuala Lumpur case with everything hanging off it
  (plan, intervention, provider referral, assessment, consent with a signed form,
  task, JPESS support plan and activity, a notification and a token of aisyah), so
  every ``<number>`` and ``<pk>`` in a URL can be filled with a real id.
- ``outcome()`` reduces a response to what a user notices: ok, sent to sign in,
  refused, not found, method not allowed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

# What a user notices.
OK = "ok"  # 2xx, or a redirect that is not to the sign-in page
LOGIN = "login"  # a redirect to the sign-in page; 401 from the API
DENIED = "denied"  # 403 or 404: refused (the role may not do this)
HIDDEN = "404"  # exactly 404: someone else's object answers like a missing one
# An API write refused: 403/404, or 422 when ninja refused the (empty) body before
# the operation ran its access check; that answer is the same for every object,
# missing or not, so it shows nothing.
REFUSED = "refused"
NOT_ALLOWED = "405"  # the method is not allowed (GET on a POST-only view)

ACTORS = ("anon", "aisyah", "bala", "chong", "devi", "ehsan", "farid", "gopal")
STAFF = ACTORS[1:]

# Never in the matrix, and why:
EXCLUDED_PREFIXES = {
    # Django's admin: its own staff/superuser login, none of the project's roles
    # are staff; it is tested by Django.
    "admin:": "Django admin, guarded by is_staff and Django's own login",
}
EXCLUDED_NAMES = {
    "set_language": "i18n/setlang: switches the interface language, holds no data",
    "api:openapi-json": "the API's schema: public description, no data (tests/api/test_openapi)",
    "api:openapi-view": "the API's Swagger page: static UI, no data",
    "api:api-root": "ninja's root: no operation behind it",
    "api:None": "the JSON 404 catch-all under /api/v1/ (tests/api/test_errors)",
}
# Static files are served by whitenoise (middleware), not by a URL pattern, so
# they never appear in the resolver.


def _walk(resolver, prefix: str = "", namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, prefix + str(pattern.pattern)


def api_operations() -> dict[str, tuple[str, str, str]]:
    """{"api:GET /cases/{number}": (method, path, url_name)} for every ninja operation."""
    from kembali.api.main import api

    found = {}
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = "/" + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/"))
            for operation in path_view.operations:
                for method in operation.methods:
                    found[f"api:{method} {full}"] = (method, full, path_view.url_name)
    return found


def django_routes() -> dict[str, str]:
    """{view name: pattern} for every Django URL pattern outside the API namespace."""
    routes = {}
    for name, pattern in _walk(get_resolver()):
        if name.startswith("api:"):
            continue  # the API is listed operation by operation, below
        routes[name] = pattern
    return routes


def every_route() -> list[str]:
    """Every URL name and API operation the matrix must cover."""
    names = set(django_routes()) | set(api_operations())
    return sorted(
        n
        for n in names
        if n not in EXCLUDED_NAMES and not any(n.startswith(p) for p in EXCLUDED_PREFIXES)
    )


def unlisted_api_patterns() -> list[str]:
    """URL patterns under the API namespace that are neither an operation nor excluded."""
    import re

    operation_paths = {
        re.sub(r"{(\w+)}", r"<\1>", path).strip("/") for _m, path, _n in api_operations().values()
    }
    unlisted = []
    for name, pattern in _walk(get_resolver()):
        if not name.startswith("api:") or name in EXCLUDED_NAMES:
            continue
        path = pattern.removeprefix("api/v1/").strip("/")
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", path)
        if path not in operation_paths:
            unlisted.append(f"{name} ({pattern})")
    return sorted(unlisted)


def outcome(response) -> str:
    code = response.status_code
    if code == 401:
        return LOGIN
    if code in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        return LOGIN if "/accounts/login/" in location else OK
    if 200 <= code < 300:
        return OK
    return str(code)


def matches(expected: str, got: str) -> bool:
    if expected == DENIED:
        return got in ("403", "404")
    if expected == REFUSED:
        return got in ("403", "404", "422")
    return expected == got


@dataclass
class World:
    users: dict
    objects: dict  # name -> model instance, see build_world

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


# Which object fills a URL parameter. `pk` depends on the route: the first
# matching glob wins.
PK_BY_ROUTE = [
    ("cases:consent_signed_form", "consent"),
    ("plans:referral_report", "provider_referral"),
    ("plans:intervention_*", "intervention"),
    ("placement:activity_*", "activity"),
    ("placement:referral_*", "vacancy_referral"),  # H2
    ("placement:followup_*", "follow_up"),  # H3
    ("placement:self_employment_milestone_*", "milestone"),  # H3
    ("providers:*", "provider"),
    ("tokens:*", "token"),
    ("notifications:*", "notification"),
    ("employers:vacancy_*", "vacancy"),
    ("employers:training_*", "training"),
    ("employers:attendance_*", "training"),
    ("employers:*", "employer"),
    ("people:*", "person"),
    ("reports:pack_*", "report_export"),
]
PARAMS = {
    "number": ("case", "number"),
    "version": ("plan", "version"),
    "plan_version": ("plan", "version"),
    "task_id": ("task", "pk"),
    "contact_pk": ("employer_contact", "pk"),
    "attendance_pk": ("attendance", "pk"),
    "employer_id": ("employer", "pk"),
    "vacancy_id": ("vacancy", "pk"),
    "ref": ("person", "pk"),
    "result_id": ("import_result", "id"),
    "id": ("person", "pk"),
    "follow_up_id": ("follow_up", "pk"),  # H3
    "referral_id": ("vacancy_referral", "pk"),  # H2
    "milestone_id": ("milestone", "pk"),  # H3
}


def param_value(route: str, param: str, world: World):
    """The real id a URL parameter of this route takes, or KeyError naming what
    is missing (a new parameter: add it to PARAMS or PK_BY_ROUTE)."""
    from fnmatch import fnmatch

    if param == "pk":
        for glob, obj_name in PK_BY_ROUTE:
            if fnmatch(route, glob):
                return world.objects[obj_name].pk
        raise KeyError(f"{route}: which object fills <pk>? add it to PK_BY_ROUTE")
    if param not in PARAMS:
        raise KeyError(f"{route}: which object fills <{param}>? add it to PARAMS")
    obj_name, attr = PARAMS[param]
    return getattr(world.objects[obj_name], attr)


def route_url(route: str, world: World) -> tuple[str, str]:
    """(method, url) of a route: GET for a Django page, the operation's method for the API."""
    import re

    from django.urls import reverse

    if route.startswith("api:"):
        method, path, _url_name = api_operations()[route]
        url = "/api/v1" + re.sub(
            r"{(\w+)}", lambda m: str(param_value(route, m.group(1), world)), path
        )
        return method, url
    pattern = django_routes()[route]
    kwargs = {p: param_value(route, p, world) for p in re.findall(r"<(?:\w+:)?(\w+)>", pattern)}
    return "GET", reverse(route, kwargs=kwargs)


def make(model, **given):
    """A saved row of `model` with every required field filled with something valid,
    so the world keeps building when a model gains a required field."""
    from django.db import models as m

    today = timezone.localdate()
    values = dict(given)
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in values or field.attname in values:
            continue
        if field.has_default() or field.null or getattr(field, "auto_now", False):
            continue
        if getattr(field, "auto_now_add", False):
            continue
        if field.choices:
            values[field.name] = field.choices[0][0]
        elif isinstance(field, m.ForeignKey):
            related = field.related_model.objects.all()
            limit = field.get_limit_choices_to()
            if isinstance(limit, dict) and limit:
                related = related.filter(**limit)
            values[field.name] = related.order_by("pk").first()
        elif isinstance(field, m.EmailField):
            values[field.name] = "someone@example.com"
        elif isinstance(field, (m.CharField, m.TextField)):
            values[field.name] = f"matrix {field.name}"[: field.max_length or 200]
        elif isinstance(field, m.BooleanField):
            values[field.name] = False
        elif isinstance(field, (m.IntegerField, m.DecimalField, m.FloatField)):
            values[field.name] = 1
        elif isinstance(field, m.DateTimeField):
            values[field.name] = timezone.now()
        elif isinstance(field, m.DateField):
            values[field.name] = today
        elif isinstance(field, m.JSONField):
            values[field.name] = {}
    return model.objects.create(**values)


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build_world(users: dict) -> World:
    """One KL case managed by aisyah with bala as placement officer, and a Penang
    case of farid, with one of everything a URL can name."""
    from kembali.accounts.tokens import token_create
    from kembali.cases.imports import import_referrals_task
    from kembali.cases.models import (
        Assessment,
        CaseTask,
        Consent,
        EligibilityDecision,
        Status,
        Transition,
    )
    from kembali.employers.models import Contact, Training, TrainingAttendance, Vacancy
    from kembali.notifications.models import Notification
    from kembali.placement.models import SupportActivity, SupportPlan
    from kembali.plans.models import Intervention, ProviderReferral, RehabPlan
    from kembali.providers.models import Provider
    from tests.factories import CaseFactory, EmployerFactory, PersonFactory

    aisyah, bala, chong = users["aisyah"], users["bala"], users["chong"]
    chong_user = chong
    now = timezone.now()
    today = timezone.localdate()
    person = PersonFactory(full_name="Siti Aminah binti Yusof")
    case = CaseFactory(
        person=person,
        office=aisyah.office,
        case_manager=aisyah,
        placement_officer=bala,
        in_jpess=True,
        status=Status.IN_REHABILITATION,
        eligible=True,
    )
    other_case = CaseFactory(
        office=users["farid"].office, case_manager=users["farid"], status=Status.ASSIGNED
    )
    EligibilityDecision.objects.create(
        case=case, eligible=True, age=45, matched_rules=[1], decided_at=now
    )
    Assessment.objects.create(
        case=case,
        assessed_on=today,
        assessed_by=aisyah,
        medical_rating=1,
        functional_rating=1,
        psychosocial_rating=0,
        workplace_rating=1,
        vocational_rating=2,
        person_goal="Kembali bekerja",
    )
    consent = Consent.objects.create(
        case=case,
        given_on=today,
        method=Consent.Method.PAPER,
        joins_programme=True,
        intention_confirmed=True,
        shares_with_jpess=True,
        signed_form=SimpleUploadedFile("consent.pdf", PDF_BYTES, "application/pdf"),
        recorded_by=aisyah,
        recorded_at=now,
    )
    provider = Provider.objects.order_by("pk").first()
    plan = RehabPlan.objects.create(
        case=case,
        version=1,
        goal=1,
        start_date=today,
        target_end_date=today + dt.timedelta(days=120),
        created_by=aisyah,
    )
    intervention = Intervention.objects.create(
        plan=plan,
        kind="physical",
        provider=provider,
        planned_start=today,
        due_date=today + dt.timedelta(days=60),
        cost=Decimal("1200.00"),
    )
    provider_referral = ProviderReferral.objects.create(
        case=case,
        intervention=intervention,
        provider=provider,
        referred_on=today,
        created_by=aisyah,
    )
    task = CaseTask.objects.create(
        case=case,
        title="Call the employer",
        due_date=today + dt.timedelta(days=7),
        assigned_to=aisyah,
        created_by=aisyah,
        created_at=now,
    )
    support_plan = SupportPlan.objects.create(
        case=case, goals="Kerja di gudang", created_by=bala, created_at=now, updated_at=now
    )
    activity = SupportActivity.objects.create(
        plan=support_plan, kind="cv", planned_on=today, created_at=now, created_by=bala
    )
    notification = Notification.objects.create(user=aisyah, subject="A task is due")
    token, _plaintext = token_create(user=aisyah, name="matrix")
    del chong
    employer = EmployerFactory()
    training = make(Training, created_by=bala)

    def kl_case(status, **extra):
        return CaseFactory(
            office=aisyah.office,
            case_manager=aisyah,
            placement_officer=bala,
            status=status,
            **extra,
        )

    # Cases in the states some steps need, so those steps are tried where they apply.
    pending = kl_case(Status.CLOSURE_PENDING)
    Transition.objects.create(
        case=pending,
        from_status=Status.RETURNED_TO_WORK,
        to_status=Status.CLOSURE_PENDING,
        actor=aisyah,
        at=now,
        reason="Back at work for three months",
    )
    cases = {
        "case": case,
        "case_not_eligible": kl_case(Status.NOT_ELIGIBLE, eligible=False),
        "case_closure_pending": pending,
        "case_closed": kl_case(Status.CLOSED, closed_at=now, closure_reason="declined"),
        "case_assessed": kl_case(Status.ASSESSED, eligible=True),
    }
    objects = {
        "cases": cases,
        "case": case,
        "other_case": other_case,
        "plan": plan,
        "intervention": intervention,
        "provider_referral": provider_referral,
        "provider": provider,
        "consent": consent,
        "task": task,
        "support_plan": support_plan,
        "activity": activity,
        "notification": notification,
        "token": token,
        "person": person,
        "employer": employer,
        "employer_contact": make(Contact, employer=employer, name="Encik Rahim"),
        "vacancy": make(Vacancy, employer=employer, title="Storekeeper"),
        "training": training,
        "attendance": make(TrainingAttendance, training=training, employer=employer),
        # aisyah's background CSV import (queued, never run here).
        "import_result": import_referrals_task.enqueue(
            "imports/matrix.csv", aisyah.pk, "create", aisyah.office.code, "matrix.csv"
        ),
    }
    # chong's report pack, ready, with both files.
    from kembali.reports.models import ReportExport

    report_export = ReportExport.objects.create(
        requested_by=chong_user,
        filters={"start": "2025-01-01", "end": "2025-01-31", "office_id": chong_user.office_id},
        status=ReportExport.Status.READY,
    )
    report_export.pdf_file.save("pack.pdf", ContentFile(PDF_BYTES))
    report_export.xlsx_file.save("pack.xlsx", ContentFile(b"PK\x03\x04matrix"))
    objects["report_export"] = report_export
    _follow_up_world(users, objects, kl_case)  # H3
    # The world's case referred to its vacancy (H2).
    from kembali.placement.models_jobs import VacancyReferral

    objects["vacancy_referral"] = make(
        VacancyReferral, case=case, vacancy=objects["vacancy"], referred_by=bala, referred_at=now
    )
    return World(users=users, objects=objects)


def _follow_up_world(users: dict, objects: dict, kl_case) -> None:
    """A KL case back at work (its follow-ups scheduled with the outcome), and a
    self-employment plan with an income milestone on the world's case (H3)."""
    from kembali.cases.models import RtwOutcome, Status
    from kembali.placement.models_followup import FollowUp
    from kembali.placement.models_selfemployment import IncomeMilestone, SelfEmploymentPlan

    aisyah, bala = users["aisyah"], users["bala"]
    now = timezone.now()
    at_work = kl_case(Status.RETURNED_TO_WORK, in_jpess=True)
    outcome = RtwOutcome.objects.create(
        case=at_work,
        return_date=timezone.localdate(),
        isco_unit_id="4110",
        job_title="Office clerk",
        monthly_wage=Decimal("1800"),
        hours_per_week=40,
        auto_level=6,
        level=6,
        recorded_by=aisyah,
        recorded_at=now,
    )
    plan = SelfEmploymentPlan.objects.create(
        case=objects["case"],
        business_idea="Kedai jahit",
        created_by=bala,
        created_at=now,
        updated_at=now,
    )
    objects["cases"]["case_at_work"] = at_work
    objects["follow_up"] = FollowUp.objects.filter(outcome=outcome).order_by("months").first()
    objects["self_employment_plan"] = plan
    objects["milestone"] = IncomeMilestone.objects.create(
        plan=plan, due_on=timezone.localdate(), target_monthly_income=Decimal("1000")
    )
