"""The officers' worklists: one page per list, with counts in the tabs, search, filters and pagination."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from egov.accounts.gates import workspace_officers
from egov.accounts.jurisdiction import reads_history_only
from egov.accounts.models import Role
from onecounter.forms import WorklistFilterForm
from onecounter.selectors import (
    WORKLIST_BY_SLUG,
    WORKLISTS,
    WorklistQuery,
    default_worklist,
    worklist_counts,
    worklist_dossiers,
)

PAGE_SIZE = 25


def worklist_tabs(user, current: str | None) -> list[dict]:
    """The tabs of the workspace with their counts: the officer's own lists first, then the others."""
    counts = worklist_counts(user)
    tabs = [
        {"worklist": worklist, "count": counts[worklist.slug], "current": worklist.slug == current}
        for worklist in WORKLISTS
    ]
    return sorted(tabs, key=lambda tab: user.role not in tab["worklist"].roles)


@workspace_officers
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    return redirect("onecounter:worklist", slug=default_worklist(request.user))


def _query(form: WorklistFilterForm) -> WorklistQuery:
    if not form.is_valid():
        return WorklistQuery(text=form.data.get("q", ""))
    data = form.cleaned_data
    return WorklistQuery(
        text=data["q"],
        procedure_id=data["procedure"].pk if data["procedure"] else None,
        channel=data["channel"],
        status=data["status"],
        date_from=data["date_from"],
        date_to=data["date_to"],
    )


@workspace_officers
@require_GET
def worklist(request: HttpRequest, slug: str) -> HttpResponse:
    """One list: the dossiers most urgent first, each a link to its page where the next action waits."""
    if slug not in WORKLIST_BY_SLUG:
        raise Http404
    form = WorklistFilterForm(request.GET or None)
    now = timezone.now()
    dossiers = worklist_dossiers(request.user, slug, _query(form), now=now)
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("trang"))
    for dossier in page.object_list:
        dossier.overdue = dossier.is_overdue(now)
    # The filters, without the page number, for the pagination links.
    params = request.GET.copy()
    params.pop("trang", None)
    return render(
        request,
        "onecounter/worklist.html",
        {
            "worklist": WORKLIST_BY_SLUG[slug],
            "tabs": worklist_tabs(request.user, slug),
            "form": form if request.GET else WorklistFilterForm(),
            "filtered": any(value for key, value in request.GET.items() if key != "trang"),
            "page": page,
            "params": params.urlencode(),
            # Paper dossiers are entered at a desk that acts (not by an account that reads history only).
            "enters_paper": request.user.role == Role.ONE_STOP and not reads_history_only(request.user),
        },
    )


urlpatterns = [
    path("mot-cua/", workspace, name="workspace"),
    path("mot-cua/danh-sach/<slug:slug>/", worklist, name="worklist"),
]
