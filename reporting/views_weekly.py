"""The weekly reports kept for download, for city and district staff."""

from datetime import date

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from egov.accounts.gates import weekly_reports

from .models import WeeklyReport
from .periods import period_of
from .weekly.delivery import file_name

PAGE_SIZE = 52


@weekly_reports
@require_GET
def weekly_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(WeeklyReport.objects.all(), PAGE_SIZE).get_page(request.GET.get("trang"))
    for report in page.object_list:
        label = period_of("week", report.week_start).label
        report.week_label, report.week_words = label, label[:1].lower() + label[1:]
    return render(request, "reporting/weekly_list.html", {"page": page})


@weekly_reports
@require_GET
def weekly_pdf(request: HttpRequest, week_start: str) -> FileResponse:
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
