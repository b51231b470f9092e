"""Load the states, the ISCO-08 groups and the ESCO occupations from the data
files in kembali/reference/data/ (idempotent; see kembali/reference/loaders.py)."""

from django.db import migrations

from kembali.reference import loaders


def load(apps, schema_editor):
    loaders.load_states(apps.get_model("reference", "State"))
    loaders.load_isco_groups(apps.get_model("reference", "IscoGroup"))
    loaders.load_occupations(apps.get_model("reference", "Occupation"))


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
