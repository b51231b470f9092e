"""What the resilience tests share: running a management command as an operator
would (its own process, a database named by DATABASE_URL), and the URL of a
PostgreSQL database on the test server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]


def manage(database_url: str, *args: str, var_dir: Path | None = None, **env):
    environment = {**os.environ, "DATABASE_URL": database_url, **env}
    if var_dir is not None:
        environment["KEMBALI_VAR_DIR"] = str(var_dir)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def pg_url(settings_dict: dict, name: str | None = None) -> str:
    """postgres://... for the server of `settings_dict`, database `name` (default its own)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(name or settings_dict['NAME'], safe='')}"
