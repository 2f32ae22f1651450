"""The weekly reports kept for download, for city and district staff."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from egov.accounts.models import Role

from .models import WeeklyReport
from .periods import period_of
from .weekly import file_name

READERS = frozenset({Role.CITY, Role.DISTRICT})
PAGE_SIZE = 52


def _may_read(request: HttpRequest) -> None:
    if request.user.role not in READERS:
        raise PermissionDenied(_("Báo cáo tuần dành cho cán bộ cấp thành phố và cấp huyện."))


@require_GET
@login_required
def weekly_list(request: HttpRequest) -> HttpResponse:
    _may_read(request)
    page = Paginator(WeeklyReport.objects.all(), PAGE_SIZE).get_page(request.GET.get("trang"))
    for report in page.object_list:
        label = period_of("week", report.week_start).label
        report.week_label, report.week_words = label, label[:1].lower() + label[1:]
    return render(request, "reporting/weekly_list.html", {"page": page})


@require_GET
@login_required
def weekly_pdf(request: HttpRequest, week_start: str) -> FileResponse:
    _may_read(request)
    try:
        day = date.fromisoformat(week_start)
    except ValueError:
        raise Http404 from None
    report = get_object_or_404(WeeklyReport, week_start=day)
    try:
        file = report.pdf.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(file, as_attachment=True, filename=file_name(period_of("week", day)))
