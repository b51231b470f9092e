"""The RTW offices: one or more in every state and federal territory, and the
headquarters. Loaded from kembali/accounts/data/offices.csv; idempotent."""

import csv
from pathlib import Path

from django.db import migrations

OFFICES_CSV = Path(__file__).resolve().parent.parent / "data" / "offices.csv"


def load_offices(apps, schema_editor):
    Office = apps.get_model("accounts", "Office")
    with open(OFFICES_CSV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Office.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "state_id": row["state"],
                    "address": row["address"],
                    "is_headquarters": row["is_headquarters"] == "true",
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("reference", "0002_load_reference_data"),
    ]

    operations = [migrations.RunPython(load_offices, migrations.RunPython.noop, elidable=False)]
