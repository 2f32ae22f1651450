"""The weekly report as an A4 PDF: its title, sections, lists and appendices around the tables and charts, and a
footer with the page numbers."""

import functools
import io
from collections.abc import Callable, Sequence

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)

from egov.core.pdf import (
    FONT,
    LEFT_MARGIN,
    RIGHT_MARGIN,
    TEXT_WIDTH,
    dmy,
    national_header,
    place_and_date,
    register_fonts,
    table,
)
from egov.units.models import AdministrativeUnit

from .charts import channel_chart, rates_chart, trend_chart
from .figures import UnitLists, UnitWeek, WeeklyData, count, difference, name_and_rate, percent, unit_lists
from .styles import BOTTOM, GREY, LANDSCAPE, PORTRAIT, TOP, WIDE_MARGIN, WIDE_TOP, paragraph
from .tables import commune_lists_table, district_table, headline_table, one_stop_table, ranking_table

ISSUER = gettext_lazy("Sở Thông tin và Truyền thông")
# As the header sets it: two lines, each within the left column.
ISSUER_LINES = gettext_lazy("Sở Thông tin\nvà Truyền thông")


def _place(city: AdministrativeUnit) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if city.name.startswith(prefix):
            return city.name.removeprefix(prefix)
    return city.name


def _title(data: WeeklyData) -> list[Flowable]:
    header = national_header(
        issuer_parent=_("UBND %(unit)s") % {"unit": data.city.name},
        issuer=ISSUER_LINES,
        place_date=place_and_date(_place(data.city), data.made_at),
    )
    return [
        header,
        Spacer(1, 6 * mm),
        paragraph(_("BÁO CÁO"), "title", bold=True),
        paragraph(_("Tình hình tiếp nhận, giải quyết hồ sơ hộ tịch trực tuyến"), "subtitle", bold=True),
        paragraph(data.week.label, "period"),
        Spacer(1, 4 * mm),
    ]


def _scope_note(data: WeeklyData) -> Flowable:
    base = (
        _("tổng số hồ sơ tiếp nhận")
        if settings.REPORTING_ONLINE_RATE_BASE == "all"
        else _("số hồ sơ của các thủ tục có cung cấp trực tuyến")
    )
    units = _("từng xã, phường (theo quận, huyện trước đây)") if data.by_commune else _("từng quận, huyện")
    return paragraph(
        _(
            "Số liệu từ ngày %(start)s đến hết ngày %(end)s, chỉ tính từ ngày chính thức triển khai của %(units)s; "
            "tỷ lệ trực tuyến tính trên %(base)s; thời gian tính theo ngày làm việc. Lập lúc %(made)s."
        )
        % {
            "start": dmy(data.week.start),
            "end": dmy(data.week.end),
            "units": units,
            "base": base,
            "made": timezone.localtime(data.made_at).strftime("%H:%M %d/%m/%Y"),
        },
        "note",
    )


def _reaggregated_note(data: WeeklyData) -> list[Flowable]:
    """What a week across the reform reports: today's communes over the whole week."""
    if not data.reaggregated:
        return []
    first = min(line.unit.valid_from for line in data.units if line.unit.valid_from)
    return [
        paragraph(
            _(
                "Tuần này có ngày trước ngày %(day)s (sắp xếp đơn vị hành chính): số liệu cả tuần được tính theo các "
                "xã, phường hiện nay; hồ sơ của mỗi xã, phường, thị trấn cũ được tính cho xã, phường hiện nay giữ hồ "
                "sơ của đơn vị đó, mỗi hồ sơ chỉ tính một lần."
            )
            % {"day": dmy(first)},
            "note",
        )
    ]


def _summary(data: WeeklyData) -> list[Flowable]:
    now, before = data.current, data.previous
    if not now.received and not now.resolved:
        first = _("Trong tuần, %(communes)s của thành phố không tiếp nhận và không giải quyết hồ sơ nào.") % {
            "communes": data.communes_words
        }
    else:
        first = _(
            "Trong tuần, %(communes)s của thành phố tiếp nhận %(received)s hồ sơ hộ tịch, trong đó "
            "%(online)s hồ sơ nộp trực tuyến (tỷ lệ %(rate)s); đã giải quyết %(resolved)s hồ sơ, tỷ lệ đúng hạn "
            "%(on_time)s; cuối tuần còn %(overdue)s hồ sơ đang giải quyết quá hạn."
        ) % {
            "communes": data.communes_words,
            "received": count(now.received),
            "online": count(now.received_online),
            "rate": percent(now.online_rate),
            "resolved": count(now.resolved),
            "on_time": percent(now.on_time_rate),
            "overdue": count(now.overdue),
        }
    paragraphs = [paragraph(first)]
    if not (now.received or before.received or now.resolved or before.resolved):
        return paragraphs
    changes = [
        _change_words(_("số hồ sơ tiếp nhận"), now.received - before.received, pgettext("after a count", "hồ sơ"))
    ]
    rate_change = difference(now.online_rate, before.online_rate)
    if rate_change is not None:
        changes.append(_change_words(_("tỷ lệ trực tuyến"), rate_change, _("điểm %"), decimals=1))
    on_time_change = difference(now.on_time_rate, before.on_time_rate)
    if on_time_change is not None:
        changes.append(_change_words(_("tỷ lệ giải quyết đúng hạn"), on_time_change, _("điểm %"), decimals=1))
    paragraphs.append(paragraph(_("So với tuần trước: %(changes)s.") % {"changes": "; ".join(changes)}))
    return paragraphs


def _change_words(what: str, change, unit: str, *, decimals: int = 0) -> str:
    if not change:
        return _("%(what)s không đổi") % {"what": what}
    amount = number_format(abs(change), decimals, force_grouping=True)
    if change > 0:
        return _("%(what)s tăng %(amount)s %(unit)s") % {"what": what, "amount": amount, "unit": unit}
    return _("%(what)s giảm %(amount)s %(unit)s") % {"what": what, "amount": amount, "unit": unit}


def _lists(data: WeeklyData) -> list[Flowable]:
    """Before the reform the districts by name, the communes by number (their names in the second appendix); since,
    the communes by name."""
    average = data.current.online_rate
    story: list[Flowable] = [
        paragraph(_("Tỷ lệ trực tuyến bình quân toàn thành phố trong tuần: %(rate)s.") % {"rate": percent(average)})
    ]
    if data.by_commune:
        return [*story, *_name_lists(unit_lists(data.units, average=average))]
    communes = unit_lists(data.communes, average=average)
    story += [
        paragraph(_("1. Quận, huyện, thị xã"), "subsection", bold=True),
        *_name_lists(unit_lists(data.units, average=average)),
        paragraph(_("2. Xã, phường, thị trấn"), "subsection", bold=True),
    ]
    for heading, found in (
        (_("Có tỷ lệ trực tuyến thấp hơn bình quân thành phố"), communes.below_average),
        (_("Có tỷ lệ trực tuyến dưới 50 %"), communes.under_half),
        (_("Không có hồ sơ trong tuần"), communes.without_dossiers),
    ):
        amount = _("%(count)s đơn vị") % {"count": count(len(found))} if found else _("không có")
        story.append(paragraph(_("– %(heading)s: %(amount)s.") % {"heading": heading, "amount": amount}, "list"))
    story.append(paragraph(_("Danh sách từng xã, phường, thị trấn theo quận, huyện, thị xã tại Phụ lục 2."), "list"))
    return story


def _name_lists(lists: UnitLists) -> list[Flowable]:
    """The units to watch, each by name (with its online rate where it has one)."""
    story = [
        _unit_list(_("Có tỷ lệ trực tuyến thấp hơn bình quân thành phố"), lists.below_average, name_and_rate),
        _unit_list(_("Có tỷ lệ trực tuyến dưới 50 %"), lists.under_half, name_and_rate),
        _unit_list(_("Không có hồ sơ trong tuần"), lists.without_dossiers, lambda line: line.unit.name),
    ]
    if lists.not_counted:
        story.append(
            _unit_list(_("Chưa chính thức triển khai (không tính)"), lists.not_counted, lambda line: line.unit.name)
        )
    return story


def _unit_list(heading: str, lines: Sequence[UnitWeek], name: Callable[[UnitWeek], str]) -> Flowable:
    """ "– heading (n đơn vị): A (12,5 %), B (…)." or "– heading: không có." """
    if not lines:
        return paragraph(_("– %(heading)s: không có.") % {"heading": heading}, "list")
    return paragraph(
        _("– %(heading)s (%(count)s đơn vị): %(units)s.")
        % {"heading": heading, "count": count(len(lines)), "units": ", ".join(name(line) for line in lines)},
        "list",
    )


# --- the document ----------------------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """Holds the pages back until the end, to write the footer and "Trang n/N" on each."""

    def __init__(self, *args, footer_text: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.footer_text = footer_text
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width, _height = self._pagesize
        left = LEFT_MARGIN if width < LANDSCAPE[0] else WIDE_MARGIN
        right = width - (RIGHT_MARGIN if width < LANDSCAPE[0] else WIDE_MARGIN)
        self.saveState()
        self.setFont(FONT, 8)
        self.setFillColor(GREY)
        self.drawString(left, 9 * mm, self.footer_text)
        self.drawRightString(right, 9 * mm, _("Trang %(page)s/%(total)s") % {"page": self._pageNumber, "total": total})
        self.restoreState()


def _frames() -> list[PageTemplate]:
    def frame(page, left, right, top) -> Frame:
        width = page[0] - left - right
        return Frame(
            left, BOTTOM, width, page[1] - top - BOTTOM, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
        )

    # The appendix tables in landscape get a narrower top margin, so the district table and its note share a page.
    return [
        PageTemplate(id="portrait", frames=[frame(PORTRAIT, LEFT_MARGIN, RIGHT_MARGIN, TOP)], pagesize=PORTRAIT),
        PageTemplate(id="landscape", frames=[frame(LANDSCAPE, WIDE_MARGIN, WIDE_MARGIN, WIDE_TOP)], pagesize=LANDSCAPE),
    ]


def _receivers(data: WeeklyData) -> Flowable:
    receivers = [
        paragraph(_("Nơi nhận:"), "receivers_head", bold=True),
        paragraph(_("- Lãnh đạo UBND Thành phố (để báo cáo);"), "receivers"),
        paragraph(_("- Sở Tư pháp;"), "receivers"),
        paragraph(
            _("- UBND các xã, phường;") if data.by_commune else _("- UBND các quận, huyện, thị xã;"), "receivers"
        ),
        paragraph(_("- Lưu: VT."), "receivers"),
    ]
    signer = [
        paragraph(ISSUER.upper(), "subtitle", bold=True),
        paragraph(_("(Báo cáo lập tự động trên Cổng dịch vụ công hộ tịch)"), "caption"),
    ]
    return KeepTogether([Spacer(1, 6 * mm), table([[receivers, signer]], [45, 55])])


def weekly_report_pdf(data: WeeklyData) -> bytes:
    """The report as an A4 PDF: the body in portrait, the one-stop statistics table in landscape."""
    register_fonts()
    with translation.override("vi"):
        buffer = io.BytesIO()
        document = BaseDocTemplate(
            buffer,
            pagesize=PORTRAIT,
            pageTemplates=_frames(),
            title=data.title,
            author=f"{ISSUER} – {data.city.name}",
            creator=_("Cổng dịch vụ công hộ tịch"),
            initialFontName=FONT,
        )
        half = TEXT_WIDTH / 2
        story: list[Flowable] = [
            *_title(data),
            _scope_note(data),
            paragraph(_("I. KẾT QUẢ CHUNG TOÀN THÀNH PHỐ"), "section", bold=True),
            *_summary(data),
            Spacer(1, 2 * mm),
            headline_table(data),
            Spacer(1, 3 * mm),
            KeepTogether(
                table(
                    [[trend_chart(data, half - 2 * mm), channel_chart(data, half - 2 * mm)]],
                    [1, 1],
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                )
            ),
            *(_commune_section(data) if data.by_commune else _district_section(data)),
            CondPageBreak(40 * mm),
            paragraph(_("III. CÁC ĐƠN VỊ CẦN LƯU Ý"), "section", bold=True),
            *_lists(data),
            _receivers(data),
            NextPageTemplate("landscape"),
            PageBreak(),
            *_appendix(_("PHỤ LỤC 1"), _("Tình hình tiếp nhận, giải quyết hồ sơ hộ tịch trực tuyến %(week)s"), data),
            one_stop_table(data),
            paragraph(
                _(
                    "Ghi chú: (5) = (1) + (2) + (3) + (4) = (6) + (7) + (8) + (9) + (10) + (11); (12): hồ sơ đã giải "
                    "quyết nhưng người dân chưa nhận kết quả. Tỷ lệ trễ hạn = [(8) + (10)] / (5); tỷ lệ đúng hạn = "
                    "100 % − tỷ lệ trễ hạn."
                ),
                "note",
            ),
            *_not_counted_note(data),
        ]
        if not data.by_commune:
            # Since the reform the communes are the units of the report: its lists name them already.
            story += [
                PageBreak(),
                *_appendix(_("PHỤ LỤC 2"), _("Xã, phường, thị trấn cần lưu ý %(week)s"), data),
                commune_lists_table(data),
            ]
        footer = _("Báo cáo %(week)s – %(issuer)s") % {"week": data.week_words, "issuer": ISSUER}
        document.build(story, canvasmaker=functools.partial(_NumberedCanvas, footer_text=footer))
        return buffer.getvalue()


RATES_CAPTION = gettext_lazy(
    "Đường liền: bình quân thành phố; đường đứt: mức 50 %. Màu cam: thấp hơn bình quân; màu đỏ: dưới 50 %."
)
# Since the reform the chart shows the communes furthest behind, not all of them (126 bars would fill two pages).
LOWEST = 20


def _rated_lines(data: WeeklyData) -> list[UnitWeek]:
    return [line for line in data.units if line.counted and line.figures.online_rate is not None]


def _district_section(data: WeeklyData) -> list[Flowable]:
    """Every district in a table, and their online rates in a chart, highest first."""
    rows = sorted(_rated_lines(data), key=lambda line: (-line.figures.online_rate, line.unit.code))
    caption = _("Hình: tỷ lệ trực tuyến theo quận, huyện, thị xã (không gồm đơn vị không có hồ sơ).")
    return [
        CondPageBreak(60 * mm),
        paragraph(_("II. KẾT QUẢ THEO QUẬN, HUYỆN, THỊ XÃ"), "section", bold=True),
        district_table(data),
        *_not_counted_note(data),
        Spacer(1, 3 * mm),
        KeepTogether(
            [
                rates_chart(rows, data.current.online_rate, TEXT_WIDTH),
                paragraph(f"{caption} {RATES_CAPTION}", "caption"),
            ]
        ),
    ]


def _commune_section(data: WeeklyData) -> list[Flowable]:
    """The communes ranked by online rate in a compact table on a page of its own, then the lowest in a chart."""
    ranked = _ranked(data)
    lowest = sorted(_rated_lines(data), key=lambda line: (line.figures.online_rate, line.unit.code))[:LOWEST]
    caption = _("Hình: %(count)s xã, phường có tỷ lệ trực tuyến thấp nhất trong tuần (trong số %(all)s có hồ sơ).") % {
        "count": count(len(lowest)),
        "all": count(len(_rated_lines(data))),
    }
    return [
        PageBreak(),
        paragraph(_("II. KẾT QUẢ THEO XÃ, PHƯỜNG"), "section", bold=True),
        *_reaggregated_note(data),
        paragraph(
            _(
                "Xếp hạng theo tỷ lệ hồ sơ nộp trực tuyến (cao xuống thấp; cùng tỷ lệ thì nhiều hồ sơ hơn đứng trước); "
                "đơn vị không có hồ sơ hoặc chưa tính đứng cuối, không xếp hạng."
            ),
            "note",
        ),
        ranking_table(data, ranked),
        *_not_counted_note(data),
        Spacer(1, 3 * mm),
        KeepTogether(
            [
                rates_chart(lowest, data.current.online_rate, TEXT_WIDTH),
                paragraph(f"{caption} {RATES_CAPTION}", "caption"),
            ]
        ),
    ]


def _ranked(data: WeeklyData) -> list[tuple[str, UnitWeek]]:
    """(rank, unit) by online rate, highest first; units without a rate (no dossiers, or not counted) last, unranked."""
    rated = sorted(
        _rated_lines(data), key=lambda line: (-line.figures.online_rate, -line.figures.received, line.unit.code)
    )
    rest = [line for line in data.units if line not in rated]
    rest.sort(key=lambda line: (not line.counted, line.unit.code))
    return [(str(rank), line) for rank, line in enumerate(rated, start=1)] + [("", line) for line in rest]


def _not_counted_note(data: WeeklyData) -> list[Flowable]:
    if all(line.counted for line in data.units):
        return []
    return [paragraph(_("(*) Chưa chính thức triển khai dịch vụ trực tuyến trong tuần: số liệu không tính."), "note")]


def _appendix(number: str, title: str, data: WeeklyData) -> list[Flowable]:
    return [
        paragraph(number, "subtitle", bold=True),
        paragraph(title % {"week": data.week_words}, "period"),
        Spacer(1, 3 * mm),
    ]
