"""`manage.py import_dossiers FILE.csv`: import the dossiers of the one-stop software used before (see
reporting/imports.py for the columns, formats and words accepted)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from reporting.imports import COLUMNS, ImportFileError, dossiers_import

# Exit codes: 0 every row imported or unchanged; 1 some rows were bad (the good ones are imported);
# 2 the file could not be read at all (nothing imported).
BAD_ROWS = 1
BAD_FILE = 2


class Command(BaseCommand):
    help = (
        f"Import dossiers from a UTF-8 CSV file with the header {','.join(COLUMNS)}; bad rows are listed with their "
        "line number and skipped, re-importing the same file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file, UTF-8 (with or without BOM)")

    def handle(self, *args, file: str, **options) -> None:
        try:
            with open(file, encoding="utf-8-sig", newline="") as f:
                # keepends, so that a quoted cell may span lines as in any CSV file.
                lines = f.read().splitlines(keepends=True)
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(
                _("Không đọc được tệp %(file)s (cần tệp CSV mã UTF-8): %(error)s") % {"file": file, "error": e},
                returncode=BAD_FILE,
            ) from e
        try:
            report = dossiers_import(lines=lines)
        except ImportFileError as e:
            raise CommandError(_("Tệp %(file)s: %(error)s") % {"file": file, "error": e}, returncode=BAD_FILE) from e
        for error in report.errors:
            self.stderr.write(str(error))
        summary = _("Đã nhập %(imported)d hồ sơ, %(unchanged)d không đổi (đã nhập trước đây), %(bad)d dòng sai.") % {
            "imported": report.imported,
            "unchanged": report.unchanged,
            "bad": report.bad,
        }
        if report.bad:
            self.stdout.write(summary)
            raise CommandError(
                _("%(bad)d dòng sai không được nhập (xem từng dòng ở trên); sửa các dòng đó rồi nhập lại cả tệp.")
                % {"bad": report.bad},
                returncode=BAD_ROWS,
            )
        self.stdout.write(self.style.SUCCESS(summary))
