"""The skills a vacancy asks for (placement.VacancySkill): the read and the one write.

Setting them changes what the matching index holds, so the write bumps the vacancy
index marker (kembali.employers.freshness) in its own transaction: the next match,
in any worker, sees the new skills."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kembali.audit.services import audit_record
from kembali.employers.access import may_edit_employers
from kembali.employers.freshness import vacancies_changed
from kembali.employers.models import Vacancy
from kembali.placement.models import Skill, VacancySkill


def vacancy_skills(vacancy: Vacancy) -> list[Skill]:
    """The skills the vacancy asks for, by name: one query."""
    return list(
        Skill.objects.filter(pk__in=VacancySkill.objects.filter(vacancy=vacancy).values("skill"))
    )


@transaction.atomic
def vacancy_skills_set(*, vacancy: Vacancy, skills: Iterable[Skill], actor) -> list[Skill]:
    """Make the vacancy ask for exactly these skills. A skill no longer in use
    (inactive) may stay where it was but not be added. Audited; a no-op when
    nothing changes."""
    if not may_edit_employers.test(actor):
        raise PermissionDenied(
            _("Only a job placement officer or a supervisor may change a vacancy's skills.")
        )
    locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    wanted = {skill.pk: skill for skill in skills}
    before = set(VacancySkill.objects.filter(vacancy=locked).values_list("skill_id", flat=True))
    added = [pk for pk in wanted if pk not in before]
    retired = [wanted[pk].local_name for pk in added if not wanted[pk].is_active]
    if retired:
        raise ValidationError(
            {
                "skills": _("These skills are no longer in use: %(names)s.")
                % {"names": ", ".join(retired)}
            }
        )
    removed = before - set(wanted)
    if not added and not removed:
        return vacancy_skills(locked)
    codes = dict(Skill.objects.filter(pk__in=before | set(wanted)).values_list("pk", "code"))
    VacancySkill.objects.filter(vacancy=locked, skill_id__in=removed).delete()
    VacancySkill.objects.bulk_create([VacancySkill(vacancy=locked, skill_id=pk) for pk in added])
    audit_record(
        actor=actor,
        action="vacancy.skills_set",
        obj=locked,
        changes={
            "skills": [sorted(codes[pk] for pk in before), sorted(codes[pk] for pk in wanted)]
        },
    )
    vacancies_changed(vacancy_ids=[locked.pk])
    return vacancy_skills(locked)
