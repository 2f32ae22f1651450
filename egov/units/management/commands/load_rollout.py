"""`manage.py load_rollout`: load each district's trial and official start dates from a CSV file."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from egov.units.services import rollout_load, rollout_validate

DEFAULT_FILE = Path(settings.BASE_DIR) / "data" / "rollout_hanoi_2016.csv"


class Command(BaseCommand):
    help = "Load district rollout dates (code, name, trial dd/mm/yyyy, official dd/mm/yyyy); all lines or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE), help=f"CSV file (default: {DEFAULT_FILE})")

    def handle(self, *args, file: str, **options) -> None:
        try:
            with open(file, encoding="utf-8-sig", newline="") as f:
                # keepends, so that a quoted cell may span lines as in any CSV file.
                lines = f.read().splitlines(keepends=True)
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(_("Không đọc được tệp %(file)s: %(error)s") % {"file": file, "error": e}) from e
        # Validation and writing share one transaction, so the units checked are the units written to.
        with transaction.atomic():
            parsed = rollout_validate(lines=lines)
            if parsed.errors:
                raise CommandError(
                    _("Tệp %(file)s có %(count)d dòng sai, chưa nạp dòng nào:")
                    % {"file": file, "count": len(parsed.errors)}
                    + "\n"
                    + "\n".join(str(error) for error in parsed.errors)
                )
            counts = rollout_load(rows=parsed.rows)
        self.stdout.write(
            self.style.SUCCESS(
                _("Lộ trình triển khai: %(created)d mới, %(updated)d cập nhật, %(unchanged)d không đổi.")
                % {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged}
            )
        )
