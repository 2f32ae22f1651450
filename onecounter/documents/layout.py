"""The page every printed document of a dossier shares: national header, title, signatures and QR code (the font,
styles and header come from egov.core.pdf, which the weekly report uses too)."""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Spacer

from egov.core.pdf import FONT, LEFT_MARGIN, RIGHT_MARGIN, TEXT_WIDTH, dmy, local, national_header, table, text

PAGE = A4
# The bottom margin holds the QR code.
MARGINS = {"left": LEFT_MARGIN, "right": RIGHT_MARGIN, "top": 15 * mm, "bottom": 30 * mm}
QR_SIZE = 22 * mm


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


# --- dates, the way Vietnamese administrative documents write them ------------------------------------------


def time_and_day(moment: datetime) -> str:
    """A moment as the slips write it: 15 giờ 00 phút, ngày 23/11/2026."""
    moment = local(moment)
    return _("%(hour)s giờ %(minute)s phút, ngày %(day)s") % {
        "hour": f"{moment.hour:02d}",
        "minute": f"{moment.minute:02d}",
        "day": dmy(moment),
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
    header = national_header(
        issuer_parent=sheet.issuer_parent, issuer=sheet.issuer, place_date=sheet.place_date, number=sheet.number
    )
    story: list[Flowable] = [header, Spacer(1, 5 * mm), text(sheet.title, "title", bold=True)]
    if sheet.subtitle:
        story.append(text(sheet.subtitle, "subtitle"))
    story.append(Spacer(1, 4 * mm))
    story.extend(sheet.body)
    if sheet.signatures:
        story.append(signature_block(sheet.signatures))
    document.build(story)
    return buffer.getvalue()
