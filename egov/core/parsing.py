"""What the readers of typed-in files share: words compared without their marks, and dates that really exist."""

import calendar
import unicodedata

from django.utils.translation import gettext as _


def unaccented(text: str) -> str:
    """`text` without Vietnamese marks, case kept: "Đống Đa" → "Dong Da" (composed or decomposed alike)."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def impossible_date(label: str, text: str, *, day: int, month: int, year: int) -> str:
    """Why `day`/`month`/`year`, read from the cell `label` holding `text`, is on no calendar; "" when it is a date."""
    if not 1 <= month <= 12:
        return _("%(label)s “%(value)s” không có thật: tháng phải từ 1 đến 12") % {"label": label, "value": text}
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        return _("%(label)s “%(value)s” không có thật: tháng %(month)d/%(year)d có %(days)d ngày") % {
            "label": label,
            "value": text,
            "month": month,
            "year": year,
            "days": days_in_month,
        }
    return ""
