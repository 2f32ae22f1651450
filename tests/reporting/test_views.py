"""The dashboards: who may see which unit, the numbers shown against unit_figures and a hand count, the period
form and its navigation, sorting, the lists of units to watch, and a cost that does not grow with the dossiers."""

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from egov.accounts.models import Role
from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel, UnitRollout
from procedures.models import Channel, Status
from reporting.periods import Period
from reporting.selectors import unit_figures
from reporting.services import rollups_refresh
from tests.onecounter.conftest import advance, filed
from tests.procedures.conftest import make_user
from tests.procedures.test_filing import procedure_of

DECEMBER = Period("month", date(2026, 12, 1), date(2026, 12, 31))


def unit_url(unit, **params) -> str:
    url = reverse("reporting:unit", args=[unit.pk])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


class _Tables(HTMLParser):
    """The report tables of a page as {name: [[cell text, …], …]} (header rows left out), and their headers."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.headers: dict[str, list[dict]] = {}
        self._section = None
        self._in_body = False
        self._in_head = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._attrs: dict = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and (attrs.get("id") or "").startswith("bang-"):
            self._section = attrs["id"].removeprefix("bang-")
            self.tables[self._section], self.headers[self._section] = [], []
        elif self._section and tag in ("tbody", "tfoot"):
            self._in_body = True
        elif self._section and tag == "thead":
            self._in_head = True
        elif self._section and tag == "tr" and self._in_body:
            self._row = []
        elif self._section and tag in ("td", "th") and (self._in_body or self._in_head):
            self._cell, self._attrs = [], attrs

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            text = re.sub(r"[ \t\n]+", " ", "".join(self._cell)).strip(" \xa0▲▼↕")
            if self._in_body and self._row is not None:
                self._row.append(text)
            elif self._in_head:
                self.headers[self._section].append({"text": text, **self._attrs})
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._section].append(self._row)
            self._row = None
        elif tag in ("tbody", "tfoot"):
            self._in_body = False
        elif tag == "thead":
            self._in_head = False
        elif tag == "section":
            self._section = None


def page_tables(response) -> _Tables:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser


def rows_by_label(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in rows}


def number(text: str) -> Decimal | None:
    """A number as the page writes it (1.234; 12,5 %; —) read back."""
    text = text.replace("\xa0", " ").removesuffix(" %").strip()
    if text == "—":
        return None
    return Decimal(text.replace(".", "").replace(",", "."))


# Access


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "unit", "export"])
def test_every_report_address_needs_a_login(client, district, name):
    url = {
        "home": reverse("reporting:home"),
        "unit": unit_url(district),
        "export": unit_url(district, format="csv", table="mot-cua"),
    }[name]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CITIZEN, Role.ONE_STOP, Role.JUSTICE, Role.LEADER, Role.POLICE,
                                  Role.SOCIAL_INSURANCE])  # fmt: skip
def test_other_roles_are_refused(client, role, district, commune_a):
    user = make_user(f"u-{role}", role, None if role == Role.CITIZEN else commune_a if "_" not in role else district)
    client.force_login(user)
    for url in (reverse("reporting:home"), unit_url(district), unit_url(commune_a, format="csv", table="mot-cua")):
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_a_district_sees_its_own_district_and_communes_only(client, district_chief, city, district, commune_a,
                                                            rural_district, rural_commune):  # fmt: skip
    client.force_login(district_chief)
    assert client.get(unit_url(district)).status_code == 200
    assert client.get(unit_url(commune_a)).status_code == 200
    for unit in (city, rural_district, rural_commune):
        assert client.get(unit_url(unit)).status_code == 403, unit
        assert client.get(unit_url(unit, format="xlsx", table="mot-cua")).status_code == 403, unit


@pytest.mark.django_db
def test_city_staff_see_every_unit(client, city_staff, city, district, commune_a, rural_commune):
    client.force_login(city_staff)
    for unit in (city, district, commune_a, rural_commune):
        assert client.get(unit_url(unit)).status_code == 200, unit


@pytest.mark.django_db
def test_an_unknown_unit_is_not_found_for_the_city_and_refused_for_a_district(client, city_staff, district_chief):
    client.force_login(city_staff)
    assert client.get(reverse("reporting:unit", args=[999999])).status_code == 404
    client.force_login(district_chief)
    assert client.get(reverse("reporting:unit", args=[999999])).status_code == 403


@pytest.mark.django_db
def test_the_reports_home_opens_the_officers_own_unit(client, district_chief, city_staff, district, city):
    client.force_login(district_chief)
    assert client.get(reverse("reporting:home")).url == unit_url(district)
    client.force_login(city_staff)
    assert client.get(reverse("reporting:home")).url == unit_url(city)
    client.force_login(make_user("admin", Role.CITY, is_superuser=True))
    assert client.get(reverse("reporting:home")).url == unit_url(city)


@pytest.mark.django_db
def test_the_reports_are_read_only(client, district_chief, district):
    client.force_login(district_chief)
    assert client.post(reverse("reporting:home")).status_code == 405
    assert client.post(unit_url(district)).status_code == 405


@pytest.mark.django_db
def test_district_and_city_staff_find_the_reports_in_the_navigation(client, district_chief, one_stop_a):
    client.force_login(district_chief)
    home = client.get(reverse("core:officer-home")).content.decode()
    assert f'href="{reverse("reporting:home")}"' in home
    client.force_login(one_stop_a)
    assert f'href="{reverse("reporting:home")}"' not in client.get(reverse("core:officer-home")).content.decode()


# The numbers


def test_the_district_page_shows_the_hand_count_and_unit_figures(client, dashboard_world, district_chief, district,
                                                                  commune_a, commune_b, city):  # fmt: skip
    client.force_login(district_chief)
    response = client.get(unit_url(district))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Quận Ba Đình – Tháng 12/2026" in page
    figures = unit_figures(units=[district, commune_a, commune_b, city], period=DECEMBER)
    dashboard = response.context["dashboard"]
    assert vars(dashboard.figures) == vars(figures[district.pk])
    headline = dashboard.figures
    assert (headline.received, headline.received_online, headline.online_rate) == (4, 2, Decimal("50.0"))
    assert (headline.resolved, headline.on_time_rate, headline.overdue) == (3, Decimal("66.7"), 1)
    assert dashboard.city.online_rate == Decimal("60.0")
    tables = page_tables(response).tables
    summary = rows_by_label(tables["tong-hop"])
    # Received, online, online rate, resolved, on-time rate, overdue, …
    assert summary["Phường Phúc Xá"][:6] == ["3", "2", "66,7\xa0%", "2", "50,0\xa0%", "1"]
    assert summary["Phường Trúc Bạch"][:6] == ["1", "0", "0,0\xa0%", "1", "100,0\xa0%", "0"]
    # A unit without dossiers has no rate: a dash, not 0.
    assert summary["Phường Cống Vị"][:6] == ["0", "0", "—", "0", "—", "0"]
    assert summary["Tổng cộng"][:6] == ["4", "2", "50,0\xa0%", "3", "66,7\xa0%", "1"]
    for label, unit in (("Phường Phúc Xá", commune_a), ("Phường Trúc Bạch", commune_b), ("Tổng cộng", district)):
        f = figures[unit.pk]
        shown = [number(text) for text in summary[label][:6]]
        assert shown == [f.received, f.received_online, f.online_rate, f.resolved, f.on_time_rate, f.overdue]
    onestop = rows_by_label(tables["mot-cua"])
    # Carried over, online, direct, post, to handle, early, on time, late, not yet due, overdue, withdrawn,
    # not collected, late rate, on-time rate.
    assert onestop["Phường Phúc Xá"] == ["0", "2", "1", "0", "3", "0", "1", "1", "0", "1", "0", "2", "66,7\xa0%",
                                         "33,3\xa0%"]  # fmt: skip
    assert onestop["Tổng cộng"][4] == "4"


def test_headline_figures_say_which_base_the_online_rate_uses(client, dashboard_world, district_chief, district,
                                                               settings):  # fmt: skip
    client.force_login(district_chief)
    page = client.get(unit_url(district)).content.decode()
    assert "/ tổng số hồ sơ tiếp nhận (mọi thủ tục" in page
    assert "Đang giải quyết quá hạn" in page and "Thời gian giải quyết bình quân" in page
    assert "thử nghiệm từ 01/08/2016" in page and "chính thức từ 10/08/2016" in page
    settings.REPORTING_ONLINE_RATE_BASE = "online_procedures"
    page = client.get(unit_url(district)).content.decode()
    assert "các thủ tục đang cung cấp trực tuyến" in page


def test_the_city_page_lists_the_districts_with_their_rollout(client, dashboard_world, city_staff, city, district,
                                                               rural_district):  # fmt: skip
    client.force_login(city_staff)
    response = client.get(unit_url(city))
    summary = rows_by_label(page_tables(response).tables["tong-hop"])
    assert summary["Quận Ba Đình"][:3] == ["4", "2", "50,0\xa0%"]
    assert summary["Quận Ba Đình"][-2:] == ["Chính thức", "10/08/2016"]
    assert summary["Huyện Ba Vì"][:3] == ["1", "1", "100,0\xa0%"]
    assert summary["Huyện Ba Vì"][-2:] == ["Chính thức", "15/12/2016"]
    assert summary["Tổng cộng"][:3] == ["5", "3", "60,0\xa0%"]
    # Each district links down to its page, for the same period.
    assert f'href="{unit_url(district)}"' in response.content.decode()


def test_a_district_not_yet_online_is_listed_apart_and_shows_no_figures(client, dashboard_world, city_staff, city):
    """Not "without dossiers": its dossiers are not counted yet. Dashes, as the weekly report and report_rates."""
    late = AdministrativeUnit.objects.create(
        code="002", name="Quận Hoàn Kiếm", kind=UnitKind.URBAN_DISTRICT, level=UnitLevel.DISTRICT, parent=city
    )
    UnitRollout.objects.create(unit=late, trial_start=date(2026, 12, 1), official_start=date(2027, 1, 4))
    client.force_login(city_staff)
    response = client.get(unit_url(city))
    dashboard = response.context["dashboard"]
    assert [f.unit.name for f in dashboard.not_counted] == ["Quận Hoàn Kiếm"]
    assert "Quận Hoàn Kiếm" not in [f.unit.name for f in dashboard.without_dossiers]
    page = response.content.decode()
    listed = page.split("Chưa chính thức triển khai trong kỳ (không tính)</h3>")[1].split("</ul>")[0]
    assert ">Quận Hoàn Kiếm</a>" in listed
    summary = rows_by_label(page_tables(response).tables["tong-hop"])
    assert summary["Quận Hoàn Kiếm"][:3] == ["—", "—", "—"]
    assert summary["Quận Hoàn Kiếm"][-2:] == ["Thử nghiệm", "04/01/2027"]
    assert summary["Tổng cộng"][:3] == ["5", "3", "60,0\xa0%"]
    exported = client.get(unit_url(city, table="tong-hop", format="csv")).content.decode("utf-8-sig")
    row = next(line for line in exported.splitlines() if line.startswith("Quận Hoàn Kiếm"))
    assert row.startswith("Quận Hoàn Kiếm,,,")
    # The page of a month after its official start counts it, with its (zero) figures.
    response = client.get(unit_url(city, kind="month", date="04/01/2027"))
    assert response.context["dashboard"].not_counted == []
    assert rows_by_label(page_tables(response).tables["tong-hop"])["Quận Hoàn Kiếm"][:2] == ["0", "0"]


def test_the_commune_page_tables_are_by_procedure(client, dashboard_world, district_chief, commune_a, district):
    client.force_login(district_chief)
    response = client.get(unit_url(commune_a))
    tables = page_tables(response).tables
    assert "tong-hop" not in tables
    onestop = rows_by_label(tables["mot-cua"])
    assert onestop["Đăng ký khai sinh"][4] == "3"
    by_procedure = rows_by_label(tables["thu-tuc"])
    assert by_procedure["Đăng ký khai sinh"][:3] == ["3", "2", "66,7\xa0%"]
    page = response.content.decode()
    # The breadcrumb goes up to the district; the city is not the district chief's to open.
    assert f'href="{unit_url(district)}"' in page
    assert "Thành phố Hà Nội" in page and f'href="{reverse("reporting:unit", args=[district.parent_id])}' not in page


def test_the_trend_adds_up_to_the_period(client, dashboard_world, district_chief, district):
    client.force_login(district_chief)
    trend = page_tables(client.get(unit_url(district))).tables["theo-thoi-gian"]
    assert len(trend) == 32  # 31 days and the total
    assert trend[6] == ["Ngày 07/12/2026", "4", "2", "50,0\xa0%", "2", "100,0\xa0%"]  # a1, b1 resolved
    assert trend[7][:5] == ["Ngày 08/12/2026", "0", "0", "—", "1"]
    assert trend[-1][:5] == ["Tổng cộng", "4", "2", "50,0\xa0%", "3"]


# The lists


def test_the_lists_of_units_to_watch(client, dashboard_world, district_chief, district):
    client.force_login(district_chief)
    dashboard = client.get(unit_url(district)).context["dashboard"]
    names = lambda figures: [f.unit.name for f in figures]  # noqa: E731
    # Against the city's 60,0 % online and 66,7 % on time.
    assert names(dashboard.below_average_online) == ["Phường Trúc Bạch"]
    assert names(dashboard.below_average_on_time) == ["Phường Phúc Xá"]
    assert names(dashboard.under_half) == ["Phường Trúc Bạch"]
    assert names(dashboard.without_dossiers) == ["Phường Cống Vị"]


def test_the_lists_are_on_the_page(client, dashboard_world, district_chief, district):
    client.force_login(district_chief)
    page = client.get(unit_url(district)).content.decode()
    assert "Tỷ lệ trực tuyến thấp hơn bình quân thành phố (60,0\xa0%)" in page
    assert "Tỷ lệ trực tuyến dưới 50 %" in page
    without = page.split("Không có hồ sơ trong kỳ</h3>")[1].split("</ul>")[0]
    assert ">Phường Cống Vị</a>" in without and "Phúc Xá" not in without


# Sorting


@pytest.mark.parametrize(
    ("sort", "direction", "order"),
    [
        ("online_rate", "desc", ["Phường Phúc Xá", "Phường Trúc Bạch", "Phường Cống Vị"]),
        ("online_rate", "asc", ["Phường Trúc Bạch", "Phường Phúc Xá", "Phường Cống Vị"]),
        ("received", "desc", ["Phường Phúc Xá", "Phường Trúc Bạch", "Phường Cống Vị"]),
        ("name", "asc", ["Phường Cống Vị", "Phường Phúc Xá", "Phường Trúc Bạch"]),
        ("name", "desc", ["Phường Trúc Bạch", "Phường Phúc Xá", "Phường Cống Vị"]),
        ("", "", ["Phường Phúc Xá", "Phường Trúc Bạch", "Phường Cống Vị"]),  # by code
        ("password", "desc", ["Phường Phúc Xá", "Phường Trúc Bạch", "Phường Cống Vị"]),
    ],
)
def test_tables_sort_on_the_server(client, dashboard_world, district_chief, district, sort, direction, order):
    client.force_login(district_chief)
    parsed = page_tables(client.get(unit_url(district, sort=sort, dir=direction)))
    for name in ("tong-hop", "mot-cua"):
        assert [row[0] for row in parsed.tables[name][:-1]] == order
        assert parsed.tables[name][-1][0] == "Tổng cộng"


def test_sorted_headers_say_so_and_link_to_the_other_direction(client, dashboard_world, district_chief, district):
    client.force_login(district_chief)
    headers = page_tables(client.get(unit_url(district, sort="online_rate", dir="asc"))).headers["tong-hop"]
    sorted_ = [h for h in headers if "aria-sort" in h]
    assert [(h["text"], h["aria-sort"]) for h in sorted_] == [("Tỷ lệ trực tuyến", "ascending")]
    page = client.get(unit_url(district, sort="online_rate", dir="asc")).content.decode()
    assert "sort=online_rate&amp;dir=desc#bang-tong-hop" in page
    assert "sort=received&amp;dir=asc#bang-tong-hop" in page


# The period


def test_the_period_comes_from_the_form(client, dashboard_world, district_chief, district):
    client.force_login(district_chief)
    week = client.get(unit_url(district, kind="week", date="09/12/2026")).context["period"]
    assert (week.kind, week.start, week.end) == ("week", date(2026, 12, 7), date(2026, 12, 13))
    custom = client.get(unit_url(district, kind="custom", **{"from": "07/12/2026", "to": "07/12/2026"}))
    assert custom.context["dashboard"].figures.received == 4
    assert "Từ 07/12/2026 đến 07/12/2026" in custom.content.decode()
    other_day = client.get(unit_url(district, kind="day", date="08/12/2026")).context["dashboard"].figures
    assert (other_day.received, other_day.resolved, other_day.carried_over) == (0, 1, 2)  # a2 and a3


def test_a_wrong_period_is_explained_and_the_current_month_shown(client, dashboard_world, district_chief, district):
    client.force_login(district_chief)
    response = client.get(unit_url(district, kind="custom", **{"from": "15/12/2026", "to": "01/12/2026"}))
    assert response.status_code == 200
    assert response.context["period"] == DECEMBER
    assert "Ngày kết thúc phải cùng ngày hoặc sau ngày bắt đầu." in response.content.decode()
    response = client.get(unit_url(district, kind="month", date="31/02/2026"))
    assert "Tháng 2 năm 2026 không có ngày 31." in response.content.decode()


def test_previous_and_next_periods_keep_the_procedure_and_order(client, dashboard_world, district_chief, district):
    client.force_login(district_chief)
    response = client.get(unit_url(district, kind="month", date="01/11/2026", procedure="P-birth", sort="received"))
    context = response.context
    assert context["previous"] == unit_url(district, kind="month", date="01/10/2026", procedure="P-birth",
                                           sort="received")  # fmt: skip
    assert context["next"] == unit_url(district, kind="month", date="01/12/2026", procedure="P-birth", sort="received")
    page = response.content.decode()
    assert "Tháng 10/2026" in page and "Tháng 12/2026" in page
    # No link into a period that has not started.
    page = client.get(unit_url(district)).content.decode()
    assert 'rel="next"' not in page


def test_the_procedure_filter(client, dashboard_world, district_chief, district, commune_a):
    client.force_login(district_chief)
    response = client.get(unit_url(district, procedure="P-birth"))
    assert response.context["dashboard"].figures.received == 4
    assert "Thủ tục: Đăng ký khai sinh" in response.content.decode()
    # A commune's rows by procedure lead to the same page for that procedure alone.
    page = client.get(unit_url(commune_a)).content.decode()
    assert f'href="{unit_url(commune_a, procedure="P-birth")}"' in page
    assert "thu-tuc" not in page_tables(client.get(unit_url(commune_a, procedure="P-birth"))).tables
    procedure_of("death", days="3")
    response = client.get(unit_url(district, procedure="P-death"))
    assert response.context["dashboard"].figures.received == 0
    assert response.context["dashboard"].figures.online_rate is None


# Cost


def test_the_page_cost_does_not_grow_with_the_dossiers(client, dashboard_world, district_chief, city_staff, city,
                                                        district, commune_a, citizen, one_stop_a, justice_a,
                                                        leader_a):  # fmt: skip
    client.force_login(city_staff)

    def queries(unit) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(unit_url(unit)).status_code == 200
        return len(captured)

    before = {unit.pk: queries(unit) for unit in (city, district, commune_a)}
    for channel in (Channel.ONLINE_SELF, Channel.COUNTER) * 3:
        actor = one_stop_a if channel == Channel.COUNTER else citizen
        dossier = filed(dashboard_world["birth"], unit=commune_a, applicant=citizen, channel=channel, actor=actor)
        advance(dossier, Status.PROCESSING, one_stop=one_stop_a, justice=justice_a, leader=leader_a)
    rollups_refresh()
    # Nor with the catalogue: the commune's table by procedure is read grouped by procedure.
    procedure_of("death", days="3")
    procedure_of("birth_3in1")
    assert {unit.pk: queries(unit) for unit in (city, district, commune_a)} == before
    assert max(before.values()) <= 16


def test_the_page_reads_in_english_too(client, dashboard_world, district_chief, district):
    client.force_login(district_chief)
    client.cookies["django_language"] = "en"
    # The middleware leaves English active in this thread; the override puts the default back afterwards.
    with translation.override(settings.LANGUAGE_CODE):
        page = client.get(unit_url(district)).content.decode()
    assert "Online rate under 50 %" in page and "Download CSV" in page and "Headline figures" in page
    # English digits: 66.7 %.
    assert "66.7\xa0%" in page
