"""What officers call each action of a dossier's event log: the history table, the audit and the control sheet."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "submit": _("Nộp hồ sơ"),
    "receive": _("Tiếp nhận hồ sơ"),
    "start": _("Nhận giải quyết"),
    "propose": _("Trình ký"),
    "request_supplement": _("Yêu cầu bổ sung"),
    "resubmit": _("Bổ sung hồ sơ"),
    "refuse": _("Từ chối tiếp nhận"),
    "send_back": _("Trả lại để sửa"),
    "approve": _("Ký duyệt, vào sổ hộ tịch"),
    "reject": _("Từ chối giải quyết"),
    "settle": _("Có kết quả"),
    "deliver": _("Trả kết quả"),
    "withdraw": _("Rút hồ sơ"),
    "apologize": _("Xin lỗi, hẹn lại ngày trả"),
}


def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))
