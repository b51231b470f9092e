"""Production mode refuses an unsafe configuration; development needs nothing set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "KEMBALI_ENV"}}
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_debug_on():
    result = _check(
        {
            "KEMBALI_ENV": "production",
            "DEBUG": "true",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "kembali.example",
        }
    )
    assert result.returncode != 0
    assert "refuses to start with DEBUG on" in result.stderr


def test_production_refuses_the_development_secret_key():
    result = _check({"KEMBALI_ENV": "production", "ALLOWED_HOSTS": "kembali.example"})
    assert result.returncode != 0
    assert "needs SECRET_KEY" in result.stderr


def test_production_with_safe_settings_passes_the_deploy_check():
    result = _check(
        {
            "KEMBALI_ENV": "production",
            "ALLOWED_HOSTS": "kembali.example",
            "SECRET_KEY": "k3mb4li-" + "q" * 30 + "Zx9!" + "w" * 30,
            "KEMBALI_FIELD_KEY": "nCdUyBh6P6kPz1j8oOKUdaNh-rJ9N2kBDPQV9_8IjbQ=",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_boolean_in_the_environment_is_a_clear_error():
    result = _check({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
def test_postgresql_statements_run_five_times_are_prepared():
    """Server-side parameters, so that PostgreSQL plans a hot query once per
    connection (psycopg prepares it on its fifth run)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from kembali.cases.models import Case

    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 5
    for _ in range(6):
        list(Case.objects.filter(number="RTW-2026-0000001"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%cases_case%"]
        )
        assert cursor.fetchone()[0] >= 1
