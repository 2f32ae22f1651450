"""The weekly report's type, colours and page geometry, shared by its text, tables and charts."""

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from egov.core.pdf import FONT_ITALIC, style, text

PORTRAIT, LANDSCAPE = A4, landscape(A4)
TOP, BOTTOM = 20 * mm, 18 * mm
WIDE_TOP = 12 * mm
WIDE_MARGIN = 20 * mm
WIDE_WIDTH = LANDSCAPE[0] - 2 * WIDE_MARGIN

BLUE = colors.HexColor("#1f4e79")
LIGHT_BLUE = colors.HexColor("#6fa8dc")
GREEN = colors.HexColor("#38761d")
AMBER = colors.HexColor("#e69138")
RED = colors.HexColor("#c00000")
GREY = colors.HexColor("#999999")
GRID = colors.HexColor("#dddddd")
HEADER_FILL = colors.HexColor("#eeeeee")
TOTAL_FILL = colors.HexColor("#f3f6fa")

STYLES = {
    "section": style("section", fontSize=12, leading=16, spaceBefore=8, spaceAfter=4, keepWithNext=1),
    "subsection": style("subsection", fontSize=11, leading=15, spaceBefore=5, spaceAfter=2, keepWithNext=1),
    "body": style("wbody", fontSize=11, leading=15, spaceAfter=3, firstLineIndent=8 * mm),
    "list": style("wlist", fontSize=10.5, leading=14, leftIndent=8 * mm, spaceAfter=2),
    "note": style("wnote", fontName=FONT_ITALIC, fontSize=9.5, leading=12.5, spaceAfter=2),
    "caption": style("caption", fontName=FONT_ITALIC, fontSize=9, leading=12, alignment=TA_CENTER, spaceAfter=4),
    "cell": style("wcell", fontSize=8.5, leading=10.5),
    "number": style("number", fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
    "head": style("head", fontSize=8.5, leading=10.5, alignment=TA_CENTER),
    "small_head": style("small_head", fontSize=7.5, leading=9, alignment=TA_CENTER),
    "small": style("small", fontSize=7.5, leading=9, alignment=TA_RIGHT),
    "small_name": style("small_name", fontSize=7.5, leading=9),
    "title": style("wtitle", fontSize=15, leading=20, alignment=TA_CENTER),
    "subtitle": style("wsubtitle", fontSize=12.5, leading=17, alignment=TA_CENTER),
    "period": style("period", fontName=FONT_ITALIC, fontSize=12, leading=16, alignment=TA_CENTER),
    "receivers": style("receivers", fontSize=9, leading=11.5, alignment=TA_LEFT),
    "receivers_head": style("receivers_head", fontName=FONT_ITALIC, fontSize=10, leading=13),
}


def paragraph(value: str, key: str = "body", *, bold: bool = False):
    return text(value, STYLES[key], bold=bold)
