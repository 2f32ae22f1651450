# A commune directly under the city (since the reform of 1/7/2025) has no district: its facts count at the commune
# and the city only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_fact_open_received"),
        ("units", "0003_unit_rollout_record_holder"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dossierfact",
            name="district",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="units.administrativeunit"
            ),
        ),
    ]
