"""The page every printed document shares: embedded font, national header, title, signatures and QR code."""

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

import fontpkg
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

FAMILY = "Noto Serif"
FONT = "NotoSerif"
FONT_ITALIC = "NotoSerif-Italic"
# The package ships one variable font per style whose default instance is the regular weight; bold text is
# drawn filled and stroked with a line this fraction of the font size (PDF text render mode 2).
BOLD_STROKE = 0.035

PAGE = A4
# Nghị định 30/2020/NĐ-CP: left 30–35 mm, right 15–20 mm; the bottom margin holds the QR code.
MARGINS = {"left": 30 * mm, "right": 18 * mm, "top": 15 * mm, "bottom": 30 * mm}
TEXT_WIDTH = PAGE[0] - MARGINS["left"] - MARGINS["right"]
QR_SIZE = 22 * mm


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


def _style(name: str, **kwargs) -> ParagraphStyle:
    kwargs.setdefault("fontName", FONT)
    kwargs.setdefault("fontSize", 12)
    kwargs.setdefault("leading", kwargs["fontSize"] * 1.35)
    return ParagraphStyle(name, **kwargs)


STYLES = {
    "body": _style("body", alignment=TA_JUSTIFY, spaceAfter=2),
    "item": _style("item", alignment=TA_LEFT, leftIndent=12 * mm, firstLineIndent=-5 * mm, spaceAfter=1),
    "plain": _style("plain", alignment=TA_LEFT),
    # What an officer wrote (a reason), set off from the form's own words.
    "quote": _style("quote", alignment=TA_LEFT, leftIndent=8 * mm, spaceBefore=2, spaceAfter=4),
    "center": _style("center", alignment=TA_CENTER),
    "header": _style("header", fontSize=11.5, leading=15, alignment=TA_CENTER),
    "motto": _style("motto", fontSize=12.5, leading=16, alignment=TA_CENTER),
    "date": _style("date", fontName=FONT_ITALIC, fontSize=11.5, alignment=TA_CENTER),
    "title": _style("title", fontSize=14.5, leading=20, alignment=TA_CENTER, spaceBefore=6),
    "subtitle": _style("subtitle", fontName=FONT_ITALIC, fontSize=12, alignment=TA_CENTER),
    "note": _style("note", fontName=FONT_ITALIC, fontSize=10.5, leading=13, alignment=TA_CENTER),
    "cell": _style("cell", fontSize=9.5, leading=12),
    "footer": _style("footer", fontSize=8, leading=10),
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


def table(rows: list[list], widths: Sequence[float], *commands: tuple, **kwargs) -> Table:
    """A layout table (cells are flowables) spread over the text width in the proportions of `widths`."""
    result = Table(rows, colWidths=[TEXT_WIDTH * w / sum(widths) for w in widths], **kwargs)
    # Cells name a font even when they hold only paragraphs; it must be the embedded one.
    result.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"), *commands]))
    return result


def text(value: str, style: str = "body", *, bold: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    markup = escape(str(value)).replace("\n", "<br/>")
    return (BoldParagraph if bold else Paragraph)(markup, STYLES[style])


def field_line(*pairs: tuple[str, str]) -> Flowable:
    """Pairs of label and value as "label: value", side by side in equal columns when there are several."""
    cells = [text(f"{label}: {value}") for label, value in pairs]
    if len(cells) == 1:
        return cells[0]
    return table([cells], [1] * len(cells), ("LEFTPADDING", (0, 0), (-1, -1), 0))


def lettered(items: Sequence[str]) -> list[Flowable]:
    """Sub-items "a) …", "b) …" with a hanging indent, as administrative documents list them."""
    letters = "abcdefghiklmnopqrstuvxy"  # the Vietnamese alphabet has no j, w or z
    return [text(f"{letters[index % len(letters)]}) {item}", "item") for index, item in enumerate(items)]


def grid(
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    style: str = "cell",
    ruled: bool = True,
) -> Table:
    """A table whose header rows are bold and repeat on every page; `ruled` draws the cell borders."""
    cells = [[text(value, style, bold=index < header_rows) for value in row] for index, row in enumerate(rows)]
    if ruled:
        commands = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("BACKGROUND", (0, 0), (-1, header_rows - 1), "#eeeeee")]
    else:
        commands = [("LEFTPADDING", (0, 0), (0, -1), 0)]
    return table(cells, widths, *commands, repeatRows=header_rows)


# --- dates, the way Vietnamese administrative documents write them ------------------------------------------


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def dmy(value: date | datetime) -> str:
    return (local(value) if isinstance(value, datetime) else value).strftime("%d/%m/%Y")


def time_and_day(moment: datetime) -> str:
    """A moment as the slips write it: 15 giờ 00 phút, ngày 23/11/2026."""
    moment = local(moment)
    return _("%(hour)s giờ %(minute)s phút, ngày %(day)s") % {
        "hour": f"{moment.hour:02d}",
        "minute": f"{moment.minute:02d}",
        "day": dmy(moment),
    }


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


_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _tens_in_words(number: int, *, after_hundreds: bool) -> str:
    if number < 10:
        return f"linh {_DIGITS[number]}" if after_hundreds else _DIGITS[number]
    tens, units = divmod(number, 10)
    head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
    if units == 0:
        return head
    tail = {1: "mốt" if tens > 1 else "một", 4: "tư" if tens > 1 else "bốn", 5: "lăm"}.get(units, _DIGITS[units])
    return f"{head} {tail}"


def number_in_words(number: int) -> str:
    """A number below 10,000 in Vietnamese words: 2026 → "hai nghìn không trăm hai mươi sáu"."""
    if not 0 <= number < 10_000:
        raise ValueError(f"{number} is out of range")
    thousands, rest = divmod(number, 1000)
    hundreds, below = divmod(rest, 100)
    words = []
    if thousands:
        words.append(f"{_DIGITS[thousands]} nghìn")
    if hundreds or (thousands and below):
        words.append(f"{_DIGITS[hundreds]} trăm")
    if below:
        words.append(_tens_in_words(below, after_hundreds=bool(thousands or hundreds)))
    return " ".join(words) or _DIGITS[0]


def date_in_words(day: date) -> str:
    """The date written out, as a birth certificate repeats the date of birth ("ghi bằng chữ")."""
    month = "tư" if day.month == 4 else number_in_words(day.month)
    words = _("ngày %(day)s, tháng %(month)s, năm %(year)s") % {
        "day": number_in_words(day.day),
        "month": month,
        "year": number_in_words(day.year),
    }
    return words[:1].upper() + words[1:]


# --- the sheet --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """One signature column: the role in capitals, how to sign, and the signer's printed name."""

    role: str
    name: str = ""
    note: str = ""


@dataclass
class Sheet:
    """Everything a printed document says; `render` lays it out the same way for every kind."""

    title: str
    body: list[Flowable]
    # Left header: the parent body (plain) and the issuing body (bold), each possibly several lines.
    issuer_parent: str
    issuer: str
    place_date: str
    verify_url: str
    # Under the issuer, e.g. "Số: 00001-261123-0001/TNHS" or "Số: 12, Quyển số: 01/2026".
    number: str = ""
    subtitle: str = ""
    signatures: Sequence[Signature] = field(default_factory=tuple)
    footer: str = ""
    author: str = ""


def signature_block(signatures: Sequence[Signature]) -> Flowable:
    """Signature columns side by side; a single signer stands in the right half, as on the paper forms."""
    columns = []
    for signature in signatures:
        columns.append(
            [
                text(signature.role.upper(), "center", bold=True),
                text(signature.note or _("(Ký và ghi rõ họ tên)"), "note"),
                Spacer(1, 20 * mm),
                text(signature.name, "center", bold=True),
            ]
        )
    widths = [1] * len(columns)
    if len(columns) == 1:
        columns.insert(0, [])
        widths = [4, 6]
    return KeepTogether([Spacer(1, 3 * mm), table([columns], widths)])


def _last_line(value: str) -> str:
    return value.splitlines()[-1] if value else ""


def _rule(under: str, style: str, *, share: float) -> HRFlowable:
    """The short centred line under the issuer (half its name) and under the motto (its full length)."""
    width = pdfmetrics.stringWidth(under, FONT, STYLES[style].fontSize) * share
    return HRFlowable(width=width, thickness=0.6, color="black", hAlign="CENTER", spaceBefore=3, spaceAfter=5)


def _header(sheet: Sheet) -> Table:
    left: list[Flowable] = []
    if sheet.issuer_parent:
        left.append(text(sheet.issuer_parent.upper(), "header"))
    left.append(text(sheet.issuer.upper(), "header", bold=True))
    left.append(_rule(_last_line(sheet.issuer.upper()), "header", share=0.5))
    if sheet.number:
        left.append(text(sheet.number, "header"))
    right = [
        text(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "header", bold=True),
        text(_("Độc lập - Tự do - Hạnh phúc"), "motto", bold=True),
        _rule(_("Độc lập - Tự do - Hạnh phúc"), "motto", share=1),
        text(sheet.place_date, "date"),
    ]
    # ALIGN centres the short rules too (paragraphs are centred by their style).
    padding = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    return table([[left, right]], [4, 6], ("ALIGN", (0, 0), (-1, -1), "CENTER"), *padding)


def draw_qr(canvas, value: str, x: float, y: float, size: float) -> None:
    """A QR code (error correction M, two-module quiet zone) drawn as filled squares.

    Drawn straight on the canvas rather than through reportlab's QrCodeWidget, whose renderer names
    Helvetica as the current font and so puts an unembedded font into every document.
    """
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(value)
    code.make()
    border = 2
    module = size / (code.getModuleCount() + 2 * border)
    canvas.setFillColor("black")
    for row, cells in enumerate(code.modules):
        top = y + size - (row + border + 1) * module
        for column, dark in enumerate(cells):
            if dark:
                canvas.rect(x + (column + border) * module, top, module, module, stroke=0, fill=1)


def _footer(sheet: Sheet):
    """Draws the QR code and what it is for at the bottom of every page."""
    caption = sheet.footer + "\n" if sheet.footer else ""
    caption += _("Kiểm tra giấy tờ này: quét mã QR hoặc mở %(url)s") % {"url": sheet.verify_url}

    def draw(canvas, document) -> None:
        canvas.saveState()
        x, y = MARGINS["left"], 6 * mm
        draw_qr(canvas, sheet.verify_url, x, y, QR_SIZE)
        note = text(caption, "footer")
        width = TEXT_WIDTH - QR_SIZE - 4 * mm
        _, height = note.wrap(width, QR_SIZE)
        note.drawOn(canvas, x + QR_SIZE + 4 * mm, y + (QR_SIZE - height) / 2)
        canvas.restoreState()

    return draw


def render(sheet: Sheet) -> bytes:
    """The sheet as a PDF (A4) with the font embedded and the verification QR code on every page."""
    buffer = io.BytesIO()
    # No frame padding: the text block is exactly the margins, so tables line up with paragraphs.
    frame = Frame(
        MARGINS["left"],
        MARGINS["bottom"],
        TEXT_WIDTH,
        PAGE[1] - MARGINS["top"] - MARGINS["bottom"],
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    document = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        pageTemplates=[PageTemplate(frames=[frame], onPage=_footer(sheet))],
        title=f"{sheet.title} {sheet.subtitle}".strip(),
        author=sheet.author,
        creator=_("Cổng dịch vụ công hộ tịch"),
        # Otherwise every page starts in Helvetica, a font the PDF would then name without embedding it.
        initialFontName=FONT,
    )
    story: list[Flowable] = [_header(sheet), Spacer(1, 5 * mm), text(sheet.title, "title", bold=True)]
    if sheet.subtitle:
        story.append(text(sheet.subtitle, "subtitle"))
    story.append(Spacer(1, 4 * mm))
    story.extend(sheet.body)
    if sheet.signatures:
        story.append(signature_block(sheet.signatures))
    document.build(story)
    return buffer.getvalue()
