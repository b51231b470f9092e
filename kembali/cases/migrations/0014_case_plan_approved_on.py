"""The reports' copy of the day a case's first plan was approved (Case.plan_approved_on).

The dashboard counts a period's first plan approvals and the days each took from
referral. Read from the plans, at 1,000,000 cases that is every plan's approval time
converted to a local day and joined to its case (0.8 s on PostgreSQL, 3.5 s on
SQLite); from this column it is a range of the case_report_plan index.

The column is added nullable, so SQLite adds it with ALTER TABLE instead of copying
the case table, filled in by one UPDATE of the cases with an approved version 1 (the
day in the site's time zone, as the reports count it), then indexed. On PostgreSQL
run VACUUM ANALYZE cases_case afterwards, as after migration 0009.
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import TruncDate


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    RehabPlan = apps.get_model("plans", "RehabPlan")
    first = RehabPlan.objects.filter(case=OuterRef("pk"), version=1, approved_at__isnull=False)
    day = first.annotate(day=TruncDate("approved_at")).values("day")[:1]
    Case.objects.filter(Exists(first)).update(plan_approved_on=Subquery(day))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_case_office_sex_index"),
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="plan_approved_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="first plan approved on"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["plan_approved_on", "referral_date", "office", "person_sex"],
                name="case_report_plan",
            ),
        ),
    ]
