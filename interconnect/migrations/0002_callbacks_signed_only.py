"""Only signed callbacks are kept: the unsigned ones stored before are removed, and with them the flag and the
empty event ids that only they had."""

from django.db import migrations, models


def remove_unsigned(apps, schema_editor):
    # A post whose signature failed is the sender's text, not the agency's: it should never have been stored.
    apps.get_model("interconnect", "AgencyCallback").objects.filter(signature_ok=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("interconnect", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(remove_unsigned, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="agencycallback",
            name="signature_ok",
        ),
        migrations.AlterField(
            model_name="agencycallback",
            name="event_id",
            field=models.UUIDField(unique=True, verbose_name="mã sự kiện"),
        ),
    ]
