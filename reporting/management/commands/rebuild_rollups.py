"""`manage.py rebuild_rollups`: recompute every reporting fact and rollup from the dossiers and their event logs."""

from django.core.management.base import BaseCommand

from reporting.services import rollups_rebuild


class Command(BaseCommand):
    help = "Recompute the reporting rollups from scratch (after a change of rollout dates, or to check them)."

    def handle(self, *args, **options) -> None:
        facts = rollups_rebuild()
        self.stdout.write(f"{facts} dossiers counted; rollups rebuilt.")
