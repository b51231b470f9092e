"""The concurrent-edit test on a SQLite database file (python -m
tests.resilience.sqlite_edits, with DATABASE_URL set to a migrated file): the same
clients and checks as on PostgreSQL. Prints the counts as JSON; exits non-zero with
the failed check."""

from __future__ import annotations

import datetime as dt
import json
import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kembali.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, the in-memory e-mail outbox
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    from kembali.accounts.models import Role
    from kembali.accounts.tokens import token_create
    from kembali.cases.models import Status
    from tests.factories import CaseFactory, OfficeFactory, UserFactory, state
    from tests.resilience.concurrency import CLIENTS, check_no_lost_update, run_clients

    office = OfficeFactory(code="KL01", name="PERKESO RTW Kuala Lumpur", state=state("14"))
    aisyah = UserFactory(username="aisyah", role=Role.CASE_MANAGER, office=office)
    case = CaseFactory(
        office=office,
        case_manager=aisyah,
        status=Status.ASSESSED,
        referral_date=dt.date.today() - dt.timedelta(days=30),
    )
    tokens = [token_create(user=aisyah, name=f"client {i}")[1] for i in range(CLIENTS)]
    logs = run_clients(case.number, tokens)
    print(json.dumps(check_no_lost_update(case=case, first_version=case.version, logs=logs)))


if __name__ == "__main__":
    main()
