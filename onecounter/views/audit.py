"""The audit log: who opened which dossier and who did what, for commune leaders (their commune) and city staff."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from egov.accounts.gates import audit_readers
from onecounter.selectors import audit_accesses, audit_events
from procedures.transitions import event_label

PAGE_SIZE = 50
VIEWS = ("thao-tac", "luot-xem")


@audit_readers
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:80]
    showing = request.GET.get("xem") if request.GET.get("xem") in VIEWS else VIEWS[0]
    read = audit_events if showing == "thao-tac" else audit_accesses
    rows = read(request.user, text=text)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    if showing == "thao-tac":
        for event in page.object_list:
            event.label = event_label(event.action)
    params = urlencode({"xem": showing, "q": text})
    return render(request, "onecounter/audit.html", {"page": page, "showing": showing, "text": text, "params": params})


urlpatterns = [path("mot-cua/nhat-ky/", audit, name="audit")]
