"""The clients of the concurrent-edit test and what must hold after them, shared by
the PostgreSQL run (in the test process) and the SQLite run (tests/resilience/
sqlite_edits.py, in a subprocess against a database file)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from dataclasses import dataclass, field

from django.db import connections
from django.test import Client

CLIENTS = 20
EDITS = 50  # requests that edit, per client; a refused one is retried as the next


@dataclass
class ClientLog:
    accepted: list[tuple[int, str, int]] = field(default_factory=list)  # id, goal, version
    refused: list[str] = field(default_factory=list)  # goals refused with 409
    other: list[tuple[int, str]] = field(default_factory=list)  # status, body


def assessment_body(version: int, goal: str, n: int) -> dict:
    return {
        "version": version,
        "assessed_on": dt.date.today().isoformat(),
        "person_goal": goal,
        "medical_rating": n % 4,
        "functional_rating": (n + 1) % 4,
        "psychosocial_rating": (n + 2) % 4,
        "workplace_rating": (n + 3) % 4,
        "vocational_rating": n % 3,
    }


def run_client(index: int, token: str, number: str, start: threading.Barrier, log: ClientLog):
    """One API client: read the case's version, then EDITS reassessments, each sent
    with the version it last read; after a 409 it reads the case again."""
    client = Client(headers={"Authorization": f"Bearer {token}"})
    url = f"/api/v1/cases/{number}"
    try:
        start.wait()
        version = client.get(url).json()["version"]
        edit = 0
        for attempt in range(EDITS):
            goal = f"client {index} edit {edit} attempt {attempt}"
            response = client.post(
                f"{url}/assessment",
                assessment_body(version, goal, attempt),
                content_type="application/json",
            )
            if response.status_code == 201:
                answer = response.json()
                version = answer["case"]["version"]
                log.accepted.append((answer["id"], goal, version))
                edit += 1
            elif response.status_code == 409:
                log.refused.append(goal)
                read = client.get(url)
                if read.status_code != 200:
                    log.other.append((read.status_code, read.content.decode()[:300]))
                    return
                version = read.json()["version"]
            else:
                log.other.append((response.status_code, response.content.decode()[:300]))
    except Exception as exc:  # reported by the test, not lost in the thread
        log.other.append((0, repr(exc)))
    finally:
        connections.close_all()


def run_clients(number: str, tokens: list[str]) -> list[ClientLog]:
    logs = [ClientLog() for _ in tokens]
    start = threading.Barrier(len(tokens))
    threads = [
        threading.Thread(target=run_client, args=(i, token, number, start, logs[i]))
        for i, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError("a client hung")
    return logs


def check_no_lost_update(*, case, first_version: int, logs: list[ClientLog]) -> dict:
    """Assert what the issue asks; returns the counts."""
    from kembali.audit.models import AuditEvent
    from kembali.cases.models import Assessment

    other = [item for log in logs for item in log.other]
    assert other == [], f"answers other than 201 and 409: {other[:3]}"
    accepted = [item for log in logs for item in log.accepted]
    refused = [goal for log in logs for goal in log.refused]
    assert len(accepted) + len(refused) == len(logs) * EDITS
    # The clients did race (one may lose every race it enters: no fairness is
    # promised, only that nothing is lost).
    assert refused, "no edit was refused: the clients never overlapped"
    assert accepted

    # Every accepted edit got its own next version: they were applied one after another.
    versions = sorted(version for _id, _goal, version in accepted)
    assert versions == list(range(first_version + 1, first_version + len(accepted) + 1))
    case.refresh_from_db()
    assert case.version == first_version + len(accepted)

    # Every accepted edit is in the history, as sent, and no refused one is.
    stored = dict(
        Assessment.objects.filter(case=case, is_initial=False).values_list("pk", "person_goal")
    )
    assert stored == {pk: goal for pk, goal, _version in accepted}
    assert not set(refused) & set(stored.values())

    # Exactly one audit event per accepted edit, none for a refused one.
    audited = Counter(
        AuditEvent.objects.filter(object_type="cases.assessment", action="create").values_list(
            "object_id", flat=True
        )
    )
    assert audited == Counter({str(pk): 1 for pk in stored})
    return {"accepted": len(accepted), "refused": len(refused)}
