"""The weekly report delivered: written into its WeeklyReport row (one per week, replaced on regeneration), then
e-mailed after commit to the city staff."""

import logging
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.accounts.models import Role, User
from egov.notifications.gateway import EmailDeliveryError, send_email

from ..models import WeeklyReport
from ..periods import Period, period_of
from .document import weekly_report_pdf
from .figures import WeeklyData, count, percent, week_before, weekly_data

logger = logging.getLogger(__name__)


def weekly_report_generate(*, week_start: date | None = None) -> WeeklyReport:
    """Write the PDF of the week starting on `week_start` (by default the week before this one) into its
    WeeklyReport row, replacing the file of an earlier run, and e-mail it to the city staff after commit."""
    now = timezone.now()
    week = period_of("week", week_start) if week_start else week_before(timezone.localdate(now))
    data = weekly_data(week=week, now=now)
    pdf = weekly_report_pdf(data)
    with transaction.atomic():
        report, created = WeeklyReport.objects.select_for_update().get_or_create(week_start=week.start)
        replaced = report.pdf.name
        report.pdf.save(file_name(week), ContentFile(pdf), save=False)
        report.save()
        if replaced:
            # The old file goes once the row points at the new one for good.
            transaction.on_commit(lambda: report.pdf.storage.delete(replaced))
        transaction.on_commit(lambda: weekly_report_send(data=data, pdf=pdf, update=not created))
    return report


def weekly_report_recipients() -> list[str]:
    """The e-mail addresses of the active city staff, then REPORTING_WEEKLY_EXTRA_RECIPIENTS, each once."""
    staff = User.objects.filter(role=Role.CITY, is_active=True).exclude(email="").order_by("pk")
    addresses, seen = [], set()
    for address in [*staff.values_list("email", flat=True), *settings.REPORTING_WEEKLY_EXTRA_RECIPIENTS]:
        if address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    return addresses


def weekly_report_send(*, data: WeeklyData, pdf: bytes, update: bool = False) -> int:
    """E-mail the report to each recipient; a refused address is logged and the others still get it."""
    with translation.override("vi"):
        subject = _("Báo cáo %(week)s: tình hình tiếp nhận, giải quyết hồ sơ hộ tịch trực tuyến") % {
            "week": data.week_words
        }
        if update:
            subject = _("[Cập nhật] %(subject)s") % {"subject": subject}
        body = _weekly_mail_text(data)
    attachment = (file_name(data.week), pdf, "application/pdf")
    sent = 0
    for address in weekly_report_recipients():
        try:
            send_email(to=address, subject=subject, text=body, attachments=[attachment])
        except EmailDeliveryError:
            logger.exception("weekly report %s not sent to %s", data.week.start, address)
        else:
            sent += 1
    return sent


def file_name(week: Period) -> str:
    """bao-cao-tuan-2026-49.pdf: the ISO year and week."""
    year, number, _weekday = week.start.isocalendar()
    return f"bao-cao-tuan-{year}-{number:02d}.pdf"


def _weekly_mail_text(data: WeeklyData) -> str:
    figures = data.current
    return _(
        "Kính gửi Quý cán bộ,\n\n"
        "Cổng dịch vụ công hộ tịch gửi kèm theo thư này báo cáo tình hình tiếp nhận, giải quyết hồ sơ hộ tịch trực "
        "tuyến %(week)s của %(city)s.\n\n"
        "Tóm tắt: tiếp nhận %(received)s hồ sơ, tỷ lệ trực tuyến %(online)s; đã giải quyết %(resolved)s hồ sơ, "
        "tỷ lệ đúng hạn %(on_time)s; còn %(overdue)s hồ sơ đang giải quyết quá hạn.\n\n"
        "Các báo cáo tuần đã lập được lưu tại %(url)s\n\n"
        "Thư này được gửi tự động, xin không trả lời."
    ) % {
        "week": data.week_words,
        "city": data.city.name,
        "received": count(figures.received),
        "online": percent(figures.online_rate),
        "resolved": count(figures.resolved),
        "on_time": percent(figures.on_time_rate),
        "overdue": count(figures.overdue),
        "url": settings.SITE_URL.rstrip("/") + reverse("weekly_reports:list"),
    }
