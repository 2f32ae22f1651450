"""The list of a dossier's printable documents, for the citizen's and the officer's dossier pages."""

from django import template

from onecounter.documents import available_documents
from procedures.models import Dossier

register = template.Library()


@register.inclusion_tag("onecounter/_documents.html", takes_context=True)
def dossier_documents(context: template.Context, dossier: Dossier) -> dict:
    """Links to the PDFs the viewing user may print now, and while the dossier waits for receipt, when the
    receipt will appear (a supplement request may already be there)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "dossier": dossier,
        "documents": available_documents(dossier, user) if user is not None else [],
        "awaiting_receipt": dossier.received_at is None and not dossier.is_final,
    }
