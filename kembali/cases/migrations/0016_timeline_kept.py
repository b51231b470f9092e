"""The case page keeps a case's timeline between its changes (kembali.cases.timeline_kept):
the tables that count the changes and the one shared row. The database triggers that
write them are installed after every migrate (timeline_kept.triggers_ensure, a
post_migrate receiver), and removed here on the way back."""

from django.db import migrations, models


def shared_row(apps, schema_editor):
    shared = apps.get_model("cases", "TimelineShared")
    shared.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


def triggers_drop(apps, schema_editor):
    from kembali.cases.timeline_kept import triggers_drop

    triggers_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_case_office_search_covering"),
    ]

    operations = [
        migrations.CreateModel(
            name="TimelineShared",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("changes", models.BigIntegerField(default=0, verbose_name="changes")),
            ],
            options={
                "verbose_name": "shared timeline changes",
                "verbose_name_plural": "shared timeline changes",
            },
        ),
        migrations.CreateModel(
            name="TimelineChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("case_id", models.BigIntegerField(verbose_name="case")),
            ],
            options={
                "verbose_name": "timeline change",
                "verbose_name_plural": "timeline changes",
                "indexes": [models.Index(fields=["case_id"], name="timeline_change_case")],
            },
        ),
        migrations.RunPython(shared_row, triggers_drop),
    ]
