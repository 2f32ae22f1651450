"""`manage.py load_catalogue`: load the procedures of the service catalogue from a TOML file."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from procedures.catalogue import DEFAULT_CATALOGUE, CatalogueError, catalogue_load


class Command(BaseCommand):
    help = "Load the procedure catalogue (code, name, level, documents, time limits, fee, interconnections)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", default=str(DEFAULT_CATALOGUE), help=f"TOML file (default: {DEFAULT_CATALOGUE})"
        )

    def handle(self, *args, file: str, **options) -> None:
        try:
            counts = catalogue_load(path=file)
        except CatalogueError as e:
            raise CommandError(
                _("Tệp %(file)s có %(count)d lỗi, chưa nạp thủ tục nào:") % {"file": file, "count": len(e.errors)}
                + "\n"
                + "\n".join(e.errors)
            ) from e
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Danh mục thủ tục: %(created)d mới, %(updated)d cập nhật, %(unchanged)d không đổi.")
                    % {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged}
                )
            )
