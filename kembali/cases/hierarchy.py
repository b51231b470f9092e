"""The Return to Work hierarchy of needs: which outcome a return to work is.

Pure Python (no Django import), used when an outcome is recorded and when a plan's
goal is checked against what happened.

Levels, best first::

    1 same job, same employer         4 same job, different employer
    2 similar job, same employer      5 similar job, different employer
    3 different job, same employer    6 different job, different employer
    7 self-employed

Jobs are compared by their ISCO-08 unit group (MASCO, Malaysia's classification,
is built on ISCO-08 and shares its codes down to unit groups): the same unit
group (4 digits) is the same job, the same minor group (first 3 digits) a similar
job, anything else a different job.

Edge cases, decided here once:

* Self-employment after the injury is level 7 whatever the earlier job was.
* The same employer means the same non-empty ``employer_id`` on both jobs. An
  unknown employer (``None`` or blank) on either side is a different employer:
  we cannot claim the person went back to the same one.
* An unknown occupation (``None`` or blank) on either side is a different job,
  for the same reason: the classification never claims more than the records show.
* A malformed ISCO code (not 4 digits) is a programming or data error and raises
  ValueError rather than being guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["SELF_EMPLOYED_LEVEL", "Job", "Similarity", "classify_rtw_level", "job_similarity"]

Similarity = Literal["same", "similar", "different"]
SELF_EMPLOYED_LEVEL = 7
_STEP: dict[Similarity, int] = {"same": 0, "similar": 1, "different": 2}


@dataclass(frozen=True)
class Job:
    employer_id: str | None
    isco_unit: str | None  # 4-digit ISCO-08 unit group code
    self_employed: bool = False


def _check_unit(code: str) -> str:
    code = code.strip()
    if len(code) != 4 or not code.isascii() or not code.isdigit():
        raise ValueError(f"ISCO-08 unit group must be 4 digits; got {code!r}.")
    return code


def job_similarity(before_unit: str, after_unit: str) -> Similarity:
    """``same`` for one unit group, ``similar`` for one minor group, else ``different``."""
    before, after = _check_unit(before_unit), _check_unit(after_unit)
    if before == after:
        return "same"
    if before[:3] == after[:3]:
        return "similar"
    return "different"


def _known(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def classify_rtw_level(before: Job, after: Job) -> int:
    """The hierarchy level (1..7) of going from the job ``before`` the injury to ``after``."""
    if after.self_employed:
        return SELF_EMPLOYED_LEVEL
    before_employer, after_employer = _known(before.employer_id), _known(after.employer_id)
    same_employer = before_employer is not None and before_employer == after_employer
    before_unit, after_unit = _known(before.isco_unit), _known(after.isco_unit)
    if before_unit is None or after_unit is None:
        similarity: Similarity = "different"
    else:
        similarity = job_similarity(before_unit, after_unit)
    return (1 if same_employer else 4) + _STEP[similarity]
