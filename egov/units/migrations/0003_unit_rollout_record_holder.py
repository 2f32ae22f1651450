# The rollout is recorded per unit (a commune may have its own), and one successor of each old unit holds its records.

import django.db.models.deletion
from django.db import migrations, models


def holders_choose(apps, schema_editor):
    """Existing links: the successor that kept the old unit's code holds its records, else the lowest code."""
    UnitSuccession = apps.get_model("units", "UnitSuccession")
    by_old: dict[int, list] = {}
    for link in UnitSuccession.objects.select_related("old_unit", "new_unit"):
        by_old.setdefault(link.old_unit_id, []).append(link)
    for links in by_old.values():
        same = [link for link in links if link.new_unit.code == link.old_unit.code]
        holder = (same or sorted(links, key=lambda link: (link.new_unit.code, link.new_unit_id)))[0]
        UnitSuccession.objects.filter(pk=holder.pk).update(holds_records=True)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0002_unitsuccession"),
    ]

    operations = [
        migrations.RenameModel("DistrictRollout", "UnitRollout"),
        migrations.RenameField("UnitRollout", "district", "unit"),
        migrations.AlterField(
            model_name="unitrollout",
            name="unit",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="rollout",
                to="units.administrativeunit",
                verbose_name="đơn vị",
            ),
        ),
        migrations.AlterModelOptions(
            name="unitrollout",
            options={
                "ordering": ["official_start", "unit__code"],
                "verbose_name": "lộ trình triển khai",
                "verbose_name_plural": "lộ trình triển khai",
            },
        ),
        migrations.AddField(
            model_name="unitsuccession",
            name="holds_records",
            field=models.BooleanField(
                default=False,
                help_text="Đơn vị mới tiếp nhận hồ sơ, sổ hộ tịch và số liệu báo cáo của đơn vị cũ; mỗi đơn vị cũ có đúng một.",
                verbose_name="giữ hồ sơ, sổ hộ tịch",
            ),
        ),
        migrations.RunPython(holders_choose, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="unitsuccession",
            constraint=models.UniqueConstraint(
                condition=models.Q(("holds_records", True)),
                fields=("old_unit",),
                name="one_record_holder_per_old_unit",
            ),
        ),
    ]
