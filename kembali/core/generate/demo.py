"""The demo: one login per role and a small generated data set, loaded once."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kembali.accounts.models import Office, Role, User
from kembali.cases.models import Case
from kembali.core.generate.builder import GenerateResult, GenerationError, generate
from kembali.reference.models import State

DEMO_PASSWORD = "kembali-demo"
DEMO_SEED = 2007  # the year the RTW programme began
DEMO_OFFICE = "KL01"
HEADQUARTERS = "HQ"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    office: str
    first_name: str
    last_name: str


DEMO_USERS = (
    DemoUser("case.manager", Role.CASE_MANAGER, DEMO_OFFICE, "Nur Aisyah", "binti Rahman"),
    DemoUser("placement.officer", Role.PLACEMENT_OFFICER, DEMO_OFFICE, "Bala", "a/l Subramaniam"),
    DemoUser("supervisor", Role.SUPERVISOR, DEMO_OFFICE, "Chong", "Mei Ling"),
    DemoUser("admin", Role.NATIONAL_ADMIN, HEADQUARTERS, "Devi", "a/p Krishnan"),
    DemoUser("analyst", Role.MINISTRY_ANALYST, HEADQUARTERS, "Ehsan", "bin Yusof"),
)


def reference_data_check() -> None:
    if State.objects.count() < 16:
        raise GenerationError("Reference data is missing: run `kembali migrate` first.")
    codes = {u.office for u in DEMO_USERS}
    found = set(Office.objects.filter(code__in=codes).values_list("code", flat=True))
    if found != codes:
        raise GenerationError(
            f"Offices {', '.join(sorted(codes - found))} are missing: run `kembali migrate` first."
        )


@transaction.atomic
def demo_users_ensure() -> list[User]:
    """Create the demo logins that are missing; existing ones are left as they are."""
    offices = {o.code: o for o in Office.objects.filter(code__in={u.office for u in DEMO_USERS})}
    existing = {
        u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS])
    }
    password = None
    users = []
    for demo in DEMO_USERS:
        user = existing.get(demo.username)
        if user is None:
            password = password or make_password(DEMO_PASSWORD)  # one slow hash, not five
            user = User.objects.create(
                username=demo.username,
                first_name=demo.first_name,
                last_name=demo.last_name,
                role=demo.role,
                office=offices[demo.office],
                password=password,
                email=f"{demo.username}@kembali.example",
            )
        users.append(user)
    return users


def demo_users_table() -> list[tuple[str, str, str, str]]:
    """(username, role, office, password) of each demo login that exists."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS]).select_related(
            "office"
        )
    }
    rows = []
    for demo in DEMO_USERS:
        user = users.get(demo.username)
        if user is not None:
            office = user.office.name if user.office else ""
            rows.append((user.username, str(user.get_role_display()), office, DEMO_PASSWORD))
    return rows


def demo_load(*, cases: int = 3000) -> GenerateResult | None:
    """Demo users, then the demo data set if there are no cases yet (None: it was there)."""
    reference_data_check()
    demo_users_ensure()
    if Case.objects.exists():
        return None
    # The demo users exist before the data is generated, so the demo case manager and
    # placement officer are among the Kuala Lumpur staff that cases are given to.
    return generate(cases=cases, seed=DEMO_SEED)
