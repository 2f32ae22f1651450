"""Drop the cached working calendar whenever the city edits its exceptions."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from egov.workcal.calendar import invalidate_calendar
from egov.workcal.models import CalendarException


@receiver(post_save, sender=CalendarException, dispatch_uid="workcal_invalidate_on_save")
@receiver(post_delete, sender=CalendarException, dispatch_uid="workcal_invalidate_on_delete")
def _invalidate_on_change(sender, **kwargs) -> None:
    # Now, so the editing transaction sees its own change; again after commit, in case another thread
    # rebuilt the calendar from the rows as they were before the commit.
    invalidate_calendar()
    transaction.on_commit(invalidate_calendar)
