from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("employers", "VacancyIndexVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("employers", "0003_contact_engagement_funnelchange_training_and_more")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
