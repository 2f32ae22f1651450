"""Celery tasks of the citizen portal: tell the requester what happened to their dossier."""

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from egov.notifications.gateway import NotificationError, send_email, send_sms
from procedures.models import Dossier


@shared_task(bind=True, max_retries=5, autoretry_for=(NotificationError,), retry_backoff=30, retry_jitter=True)
def dossier_notify(self, *, dossier_id: int, action: str) -> None:
    """Send the SMS and e-mail for one event of a dossier (templates `notifications/dossier_<action>.txt`)."""
    dossier = Dossier.objects.select_related("procedure", "unit").filter(pk=dossier_id).first()
    if dossier is None:  # removed since (e.g. a test database or a purged draft): nobody to tell
        return
    with translation.override("vi"):
        context = {"dossier": dossier, "site_url": settings.SITE_URL}
        text = render_to_string(f"notifications/dossier_{action}.txt", context).strip()
        if dossier.contact_phone:
            send_sms(phone=dossier.contact_phone, text=text)
        if dossier.contact_email:
            subject = render_to_string("notifications/dossier_subject.txt", context).strip()
            send_email(to=dossier.contact_email, subject=subject, text=text)
