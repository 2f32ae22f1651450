"""Import the dossiers of the one-stop software used before from a CSV file: validate every row, write the good ones
with the events their status implies, and bring the rollups up to date. Idempotent by dossier code.

Columns (header names, any order; the Vietnamese names in ALIASES also work): code, procedure_code, commune_code,
channel, received_at, due_at, finished_at, status. Moments are dd/mm/yyyy HH:MM or ISO 8601 in the portal's time
zone (Asia/Ho_Chi_Minh) unless they carry an offset. Channels and statuses are read through CHANNEL_WORDS and
STATUS_WORDS, compared without case, diacritics or punctuation.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.parsing import impossible_date, unaccented
from egov.units.models import AdministrativeUnit
from egov.units.selectors import holder_on
from egov.units.services import LineError
from procedures.bulk import code_counters_advance, code_number
from procedures.models import Channel, Dossier, DossierEvent, Procedure, Status

from .history import FINISHED, IN_PROGRESS, BulkDossier, dossiers_insert
from .services import dossiers_mark_dirty, rollups_refresh

SOURCE = "import"
COLUMNS = ("code", "procedure_code", "commune_code", "channel", "received_at", "due_at", "finished_at", "status")
ALIASES = {
    "code": ("ma_ho_so",),
    "procedure_code": ("ma_thu_tuc",),
    "commune_code": ("ma_xa", "ma_don_vi"),
    "channel": ("hinh_thuc_nop", "kenh"),
    "received_at": ("ngay_tiep_nhan",),
    "due_at": ("han_tra_ket_qua", "ngay_hen_tra"),
    "finished_at": ("ngay_hoan_thanh",),
    "status": ("trang_thai",),
}
# Accepted words for each channel and status, besides its own value (e.g. "delivered").
CHANNEL_WORDS = {
    Channel.ONLINE_SELF: ("truc_tuyen", "cong_dan_tu_nop"),
    Channel.ONLINE_ASSISTED: ("truc_tuyen_ho_tro", "truc_tuyen_tai_mot_cua"),
    Channel.COUNTER: ("truc_tiep", "tai_mot_cua"),
    Channel.POST: ("buu_chinh", "qua_buu_chinh"),
}
STATUS_WORDS = {
    Status.RECEIVED: ("da_tiep_nhan", "moi_tiep_nhan"),
    Status.PROCESSING: ("dang_giai_quyet", "dang_xu_ly"),
    Status.NEEDS_SUPPLEMENT: ("cho_bo_sung", "can_bo_sung"),
    Status.AWAITING_SIGNATURE: ("cho_ky", "trinh_ky"),
    Status.REGISTERED: ("da_dang_ky",),
    Status.RESULT_READY: ("co_ket_qua", "cho_tra_ket_qua"),
    Status.DELIVERED: ("da_tra_ket_qua", "da_tra"),
    Status.REFUSED: ("tu_choi_tiep_nhan", "khong_tiep_nhan"),
    Status.REJECTED: ("tu_choi_giai_quyet", "khong_giai_quyet"),
    Status.WITHDRAWN: ("da_rut_ho_so", "rut_ho_so"),
}
CODE_MAX = Dossier._meta.get_field("code").max_length
DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?")
ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
WRITE_BATCH = 5_000
LOOKUP_BATCH = 900  # codes per query: under SQLite's limit on bound parameters


class ImportFileError(Exception):
    """The file cannot be read as a dossier list at all (empty, wrong header): nothing is imported."""


@dataclass
class ImportReport:
    imported: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def bad(self) -> int:
        return len(self.errors)


@dataclass
class _Row:
    line: int
    dossier: BulkDossier
    # What the file said, normalised: stored with the first event, compared on a later import.
    fingerprint: dict


def key(text: str) -> str:
    """`text` lower-cased, without diacritics, words joined by "_": "Đã trả kết quả" → "da_tra_ket_qua"."""
    plain = unaccented(text).casefold()
    return "_".join(re.findall(r"[a-z0-9]+", plain))


def _vocabulary(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {word: value for value, more in words.items() for word in (key(value), *more)}


CHANNELS = _vocabulary(CHANNEL_WORDS)
STATUSES = _vocabulary(STATUS_WORDS)
HEADER = {word: column for column in COLUMNS for word in (column, *ALIASES[column])}


def dossiers_import(*, lines: Iterable[str]) -> ImportReport:
    """Import the dossiers of a CSV file (its lines, decoded). Bad rows are reported with their line number and
    not written; good rows are written in one transaction, then the rollups are refreshed. A code imported
    before is left as it is ("unchanged"); a code the portal gave is never overwritten.

    Raises ImportFileError when the file is empty or its header is not the expected one.
    """
    report = ImportReport()
    rows = _rows_parse(lines, report)
    with transaction.atomic():
        rows = _rows_new(rows, report)
        batches = [rows[i : i + WRITE_BATCH] for i in range(0, len(rows), WRITE_BATCH)]
        ids: list[int] = []
        for batch in batches:
            ids += dossiers_insert([row.dossier for row in batch], source=SOURCE).ids
        _counters_advance(rows)
        dossiers_mark_dirty(dossier_ids=ids)
    report.imported = len(rows)
    report.errors.sort(key=lambda error: error.line)
    if ids:
        rollups_refresh()
    return report


def _rows_parse(lines: Iterable[str], report: ImportReport) -> list[_Row]:
    lines = list(lines)
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise ImportFileError(_("Tệp trống: cần dòng tiêu đề “%(header)s” và các dòng hồ sơ.") % _header_hint())
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    lookup = _Lookup()
    positions: dict[str, int] | None = None
    first_line_of: dict[str, int] = {}
    rows = []
    for cells in reader:
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if positions is None:
            positions = _header_parse(cells)
            continue
        line = reader.line_num
        if len(cells) != len(positions):
            report.errors.append(
                LineError(
                    line, _("cần %(expected)d cột, có %(count)d") % {"expected": len(positions), "count": len(cells)}
                )
            )
            continue
        values = {column: cells[position] for column, position in positions.items()}
        row, reasons = _row_parse(line, values, lookup)
        code = values["code"]
        if code and code in first_line_of:
            reasons.insert(
                0, _("mã hồ sơ “%(code)s” đã có ở dòng %(first)d") % {"code": code, "first": first_line_of[code]}
            )
        first_line_of.setdefault(code, line)
        if reasons:
            report.errors.append(LineError(line, "; ".join(reasons)))
        else:
            rows.append(row)
    if positions is None:
        raise ImportFileError(_("Tệp trống: cần dòng tiêu đề “%(header)s” và các dòng hồ sơ.") % _header_hint())
    return rows


def _header_hint() -> dict:
    return {"header": ",".join(COLUMNS)}


def _header_parse(cells: list[str]) -> dict[str, int]:
    # An export saved by Excel may start with a byte-order mark.
    columns = [HEADER.get(key(cell.lstrip("\ufeff"))) for cell in cells]
    if None in columns or set(columns) != set(COLUMNS) or len(columns) != len(COLUMNS):
        raise ImportFileError(
            _("Dòng tiêu đề phải gồm đúng 8 cột “%(header)s” (theo thứ tự bất kỳ), tệp có “%(found)s”.")
            % {**_header_hint(), "found": ",".join(cells)}
        )
    return {column: position for position, column in enumerate(columns)}


class _Lookup:
    """The procedures and communes, read once."""

    def __init__(self) -> None:
        self.procedures = {p.code: p for p in Procedure.objects.all()}
        self.communes: dict[str, list[AdministrativeUnit]] = {}
        for unit in AdministrativeUnit.objects.communes().order_by("-valid_from"):
            self.communes.setdefault(unit.code, []).append(unit)

    def commune(self, code: str, day) -> tuple[AdministrativeUnit | None, str]:
        """The commune that had this code on that day, or why there is none: the date decides between an old code
        and a new one (a commune of today may reuse the code of one of its predecessors). Spreadsheets drop the
        leading zeros of "00001"."""
        code = code.zfill(5) if code.isdigit() else code
        candidates = self.communes.get(code, [])
        found = next((u for u in candidates if u.is_valid_on(day)), None)
        if found is not None:
            return found, ""
        if not candidates:
            return None, _("không có đơn vị cấp xã mã “%(code)s”") % {"code": code}
        when = f"{day:%d/%m/%Y}"
        later = [u for u in candidates if u.valid_from and u.valid_from > day]
        if later:
            return None, _("mã “%(code)s” là %(unit)s, chỉ có từ ngày %(start)s, sau ngày tiếp nhận %(day)s") % {
                "code": code,
                "unit": later[0].name,
                "start": f"{later[0].valid_from:%d/%m/%Y}",
                "day": when,
            }
        ended = max(candidates, key=lambda u: u.valid_to or day)
        holder = self.holder(ended, day)
        reason = _("mã “%(code)s” là %(unit)s, không còn từ ngày %(end)s, trước ngày tiếp nhận %(day)s") % {
            "code": code,
            "unit": ended.name,
            "end": f"{ended.valid_to + timedelta(days=1):%d/%m/%Y}",
            "day": when,
        }
        if holder is not None:
            reason += _(" (hồ sơ từ ngày đó thuộc %(holder)s, mã %(new)s)") % {
                "holder": holder.name,
                "new": holder.code,
            }
        return None, reason

    def holder(self, unit: AdministrativeUnit, day) -> AdministrativeUnit | None:
        successor = holder_on(unit, day)
        return successor if successor.pk != unit.pk else None


def _row_parse(line: int, values: dict[str, str], lookup: _Lookup) -> tuple[_Row | None, list[str]]:
    reasons: list[str] = []
    code = values["code"]
    if not code:
        reasons.append(_("thiếu mã hồ sơ"))
    elif len(code) > CODE_MAX:
        reasons.append(_("mã hồ sơ “%(code)s” dài quá %(max)d ký tự") % {"code": code, "max": CODE_MAX})
    procedure = lookup.procedures.get(values["procedure_code"])
    if procedure is None:
        reasons.append(_("không có thủ tục mã “%(code)s”") % {"code": values["procedure_code"]})
    channel = CHANNELS.get(key(values["channel"]))
    if channel is None:
        reasons.append(
            _("hình thức nộp “%(value)s” không hợp lệ; dùng một trong: %(choices)s")
            % {"value": values["channel"], "choices": ", ".join(Channel.values)}
        )
    status = STATUSES.get(key(values["status"]))
    if status is None:
        reasons.append(
            _("trạng thái “%(value)s” không hợp lệ; dùng một trong: %(choices)s")
            % {"value": values["status"], "choices": ", ".join(sorted(IN_PROGRESS | FINISHED))}
        )
    moments = {}
    for column, label in (
        ("received_at", _("ngày tiếp nhận")),
        ("due_at", _("hạn trả kết quả")),
        ("finished_at", _("ngày hoàn thành")),
    ):
        moments[column], reason = _moment_parse(values[column], label)
        if reason:
            reasons.append(reason)
    received, due, finished = moments["received_at"], moments["due_at"], moments["finished_at"]
    commune = None
    if not values["received_at"]:
        reasons.append(_("thiếu ngày tiếp nhận"))
    elif received is not None:
        commune, reason = lookup.commune(values["commune_code"], timezone.localtime(received).date())
        if commune is None:
            reasons.append(reason)
        reasons += _times_check(received, due, finished, status, values)
    if reasons:
        return None, reasons
    refused = status == Status.REFUSED
    dossier = BulkDossier(
        code=code,
        procedure_id=procedure.pk,
        unit_id=commune.pk,
        channel=channel,
        status=status,
        submitted_at=received,
        received_at=None if refused else received,
        due_at=due,
        finished_at=finished,
    )
    fingerprint = {
        "procedure": procedure.code,
        "commune": commune.code,
        "channel": channel,
        "received_at": received.isoformat(),
        "due_at": due.isoformat() if due else None,
        "finished_at": finished.isoformat() if finished else None,
        "status": status,
    }
    dossier.details = {"line": line, "row": fingerprint}
    return _Row(line, dossier, fingerprint), []


def _times_check(received, due, finished, status, values) -> list[str]:
    reasons = []
    now = timezone.now()
    if received > now:
        reasons.append(_("ngày tiếp nhận “%(value)s” chưa tới") % {"value": values["received_at"]})
    if finished is not None and finished > now:
        reasons.append(_("ngày hoàn thành “%(value)s” chưa tới") % {"value": values["finished_at"]})
    if due is not None and due < received:
        reasons.append(_("hạn trả kết quả trước ngày tiếp nhận"))
    if finished is not None and finished < received:
        reasons.append(_("ngày hoàn thành trước ngày tiếp nhận"))
    if status in FINISHED and finished is None:
        reasons.append(_("hồ sơ có trạng thái “%(status)s” phải có ngày hoàn thành") % {"status": values["status"]})
    if status in IN_PROGRESS and finished is not None:
        reasons.append(
            _("hồ sơ có trạng thái “%(status)s” (chưa xong) không được có ngày hoàn thành")
            % {"status": values["status"]}
        )
    if due is None and status is not None and status != Status.REFUSED:
        reasons.append(_("thiếu hạn trả kết quả"))
    return reasons


def _moment_parse(text: str, label: str) -> tuple[datetime | None, str]:
    """A moment written dd/mm/yyyy HH:MM[:SS] or in ISO 8601, in the portal's time zone unless it has an offset."""
    if not text:
        return None, ""
    dmy, iso = DMY.fullmatch(text), ISO.fullmatch(text)
    if dmy:
        day, month, year, hour, minute, second = (int(part or 0) for part in dmy.groups())
    elif iso:
        year, month, day, hour, minute, second = (int(part or 0) for part in iso.groups()[:6])
    else:
        return None, _("%(label)s “%(value)s” không đúng dạng ngày/tháng/năm giờ:phút, ví dụ 05/03/2024 08:30") % {
            "label": label,
            "value": text,
        }
    if problem := impossible_date(label, text, day=day, month=month, year=year):
        return None, problem
    if hour > 23 or minute > 59 or second > 59:
        return None, _("%(label)s “%(value)s” không có thật: giờ phải từ 00:00 đến 23:59") % {
            "label": label,
            "value": text,
        }
    if iso and iso.group(7):
        try:
            return datetime.fromisoformat(text), ""
        except ValueError:
            return None, _("%(label)s “%(value)s” có múi giờ không hợp lệ") % {"label": label, "value": text}
    return timezone.make_aware(datetime(year, month, day, hour, minute, second)), ""


def _rows_new(rows: list[_Row], report: ImportReport) -> list[_Row]:
    """The rows whose code is new. A code imported before with the same content is unchanged; any other known
    code is reported (imported before with other content, or given by the portal)."""
    existing: dict[str, int] = {}
    codes = [row.dossier.code for row in rows]
    for first in range(0, len(codes), LOOKUP_BATCH):
        existing.update(Dossier.objects.filter(code__in=codes[first : first + LOOKUP_BATCH]).values_list("code", "pk"))
    if not existing:
        return rows
    imported: dict[int, dict] = {}
    ids = list(existing.values())
    for first in range(0, len(ids), LOOKUP_BATCH):
        events = DossierEvent.objects.filter(dossier_id__in=ids[first : first + LOOKUP_BATCH], details__source=SOURCE)
        for dossier_id, details in events.values_list("dossier_id", "details"):
            if "row" in details:
                imported[dossier_id] = details["row"]
    new = []
    for row in rows:
        pk = existing.get(row.dossier.code)
        if pk is None:
            new.append(row)
        elif pk not in imported:
            report.errors.append(
                LineError(
                    row.line, _("mã hồ sơ “%(code)s” là hồ sơ của cổng, không ghi đè") % {"code": row.dossier.code}
                )
            )
        elif imported[pk] != row.fingerprint:
            report.errors.append(
                LineError(
                    row.line,
                    _("hồ sơ “%(code)s” đã nhập trước đây với nội dung khác, không ghi đè")
                    % {"code": row.dossier.code},
                )
            )
        else:
            report.unchanged += 1
    return new


def _counters_advance(rows: list[_Row]) -> None:
    units = dict(
        AdministrativeUnit.objects.filter(pk__in={row.dossier.unit_id for row in rows}).values_list("pk", "code")
    )
    numbers: dict = {}
    for row in rows:
        parsed = code_number(row.dossier.code, units[row.dossier.unit_id])
        if parsed:
            slot = (row.dossier.unit_id, parsed[0])
            numbers[slot] = max(numbers.get(slot, 0), parsed[1])
    code_counters_advance(numbers=numbers)
