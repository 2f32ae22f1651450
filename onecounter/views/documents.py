"""The printed documents of a dossier as PDF downloads, and the public page their QR codes point to."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from egov.accounts.gates import public, signed_in
from egov.units.selectors import holder_on
from onecounter.documents import available_documents, issued_documents, mask_name, registered_people, render_document
from procedures import selectors
from procedures.models import Dossier, DossierAccess, RegisterEntry, Status
from procedures.services import dossier_access_record


@signed_in
@require_GET
@never_cache
def document(request: HttpRequest, uuid, kind: str) -> HttpResponse:
    """One document of a dossier the user may open (`selectors.dossiers_open_to`); else a 404."""
    dossier = selectors.dossier_for_viewer(request.user, uuid)
    if kind not in {available.slug for available in available_documents(dossier, request.user)}:
        raise Http404
    pdf = render_document(kind, dossier)
    dossier_access_record(dossier=dossier, user=request.user, what=DossierAccess.What.DOCUMENT, detail=kind)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{kind}.pdf"'
    return response


@public
@require_GET
def verify(request: HttpRequest, uuid) -> HttpResponse:
    """What a person holding a paper needs to check it is genuine, and no personal data beyond a masked name."""
    dossier = get_object_or_404(
        Dossier.objects.exclude(status=Status.DRAFT).select_related("procedure", "unit__parent"), uuid=uuid
    )
    entry = RegisterEntry.objects.filter(dossier=dossier).select_related("unit__parent").first()
    # Who issued the papers: the commune whose register holds the result, else the one that held the dossier when
    # it was received (a reform may have moved it since); and who holds it today, to ask about it.
    received = dossier.received_at or dossier.submitted_at
    issuer = entry.unit if entry else holder_on(dossier.unit, timezone.localdate(received))
    holder = holder_on(dossier.unit, timezone.localdate())
    response = render(
        request,
        "onecounter/verify.html",
        {
            "dossier": dossier,
            "documents": issued_documents(dossier),
            "entry": entry,
            "issuer": issuer,
            "holder": holder if holder.pk != issuer.pk else None,
            "names": [mask_name(name) for name in registered_people(dossier)],
        },
    )
    # The page exists for whoever holds the paper, not for search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns = [
    path("mot-cua/ho-so/<uuid:uuid>/in/<slug:kind>/", document, name="document"),
    path("xac-minh/<uuid:uuid>/", verify, name="verify"),
]
