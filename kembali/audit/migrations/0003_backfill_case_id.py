"""Fill case_id on the audit rows written before it existed, from object_type and
object_id where the object still exists: a case is its own case; a row with a
``case`` foreign key gives it; a row whose parent has one (an intervention's
plan) gives the parent's. Rows about deleted objects, people, employers and
users stay empty.

Done in slices of the primary key, each one UPDATE per object type with a
subquery, committed slice by slice (atomic = False), so tens of millions of rows
neither hold one huge transaction nor pass through Python."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Cast

CASE_LABEL = "cases.case"
SLICE = 50_000


def _belongs_to_a_case(model) -> bool:
    for field in model._meta.concrete_fields:
        if field.name == "case" and field.is_relation:
            return field.related_model._meta.label_lower == CASE_LABEL
    return False


def case_paths(apps) -> dict[str, str | None]:
    """{object type: the lookup from that model to its case id}; None for a case."""
    paths: dict[str, str | None] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label == CASE_LABEL:
            paths[label] = None
        elif _belongs_to_a_case(model):
            paths[label] = "case"
        else:
            for field in model._meta.concrete_fields:
                if (field.many_to_one or field.one_to_one) and _belongs_to_a_case(
                    field.related_model
                ):
                    paths[label] = f"{field.name}__case"
                    break
    return paths


def backfill(apps, schema_editor):
    paths = case_paths(apps)
    if CASE_LABEL not in paths:
        return
    for model_name in ("AuditEvent", "AccessEvent"):
        event_model = apps.get_model("audit", model_name)
        bounds = event_model.objects.aggregate(low=models.Min("id"), high=models.Max("id"))
        if bounds["low"] is None:
            continue
        for start in range(bounds["low"], bounds["high"] + 1, SLICE):
            rows = event_model.objects.filter(
                id__gte=start, id__lt=start + SLICE, case_id__isnull=True
            )
            present = set(rows.values_list("object_type", flat=True).distinct())
            for label in present & set(paths):
                path = paths[label]
                of_type = rows.filter(object_type=label, object_id__regex=r"^[0-9]+$")
                if path is None:
                    of_type.update(case_id=Cast("object_id", models.BigIntegerField()))
                    continue
                source = apps.get_model(label)
                case_of_object = source._base_manager.filter(
                    pk=Cast(OuterRef("object_id"), models.BigIntegerField())
                ).values(path)[:1]
                of_type.update(case_id=Subquery(case_of_object))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0002_case_id_and_search_indexes"),
        ("cases", "0004_casecontact_casenote_casetask_rtwoutcome"),
        ("plans", "0001_initial"),
        ("placement", "0003_jobs_followup_selfemployment"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
