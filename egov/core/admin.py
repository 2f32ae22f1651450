"""What the apps' admin pages share."""

from django.http import HttpRequest


class ReadOnlyMixin:
    """An admin page or inline that shows rows and never adds, changes or deletes them: logs kept as evidence, and
    rows whose deletion would cascade through such a log."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
