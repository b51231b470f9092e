"""The reports' own copies on the case: the person's sex and the age on the referral date.

The dashboard and the ministry pack filter and split a million cases by sex and age
band. Read from the person and the eligibility decision, that is a join (or an IN list
of every woman) per report; copied onto the case, the one pass over the cases reads
them from the case_report_pass index with the other columns it counts. That index
starts with what the pass groups by (office, status, level), so SQLite reads it in
group order and sorts nothing.

The columns are added nullable and without a default, so that SQLite adds them with
ALTER TABLE instead of copying the case table, then filled by ONE UPDATE (a million
rows: no Python loop), then indexed. The old case_report index is dropped first (it
held the person id for the IN list, no longer needed) so the UPDATE does not maintain
it. On PostgreSQL the UPDATE rewrites every case row: run VACUUM ANALYZE cases_case
afterwards so that index-only scans and the planner's statistics are right at once
(autovacuum gets there on its own, later).
"""

from django.conf import settings
from django.db import migrations, models

BACKFILL = """
UPDATE cases_case SET
    person_sex = (
        SELECT p.sex FROM people_insuredperson p WHERE p.id = cases_case.person_id
    ),
    referral_age = (
        SELECT d.age FROM cases_eligibilitydecision d WHERE d.case_id = cases_case.id
    )
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_encrypt_totp_secret"),
        ("cases", "0008_report_indexes"),
        ("people", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="case", name="case_report"),
        migrations.AddField(
            model_name="case",
            name="person_sex",
            field=models.CharField(
                blank=True,
                choices=[("M", "Male"), ("F", "Female")],
                max_length=1,
                null=True,
                verbose_name="sex of the person",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="referral_age",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="age on the referral date"
            ),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=[
                    "office",
                    "status",
                    "rtw_level",
                    "eligible",
                    "in_jpess",
                    "referral_date",
                    "rtw_date",
                    "closed_at",
                    "person_sex",
                    "referral_age",
                ],
                name="case_report_pass",
            ),
        ),
    ]
