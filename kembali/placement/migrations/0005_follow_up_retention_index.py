"""An index that holds every column the retention figures read (the follow-ups done
in a period: their months, case and whether the person was still in work), so the
dashboard counts them from it alone: at 1,000,000 cases 0.12 s instead of 1.0 s on
SQLite, 0.07-0.10 s instead of 0.13-0.15 s on PostgreSQL (measured side by side)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_case_office_search_covering"),
        ("placement", "0004_candidate_index_marker"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                fields=["done_on", "months", "case", "still_employed"], name="follow_up_retention"
            ),
        ),
    ]
