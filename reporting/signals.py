"""Mark a dossier's reporting fact stale in the same transaction as the event that changes it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from procedures.models import DossierEvent

from .models import DirtyDossier


@receiver(post_save, sender=DossierEvent, dispatch_uid="reporting_dossier_event_dirty")
def dossier_event_saved(sender, instance: DossierEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        DirtyDossier.objects.create(dossier_id=instance.dossier_id)
