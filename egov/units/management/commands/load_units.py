"""`manage.py load_units`: load the administrative-unit tree of a data set from vietnam-provinces."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from egov.units.datasets import DatasetError, dataset_names
from egov.units.models import UnitLevel
from egov.units.services import units_load


class Command(BaseCommand):
    help = "Load (or reload, in place) the administrative units of a data set; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dataset",
            default=settings.UNITS_DATASET,
            help=f"one of {', '.join(dataset_names())} (default: settings.UNITS_DATASET = {settings.UNITS_DATASET})",
        )

    def handle(self, *args, dataset: str, **options) -> None:
        try:
            reports = units_load(name=dataset)
        except DatasetError as e:
            raise CommandError(str(e)) from e
        for report in reports:
            self.stdout.write(f"{report.dataset.name}: {report.dataset.description}")
            for level, counts in report.units.items():
                self.stdout.write(
                    "  "
                    + _("%(level)s: %(created)d mới, %(updated)d cập nhật, %(unchanged)d không đổi")
                    % {
                        "level": UnitLevel(level).label,
                        "created": counts.created,
                        "updated": counts.updated,
                        "unchanged": counts.unchanged,
                    }
                )
            links = report.successions
            if links.created or links.unchanged or links.removed:
                self.stdout.write(
                    "  "
                    + _("Chuyển đổi cũ → mới: %(created)d mới, %(removed)d bỏ, %(unchanged)d không đổi")
                    % {"created": links.created, "removed": links.removed, "unchanged": links.unchanged}
                )
        self.stdout.write(self.style.SUCCESS(_("Đã nạp bộ dữ liệu “%(name)s”.") % {"name": dataset}))
