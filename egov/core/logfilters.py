"""Log filters: a refused request is one line in the log, not a traceback that buries the real errors."""

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedOneLine(logging.Filter):
    """On `django.request`: a 403 raised as PermissionDenied becomes one line with the user's id, the path and the
    status, without the traceback Django attaches (a refusal is the expected answer, not a fault of the code).
    Only the id identifies the user: a name or an ID number is personal data and stays out of the logs."""

    def filter(self, record: logging.LogRecord) -> bool | logging.LogRecord:
        if not (record.exc_info and isinstance(record.exc_info[1], PermissionDenied)):
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        path = request.path if request is not None else "?"
        one_line = logging.makeLogRecord(record.__dict__)
        one_line.msg = "Permission denied: user=%s path=%s status=%s"
        one_line.args = (
            user.pk if user is not None and user.is_authenticated else "anonymous",
            # Escaped as Django escapes it: a path cannot forge a second log line.
            path.encode("unicode_escape").decode("ascii"),
            getattr(record, "status_code", 403),
        )
        one_line.exc_info = None
        one_line.exc_text = None
        return one_line
