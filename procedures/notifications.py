"""What the requester is told after a notified action: the texts of templates/notifications, queued in the outbox."""

from functools import partial

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from egov.notifications.models import Notification, NotificationChannel
from egov.notifications.services import notifications_queue
from procedures.models import Dossier


def notification_template(action: str) -> str:
    """The template of the message that announces `action` to the requester (a notified transition's name)."""
    return f"notifications/dossier_{action}.txt"


def dossier_notifications_queue(*, dossier: Dossier, action: str) -> list[Notification]:
    """Queue one SMS and one e-mail announcing `action`, to the contacts the dossier has (none without contacts).

    Called inside the action's transaction: the messages go out after it commits, each on its own, once.
    """
    if not (dossier.contact_phone or dossier.contact_email):
        return []
    with translation.override("vi"):
        context = {"dossier": dossier, "site_url": settings.SITE_URL}
        text = render_to_string(notification_template(action), context).strip()
        subject = render_to_string("notifications/dossier_subject.txt", context).strip()
    message = partial(Notification, dossier=dossier, action=action, text=text)
    messages = []
    if dossier.contact_phone:
        messages.append(message(channel=NotificationChannel.SMS, recipient=dossier.contact_phone))
    if dossier.contact_email:
        messages.append(message(channel=NotificationChannel.EMAIL, recipient=dossier.contact_email, subject=subject))
    return notifications_queue(notifications=messages)
