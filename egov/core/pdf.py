"""What every printed PDF of the portal shares: the embedded Unicode font, text styles, tables, the national header."""

import functools
from collections.abc import Sequence
from datetime import date, datetime
from xml.sax.saxutils import escape

import fontpkg
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, HRFlowable, Paragraph, Table, TableStyle

FAMILY = "Noto Serif"
FONT = "NotoSerif"
FONT_ITALIC = "NotoSerif-Italic"
# The package ships one variable font per style whose default instance is the regular weight; bold text is
# drawn filled and stroked with a line this fraction of the font size (PDF text render mode 2).
BOLD_STROKE = 0.035

# Nghị định 30/2020/NĐ-CP: left margin 30–35 mm, right 15–20 mm.
LEFT_MARGIN = 30 * mm
RIGHT_MARGIN = 18 * mm
TEXT_WIDTH = A4[0] - LEFT_MARGIN - RIGHT_MARGIN


@functools.cache
def register_fonts() -> None:
    """Register the embedded font once per process. There is no fallback: reportlab's own fonts lack
    about a hundred Vietnamese glyphs, and a certificate with holes in the names must never be printed."""
    try:
        regular, italic = fontpkg.path(FAMILY), fontpkg.path(FAMILY, style="italic")
    except fontpkg.FontpkgError as exc:
        raise ImproperlyConfigured(
            f"Printed documents need the font {FAMILY!r}: pip install -r requirements.txt (fontpkg-noto-serif)."
        ) from exc
    pdfmetrics.registerFont(TTFont(FONT, regular))
    pdfmetrics.registerFont(TTFont(FONT_ITALIC, italic))


def style(name: str, **kwargs) -> ParagraphStyle:
    kwargs.setdefault("fontName", FONT)
    kwargs.setdefault("fontSize", 12)
    kwargs.setdefault("leading", kwargs["fontSize"] * 1.35)
    return ParagraphStyle(name, **kwargs)


STYLES = {
    "body": style("body", alignment=TA_JUSTIFY, spaceAfter=2),
    "item": style("item", alignment=TA_LEFT, leftIndent=12 * mm, firstLineIndent=-5 * mm, spaceAfter=1),
    "plain": style("plain", alignment=TA_LEFT),
    # What an officer wrote (a reason), set off from the form's own words.
    "quote": style("quote", alignment=TA_LEFT, leftIndent=8 * mm, spaceBefore=2, spaceAfter=4),
    "center": style("center", alignment=TA_CENTER),
    "header": style("header", fontSize=11.5, leading=15, alignment=TA_CENTER),
    "motto": style("motto", fontSize=12.5, leading=16, alignment=TA_CENTER),
    "date": style("date", fontName=FONT_ITALIC, fontSize=11.5, alignment=TA_CENTER),
    "title": style("title", fontSize=14.5, leading=20, alignment=TA_CENTER, spaceBefore=6),
    "subtitle": style("subtitle", fontName=FONT_ITALIC, fontSize=12, alignment=TA_CENTER),
    "note": style("note", fontName=FONT_ITALIC, fontSize=10.5, leading=13, alignment=TA_CENTER),
    "cell": style("cell", fontSize=9.5, leading=12),
    "footer": style("footer", fontSize=8, leading=10),
}


class BoldParagraph(Paragraph):
    """A paragraph in the heavier weight the official forms use for titles, headers and signers."""

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(self.style.fontSize * BOLD_STROKE)
        canvas.addLiteral("2 Tr")
        super().draw()
        canvas.restoreState()


def text(value: str, style: str | ParagraphStyle = "body", *, bold: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept) in a style of STYLES or a style of its own."""
    markup = escape(str(value)).replace("\n", "<br/>")
    return (BoldParagraph if bold else Paragraph)(markup, STYLES[style] if isinstance(style, str) else style)


def table(rows: list[list], widths: Sequence[float], *commands: tuple, width: float = TEXT_WIDTH, **kwargs) -> Table:
    """A layout table (cells are flowables) spread over `width` (the text width) in the proportions of `widths`."""
    result = Table(rows, colWidths=[width * w / sum(widths) for w in widths], **kwargs)
    # Cells name a font even when they hold only paragraphs; it must be the embedded one.
    result.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"), *commands]))
    return result


def grid(
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *commands: tuple,
    header_rows: int = 1,
    style: str | ParagraphStyle = "cell",
    ruled: bool = True,
    width: float = TEXT_WIDTH,
) -> Table:
    """A table whose header rows are bold and repeat on every page; `ruled` draws the cell borders."""
    cells = [[text(value, style, bold=index < header_rows) for value in row] for index, row in enumerate(rows)]
    if ruled:
        ruling = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("BACKGROUND", (0, 0), (-1, header_rows - 1), "#eeeeee")]
    else:
        ruling = [("LEFTPADDING", (0, 0), (0, -1), 0)]
    return table(cells, widths, *ruling, *commands, repeatRows=header_rows, width=width)


# --- the national header -----------------------------------------------------------------------------------------


def _last_line(value: str) -> str:
    return value.splitlines()[-1] if value else ""


def _rule(under: str, style: str, *, share: float) -> HRFlowable:
    """The short centred line under the issuer (half its name) and under the motto (its full length)."""
    width = pdfmetrics.stringWidth(under, FONT, STYLES[style].fontSize) * share
    return HRFlowable(width=width, thickness=0.6, color="black", hAlign="CENTER", spaceBefore=3, spaceAfter=5)


def national_header(*, issuer_parent: str, issuer: str, place_date: str, number: str = "") -> Table:
    """The top of an administrative document: the issuing body (its parent plain, itself bold, a short rule and
    the document number) on the left; the national name, the motto, its rule and the place and date on the right."""
    left: list[Flowable] = []
    if issuer_parent:
        left.append(text(issuer_parent.upper(), "header"))
    left.append(text(issuer.upper(), "header", bold=True))
    left.append(_rule(_last_line(issuer.upper()), "header", share=0.5))
    if number:
        left.append(text(number, "header"))
    right = [
        text(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "header", bold=True),
        text(_("Độc lập - Tự do - Hạnh phúc"), "motto", bold=True),
        _rule(_("Độc lập - Tự do - Hạnh phúc"), "motto", share=1),
        text(place_date, "date"),
    ]
    # ALIGN centres the short rules too (paragraphs are centred by their style).
    padding = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    return table([[left, right]], [4, 6], ("ALIGN", (0, 0), (-1, -1), "CENTER"), *padding)


# --- dates, the way Vietnamese administrative documents write them -----------------------------------------------


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def dmy(value: date | datetime) -> str:
    return (local(value) if isinstance(value, datetime) else value).strftime("%d/%m/%Y")


def place_and_date(place: str, value: date | datetime) -> str:
    """The place and date line, e.g. Phúc Xá, ngày 05 tháng 3 năm 2026.

    Days below 10 and the months 1 and 2 take a leading zero (Nghị định 30/2020/NĐ-CP).
    """
    day = local(value).date() if isinstance(value, datetime) else value
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }
