"""The interventions' costs summed per day, office and sex (InterventionCostDay), which
the reports read instead of the interventions (kembali.plans.cost_days).

At 1,000,000 cases a national year holds some 940,000 interventions: summing their
costs from the intervention_report_cost index took 0.27-0.36 s on PostgreSQL and
0.4-0.7 s on SQLite, about a third of the ministry pack. FILL sums the interventions
written before this migration the way cost_days counts them: on the plan in force,
not cancelled, in whole sen (ROUND(cost * 100): SQLite keeps a decimal as a float).
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
INSERT INTO plans_interventioncostday (day, office_id, person_sex, sen)
SELECT planned_start, office_id, COALESCE(person_sex, ''), SUM(CAST(ROUND(cost * 100) AS BIGINT))
FROM plans_intervention
WHERE plan_in_force AND status <> 'cancelled'
GROUP BY planned_start, office_id, COALESCE(person_sex, '')
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_encrypt_totp_secret"),
        ("plans", "0002_intervention_report_copies"),
    ]

    operations = [
        migrations.CreateModel(
            name="InterventionCostDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("person_sex", models.CharField(blank=True, max_length=1)),
                ("sen", models.BigIntegerField()),
                (
                    "office",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.office",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "office", "person_sex"), name="intervention_cost_day_key"
                    )
                ],
            },
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop, elidable=True),
    ]
