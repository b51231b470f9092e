"""The 12 rehabilitation providers the RTW programme's FAQ names (DBC Spine has
two centres, so 13 rows). Loaded from kembali/providers/data/providers.csv;
idempotent."""

import csv
from pathlib import Path

from django.db import migrations

PROVIDERS_CSV = Path(__file__).resolve().parent.parent / "data" / "providers.csv"


def load_providers(apps, schema_editor):
    Provider = apps.get_model("providers", "Provider")
    ProviderService = apps.get_model("providers", "ProviderService")
    with open(PROVIDERS_CSV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            provider, _ = Provider.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "name_ms": row["name_ms"],
                    "state_id": row["state"],
                    "city": row["city"],
                    "address": row["address"],
                    "phone": row["phone"],
                    "email": row["email"],
                },
            )
            for service in row["services"].split("|"):
                ProviderService.objects.get_or_create(provider=provider, service=service)


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0001_initial"),
        ("reference", "0002_load_reference_data"),
    ]

    operations = [migrations.RunPython(load_providers, migrations.RunPython.noop, elidable=False)]
