"""The case page's monitoring section: open tasks (from the query the timeline
already made) and whether this user may add to the case's record."""

from django import template
from django.utils import timezone

from kembali.cases.services_monitoring import may_work_on, open_tasks_of

register = template.Library()


@register.simple_tag
def case_monitoring(case, user) -> dict:
    return {
        "open_tasks": open_tasks_of(case),
        "can_work": may_work_on(user, case),
        "today": timezone.localdate(),
    }
