"""The service catalogue as data: read and validate `data/procedures.toml`, and load it into `Procedure` rows."""

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from procedures.models import Agency, FormKind, Procedure, ProcedureLevel

DEFAULT_CATALOGUE = Path(settings.BASE_DIR) / "data" / "procedures.toml"

REQUIRED_KEYS = frozenset(
    {"code", "slug", "name", "level", "form_kind", "processing_days_urban", "processing_days_rural", "fee"}
)
OPTIONAL_KEYS = frozenset(
    {
        "summary",
        "legal_basis",
        "required_documents",
        "documents_to_show",
        "processing_note",
        "interconnections",
        "deadline_days",
        "is_active",
    }
)
LIST_KEYS = ("legal_basis", "required_documents", "documents_to_show")
FEE_AMOUNT_KEYS = ("amount", "on_time", "late", "per_copy")
# A fee is either one amount, an on-time/late pair (registration after the deadline) or a price per copy.
FEE_SHAPES = (frozenset({"amount"}), frozenset({"on_time", "late"}), frozenset({"per_copy"}))
FEE_OTHER_KEYS = frozenset({"currency", "note", "to_confirm"})
MAX_DAYS = Decimal("999.99")  # what processing_days_* (5 digits, 2 decimals) can hold


class CatalogueError(Exception):
    """The catalogue file cannot be loaded; `errors` lists every problem, one per line, naming the entry."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class CatalogueLoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class _Entry:
    label: str
    errors: list[str] = field(default_factory=list)

    def fail(self, reason: str) -> None:
        self.errors.append(f"{self.label}: {reason}")


def catalogue_read(*, path: Path | str = DEFAULT_CATALOGUE) -> list[dict[str, Any]]:
    """Parse and check the whole file; return one dict of `Procedure` fields per entry, or raise CatalogueError."""
    try:
        with open(path, "rb") as f:
            document = tomllib.load(f)
    except OSError as e:
        raise CatalogueError([_("Không đọc được tệp %(file)s: %(error)s") % {"file": path, "error": e}]) from e
    except tomllib.TOMLDecodeError as e:
        raise CatalogueError([_("Tệp %(file)s không đúng cú pháp TOML: %(error)s") % {"file": path, "error": e}]) from e
    entries = document.get("procedure")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError([_("Tệp %(file)s không có mục [[procedure]] nào") % {"file": path}])
    errors = [
        _("khóa “%(key)s” không dùng được ở đầu tệp, chỉ có [[procedure]]") % {"key": key}
        for key in document
        if key != "procedure"
    ]
    records: list[dict[str, Any]] = []
    first_position: dict[tuple[str, str], int] = {}
    for position, raw in enumerate(entries, start=1):
        code = raw.get("code") if isinstance(raw, dict) else None
        entry = _Entry(_("thủ tục thứ %(n)d (%(code)s)") % {"n": position, "code": code or _("chưa có mã")})
        record = _entry_check(entry, raw, position)
        for key in ("code", "slug"):
            value = record.get(key)
            if value is None:
                continue
            if (key, value) in first_position:
                entry.fail(
                    _("%(key)s “%(value)s” trùng với thủ tục thứ %(first)d")
                    % {"key": key, "value": value, "first": first_position[key, value]}
                )
            else:
                first_position[key, value] = position
        errors.extend(entry.errors)
        records.append(record)
    if errors:
        raise CatalogueError(errors)
    return records


def catalogue_load(*, path: Path | str = DEFAULT_CATALOGUE) -> CatalogueLoadCounts:
    """Write every procedure of the file, matched by code; a file with any bad entry writes nothing.

    Running it again with the same file changes nothing. Procedures missing from the file are left as they are:
    dossiers point at them, so retiring one is a decision (is_active = false in the file), not a side effect.
    """
    records = catalogue_read(path=path)
    counts = CatalogueLoadCounts()
    with transaction.atomic():
        existing = {
            p.code: p for p in Procedure.objects.select_for_update().filter(code__in=[r["code"] for r in records])
        }
        for record in records:
            procedure = existing.get(record["code"])
            if procedure is None:
                Procedure.objects.create(**record)
                counts.created += 1
                continue
            changed = [name for name, value in record.items() if getattr(procedure, name) != value]
            if not changed:
                counts.unchanged += 1
                continue
            for name in changed:
                setattr(procedure, name, record[name])
            procedure.save(update_fields=changed)
            counts.updated += 1
    return counts


def _entry_check(entry: _Entry, raw: Any, position: int) -> dict[str, Any]:
    if not isinstance(raw, dict):
        entry.fail(_("mỗi thủ tục phải là một bảng [[procedure]]"))
        return {}
    for key in sorted(REQUIRED_KEYS - raw.keys()):
        entry.fail(_("thiếu “%(key)s”") % {"key": key})
    for key in sorted(raw.keys() - REQUIRED_KEYS - OPTIONAL_KEYS):
        entry.fail(_("khóa “%(key)s” không có trong danh mục (viết sai tên?)") % {"key": key})

    record: dict[str, Any] = {"position": position}
    for key, max_length in (("code", 40), ("slug", 60), ("name", 255)):
        if key in raw:
            record[key] = _text(entry, key, raw[key], max_length)
    if record.get("slug"):
        try:
            validate_slug(record["slug"])
        except ValidationError:
            entry.fail(_("slug “%(slug)s” chỉ được có chữ không dấu, số và dấu gạch ngang") % {"slug": record["slug"]})
    record["summary"] = _text(entry, "summary", raw.get("summary", ""), None, blank=True)
    record["processing_note"] = _text(entry, "processing_note", raw.get("processing_note", ""), 255, blank=True)

    if "level" in raw:
        if raw["level"] in ProcedureLevel.values and not isinstance(raw["level"], bool):
            record["level"] = raw["level"]
        else:
            entry.fail(_("level “%(value)s” phải là 3 hoặc 4") % {"value": raw["level"]})
    if "form_kind" in raw:
        if raw["form_kind"] in FormKind.values:
            record["form_kind"] = raw["form_kind"]
        else:
            entry.fail(
                _("form_kind “%(value)s” không có; chọn một trong: %(choices)s")
                % {"value": raw["form_kind"], "choices": ", ".join(FormKind.values)}
            )
    for key in ("processing_days_urban", "processing_days_rural"):
        if key in raw:
            record[key] = _days(entry, key, raw[key])
    for key in LIST_KEYS:
        record[key] = _texts(entry, key, raw.get(key, []))

    interconnections = raw.get("interconnections", [])
    if not isinstance(interconnections, list) or any(a not in Agency.values for a in interconnections):
        entry.fail(
            _("interconnections “%(value)s” chỉ được gồm: %(choices)s")
            % {"value": interconnections, "choices": ", ".join(Agency.values)}
        )
    else:
        record["interconnections"] = list(dict.fromkeys(interconnections))

    deadline = raw.get("deadline_days")
    if deadline is not None and (isinstance(deadline, bool) or not isinstance(deadline, int) or deadline <= 0):
        entry.fail(_("deadline_days “%(value)s” phải là số ngày dương") % {"value": deadline})
    record["deadline_days"] = deadline
    is_active = raw.get("is_active", True)
    if not isinstance(is_active, bool):
        entry.fail(_("is_active phải là true hoặc false"))
    record["is_active"] = is_active
    if "fee" in raw:
        record["fee_rule"] = _fee(entry, raw["fee"])
    return record


def _text(entry: _Entry, key: str, value: Any, max_length: int | None, *, blank: bool = False) -> str | None:
    if not isinstance(value, str) or not (value.strip() or blank):
        entry.fail(_("“%(key)s” phải là một chuỗi chữ không rỗng") % {"key": key})
        return None
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        entry.fail(_("“%(key)s” dài quá %(max)d ký tự") % {"key": key, "max": max_length})
        return None
    return value


def _texts(entry: _Entry, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        entry.fail(_("“%(key)s” phải là danh sách các chuỗi chữ không rỗng") % {"key": key})
        return []
    return [item.strip() for item in value]


def _days(entry: _Entry, key: str, value: Any) -> Decimal | None:
    # Strings keep 2.5 exact; plain TOML numbers are accepted too, a float through its shortest repr.
    try:
        days = Decimal(str(value)) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
    except InvalidOperation:
        days = None
    if days is None or not days.is_finite():
        entry.fail(_("“%(key)s” = “%(value)s” không phải là số ngày làm việc") % {"key": key, "value": value})
        return None
    if days < 0:
        entry.fail(_("“%(key)s” = %(value)s: số ngày không được âm") % {"key": key, "value": value})
        return None
    if days > MAX_DAYS or days != days.quantize(Decimal("0.01")):
        entry.fail(
            _("“%(key)s” = %(value)s: tối đa 999,99 ngày, hai chữ số sau dấu phẩy") % {"key": key, "value": value}
        )
        return None
    return days


def _fee(entry: _Entry, fee: Any) -> dict[str, Any]:
    if not isinstance(fee, dict):
        entry.fail(_('“fee” phải là một bảng, ví dụ { amount = 0, currency = "VND" }'))
        return {}
    amounts = frozenset(fee.keys() & set(FEE_AMOUNT_KEYS))
    if amounts not in FEE_SHAPES:
        entry.fail(_("“fee” cần đúng một trong: amount; on_time và late; per_copy"))
    for key in sorted(fee.keys() - set(FEE_AMOUNT_KEYS) - FEE_OTHER_KEYS):
        entry.fail(_("“fee” có khóa lạ “%(key)s”") % {"key": key})
    for key in sorted(amounts):
        value = fee[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            entry.fail(_("“fee.%(key)s” = “%(value)s” phải là số đồng không âm") % {"key": key, "value": value})
    if fee.get("currency", "VND") != "VND":
        entry.fail(_("“fee.currency” chỉ có thể là VND"))
    if not isinstance(fee.get("note", ""), str) or not isinstance(fee.get("to_confirm", False), bool):
        entry.fail(_("“fee.note” phải là chuỗi chữ, “fee.to_confirm” là true hoặc false"))
    return {"currency": "VND", **fee}
