"""Pages every user sees: the home page, the post-login router, the officer home per role and the health check."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from egov.accounts.gates import public, signed_in
from egov.accounts.jurisdiction import COMMUNE_ROLES, reads_history_only
from egov.accounts.models import Role
from egov.accounts.selectors import user_totp_device
from egov.units.models import AdministrativeUnit
from procedures.selectors import procedures_active


@dataclass(frozen=True)
class NextAction:
    """One thing an officer will do from their home page; without a URL name it is announced as coming soon."""

    title: Promise
    description: Promise
    url_name: str | None = None
    url_args: tuple[str, ...] = ()

    @property
    def url(self) -> str | None:
        if self.url_name is None:
            return None
        return reverse(self.url_name, args=self.url_args)


@dataclass(frozen=True)
class OfficerHome:
    """What an officer's home page says about their work, so the template needs no per-role branches."""

    summary: Promise
    actions: tuple[NextAction, ...]


_COMMUNE_WORKLIST = _("Danh sách hồ sơ của xã, phường")

OFFICER_HOMES: dict[str, OfficerHome] = {
    Role.ONE_STOP: OfficerHome(
        summary=_(
            "Bạn tiếp nhận hồ sơ nộp trực tuyến và hồ sơ giấy tại bộ phận một cửa, hướng dẫn người dân "
            "nộp trực tuyến, yêu cầu bổ sung hoặc từ chối hồ sơ, và trả kết quả."
        ),
        actions=(
            NextAction(
                _COMMUNE_WORKLIST,
                _("Hồ sơ mới nộp, hồ sơ chờ bổ sung và hồ sơ sắp đến hạn."),
                "onecounter:worklist",
                ("cho-tiep-nhan",),
            ),
            NextAction(
                _("Tiếp nhận hồ sơ giấy"), _("Nhập hồ sơ người dân nộp trực tiếp tại quầy."), "onecounter:intake"
            ),
            NextAction(
                _("Trả kết quả"),
                _("Hồ sơ đã có kết quả, chờ người dân đến nhận."),
                "onecounter:worklist",
                ("cho-tra",),
            ),
        ),
    ),
    Role.JUSTICE: OfficerHome(
        summary=_("Bạn kiểm tra hồ sơ, dự thảo giấy tờ đăng ký và ghi vào sổ hộ tịch (công chức tư pháp – hộ tịch)."),
        actions=(
            NextAction(
                _COMMUNE_WORKLIST,
                _("Hồ sơ đã tiếp nhận, chờ bạn kiểm tra và xử lý."),
                "onecounter:worklist",
                ("da-tiep-nhan",),
            ),
            NextAction(
                _("Hồ sơ đang giải quyết"),
                _("Hồ sơ bạn đang xử lý, kể cả hồ sơ lãnh đạo gửi lại kèm lý do."),
                "onecounter:worklist",
                ("dang-giai-quyet",),
            ),
        ),
    ),
    Role.LEADER: OfficerHome(
        summary=_("Bạn ký duyệt, gửi lại để sửa hoặc từ chối các hồ sơ hộ tịch của xã, phường."),
        actions=(
            NextAction(
                _("Hồ sơ chờ ký"),
                _("Hồ sơ công chức tư pháp – hộ tịch đã trình, chờ bạn duyệt."),
                "onecounter:worklist",
                ("cho-ky",),
            ),
            NextAction(
                _("Hồ sơ quá hạn"),
                _("Hồ sơ đã quá thời hạn giải quyết của xã, phường."),
                "onecounter:worklist",
                ("qua-han",),
            ),
            NextAction(_("Nhật ký hồ sơ"), _("Ai đã xem hồ sơ nào, ai đã làm gì và khi nào."), "onecounter:audit"),
        ),
    ),
    Role.POLICE: OfficerHome(
        summary=_(
            "Bạn xem các hồ sơ liên thông gửi sang cơ quan công an của xã, phường, kể cả hồ sơ của các xã, phường "
            "cũ mà xã, phường đang giữ (đăng ký hoặc xóa đăng ký thường trú). Việc xử lý vẫn làm trên hệ thống "
            "của công an."
        ),
        actions=(
            NextAction(
                _("Hồ sơ liên thông"),
                _("Hồ sơ đã gửi, đang chờ và đã có kết quả, chỉ để xem."),
                "onecounter:interconnect",
            ),
        ),
    ),
    Role.SOCIAL_INSURANCE: OfficerHome(
        summary=_(
            "Bạn xem các hồ sơ liên thông cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi của xã, phường, kể cả hồ sơ "
            "của các xã, phường cũ mà xã, phường đang giữ. Việc cấp thẻ vẫn làm trên hệ thống của bảo hiểm xã hội."
        ),
        actions=(
            NextAction(
                _("Hồ sơ liên thông"),
                _("Hồ sơ đã gửi, đang chờ và đã có kết quả, chỉ để xem."),
                "onecounter:interconnect",
            ),
        ),
    ),
    Role.DISTRICT: OfficerHome(
        summary=_("Bạn theo dõi tỷ lệ nộp trực tuyến và tỷ lệ đúng hạn của các xã, phường trong quận, huyện."),
        actions=(
            NextAction(
                _("Bảng theo dõi của quận, huyện"), _("Số liệu theo từng xã, phường và từng thủ tục."), "reporting:home"
            ),
            NextAction(
                _("Báo cáo thống kê"), _("Bảng thống kê một cửa theo tháng, quý; tải về CSV, XLSX."), "reporting:home"
            ),
        ),
    ),
    Role.CITY: OfficerHome(
        summary=_("Bạn theo dõi toàn thành phố, quản lý lộ trình triển khai, lịch làm việc và danh mục thủ tục."),
        actions=(
            NextAction(
                _("Bảng theo dõi toàn thành phố"),
                _("Số liệu theo xã, phường; trước ngày 01/07/2025 theo quận, huyện và xã, phường."),
                "reporting:home",
            ),
            NextAction(_("Báo cáo thống kê"), _("Bảng thống kê một cửa theo tháng, quý; báo cáo hằng tuần.")),
            NextAction(_("Nhật ký hồ sơ"), _("Ai đã xem hồ sơ nào, ai đã làm gì và khi nào."), "onecounter:audit"),
            NextAction(
                _("Trang quản trị"),
                _("Đơn vị hành chính, lộ trình triển khai, lịch làm việc, danh mục thủ tục và tài khoản."),
                url_name="admin:index",
            ),
        ),
    ),
}


# An account of a commune that no longer exists reads its unit's records: the archive of its dossiers (to look up
# and print again) instead of the desks' work, and for a leader the audit too (ADR 0011).
_ARCHIVE = NextAction(
    _("Hồ sơ trước đây của đơn vị"),
    _("Tra cứu, xem và in lại giấy tờ của các hồ sơ đơn vị đã nhận, chỉ để xem."),
    "onecounter:worklist",
    ("tat-ca",),
)
_READING = frozenset({"onecounter:audit"})
HISTORY_HOMES: dict[str, OfficerHome] = {
    role: OfficerHome(
        summary=_("Bạn xem lại hồ sơ, giấy tờ và sổ hộ tịch của đơn vị trước khi sắp xếp đơn vị hành chính."),
        actions=(_ARCHIVE, *(action for action in OFFICER_HOMES[role].actions if action.url_name in _READING)),
    )
    for role in COMMUNE_ROLES
}


def officer_home_page(user) -> OfficerHome:
    """What the officer's home page offers: the work of their role, or for an account of a commune that no longer
    exists, its history to read."""
    if user.role in HISTORY_HOMES and reads_history_only(user):
        return HISTORY_HOMES[user.role]
    return OFFICER_HOMES[user.role]


@public
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"procedures": procedures_active()})


@signed_in
def after_login(request: HttpRequest) -> HttpResponse:
    """Send each user to the home page of their role."""
    if request.user.is_citizen:
        return redirect("core:home")
    return redirect("core:officer-home")


@signed_in
def officer_home(request: HttpRequest) -> HttpResponse:
    """Who the officer is and what they will do here; citizens have nothing to do on this page."""
    if request.user.is_citizen:
        return redirect("core:home")
    # One query for the unit and its parent, rather than one per attribute access in the template.
    unit = AdministrativeUnit.objects.select_related("parent").filter(pk=request.user.unit_id).first()
    return render(
        request,
        "portal/officer_home.html",
        {
            "unit": unit,
            "page": officer_home_page(request.user),
            "second_factor_on": user_totp_device(request.user) is not None,
        },
    )


@public
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on their own; answer with the emblem rather than a full 404 page."""
    return redirect(static("img/emblem.svg"), permanent=True)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS, connect_timeout=2
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True
    except Exception:
        return False


@public
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database and the broker answer; 503 when either does not."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error", **{name: "ok" if ok else "error" for name, ok in checks.items()}}
    return JsonResponse(body, status=200 if healthy else 503)
