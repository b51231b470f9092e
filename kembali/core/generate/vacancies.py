"""Drawing synthetic vacancies: occupations from the employer's industry, the
employer's place, wages, and physical demands typical of the occupation, so
that matching benchmarks filter realistic data, not an easy pattern."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from kembali.core.generate import work
from kembali.core.generate.draw import EmployerDraft, draw_job, draw_wage


@dataclass
class VacancyDraft:
    employer: int
    isco: str
    title: str
    state: str
    district: str
    latitude: float | None
    longitude: float | None
    wage: int
    hours: int
    shift_work: bool
    strength: int
    max_lift: int
    demands: tuple[int, ...]  # standing_walking .. cognitive_load, as work.DEMAND_BASE
    wheelchair: bool
    toilet: bool
    flexible: bool
    remote: bool
    assistive: bool
    openings: int
    opened_on: dt.date
    closes_on: dt.date
    status: str


SHIFT_SHARE = {
    "manufacturing": 0.45,
    "support": 0.6,
    "public": 0.4,
    "transport": 0.3,
    "food": 0.3,
    "plantation": 0.1,
    "construction": 0.05,
    "retail": 0.2,
    "office": 0.05,
}


def draw_vacancy(
    rng: random.Random, employer_index: int, employer: EmployerDraft, today: dt.date
) -> VacancyDraft:
    industry = work.INDUSTRIES[employer.industry]
    job = draw_job(rng, employer.industry)
    major = job.isco[0]
    strength = rng.choices((1, 2, 3, 4, 5), weights=work.STRENGTH_WEIGHTS[major])[0]
    low, high = work.LIFT_RANGE[strength]
    demands = []
    for level in work.DEMAND_BASE[major]:
        level += rng.choice((-1, 0, 0, 0, 1))
        demands.append(max(0, min(3, level)))
    if job.isco in work.DRIVING_UNITS:
        demands[6] = 3
    office_job = major in "1234"
    # Three in four are open now; the rest were filled or closed in the last 18 months.
    if rng.random() < 0.75:
        opened = today - dt.timedelta(days=rng.randint(0, 90))
        closes = max(today + dt.timedelta(days=1), opened + dt.timedelta(days=rng.randint(30, 120)))
        status = "filled" if rng.random() < 0.03 else "open"
    else:
        opened = today - dt.timedelta(days=rng.randint(120, 540))
        closes = opened + dt.timedelta(days=rng.randint(30, 90))
        status = "filled" if rng.random() < 0.45 else "closed"
    located = rng.random() < 0.85
    return VacancyDraft(
        employer=employer_index,
        isco=job.isco,
        title=job.title,
        state=employer.state,
        district=employer.town.district,
        latitude=round(employer.latitude + rng.uniform(-0.01, 0.01), 5) if located else None,
        longitude=round(employer.longitude + rng.uniform(-0.01, 0.01), 5) if located else None,
        wage=draw_wage(rng, job.isco, rng.uniform(0, 6)),
        hours=rng.choices((40, 44, 45, 48), weights=(15, 25, 45, 15))[0],
        shift_work=rng.random() < SHIFT_SHARE.get(industry.code, 0.1),
        strength=strength,
        max_lift=rng.randint(low, high),
        demands=tuple(demands),
        wheelchair=rng.random() < 0.15,
        toilet=rng.random() < 0.12,
        flexible=rng.random() < (0.35 if office_job else 0.12),
        remote=office_job and rng.random() < 0.25,
        assistive=rng.random() < 0.08,
        openings=rng.choices((1, 2, 3, 5, 10), weights=(55, 20, 12, 9, 4))[0],
        opened_on=opened,
        closes_on=closes,
        status=status,
    )
