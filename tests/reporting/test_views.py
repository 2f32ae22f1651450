"""The dashboards: who may see which unit, the numbers shown against unit_figures and a hand count, the period
form and its navigation, sorting, the lists of units to watch, and a cost that does not grow with the dossiers."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from egov.accounts.models import Role
from egov.units.models import UnitKind, UnitLevel, UnitRollout
from procedures.models import Channel, Status
from reporting.dashboards import same_period_of_year
from reporting.periods import Period
from reporting.selectors import total_of, unit_figures
from reporting.services import rollups_refresh
from tests.factories import REFORM_DAY, REFORM_EVE
from tests.personas import make_user, new_commune, old_unit
from tests.procedures.helpers import advance, procedure_of
from tests.reporting.helpers import filed, number, page_tables, rows_by_label, unit_url
from tests.workcal.conftest import at

DECEMBER = Period("month", date(2024, 12, 1), date(2024, 12, 31))
DECEMBER_2026 = Period("month", date(2026, 12, 1), date(2026, 12, 31))


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
def test_a_district_sees_its_own_district_and_communes_only(client, district_staff, city, district, old_commune_a,
                                                            commune_a, rural_district, old_rural_commune):  # fmt: skip
    """Its communes of before the reform: today's communes (Hồng Hà holds Phúc Xá's records) are the city's."""
    client.force_login(district_staff)
    assert client.get(unit_url(district)).status_code == 200
    assert client.get(unit_url(old_commune_a)).status_code == 200
    for unit in (city, rural_district, old_rural_commune, commune_a):
        assert client.get(unit_url(unit)).status_code == 403, unit
        assert client.get(unit_url(unit, format="xlsx", table="mot-cua")).status_code == 403, unit


@pytest.mark.django_db
def test_city_staff_see_every_unit(client, city_staff, city, district, old_commune_a, commune_a, rural_commune):
    client.force_login(city_staff)
    for unit in (city, district, old_commune_a, commune_a, rural_commune):
        assert client.get(unit_url(unit)).status_code == 200, unit


@pytest.mark.django_db
def test_an_unknown_unit_is_not_found_for_the_city_and_refused_for_a_district(client, city_staff, district_staff):
    client.force_login(city_staff)
    assert client.get(reverse("reporting:unit", args=[999999])).status_code == 404
    client.force_login(district_staff)
    assert client.get(reverse("reporting:unit", args=[999999])).status_code == 403


@pytest.mark.django_db
def test_the_reports_home_opens_the_officers_own_unit(client, clock, district_staff, city_staff, district, city):
    clock.set(at(2024, 12, 12, 9))
    client.force_login(district_staff)
    assert client.get(reverse("reporting:home")).url == unit_url(district)
    clock.set(at(2025, 6, 30, 16))
    client.force_login(district_staff)
    assert client.get(reverse("reporting:home")).url == unit_url(district)
    client.force_login(city_staff)
    assert client.get(reverse("reporting:home")).url == unit_url(city)
    client.force_login(make_user("admin", Role.CITY, is_superuser=True))
    assert client.get(reverse("reporting:home")).url == unit_url(city)


def test_a_district_account_lands_on_its_last_month_and_reads_history_only(client, reform_world, clock,
                                                                          district_staff, district,
                                                                          old_commune_a):  # fmt: skip
    """At the real date: Ba Đình ended on 30/06/2025, its account opens June 2025, its last month, when its communes
    were still below it; every report page says the account reads history only."""
    clock.set(datetime.now(UTC))
    client.force_login(district_staff)
    landing = client.get(reverse("reporting:home")).url
    assert landing == unit_url(district, kind="month", date="01/06/2025")
    response = client.get(landing)
    notice = "Tài khoản của Quận Ba Đình, đơn vị không còn sau ngày 30/06/2025"
    page = response.content.decode()
    assert notice in page and "Quận Ba Đình – Tháng 06/2025" in page
    [part] = response.context["dashboard"].parts
    assert [f.unit.name for f in part.children] == ["Phường Phúc Xá", "Phường Trúc Bạch", "Phường Cống Vị"]
    # c1, received at Trúc Bạch on 30/06 and resolved after the reform by Phường Ba Đình.
    assert (part.total.received, part.total.in_progress) == (1, 2)
    # The current month: no commune below the district any more, its old dossiers only, and the same notice.
    response = client.get(unit_url(district))
    page = response.content.decode()
    assert notice in page and "không còn sau ngày 30/06/2025" in page
    assert response.context["dashboard"].parts == []
    assert response.context["period"].end >= date.today()
    assert notice in client.get(unit_url(old_commune_a)).content.decode()


@pytest.mark.django_db
def test_the_reports_are_read_only(client, district_staff, district):
    client.force_login(district_staff)
    assert client.post(reverse("reporting:home")).status_code == 405
    assert client.post(unit_url(district)).status_code == 405


@pytest.mark.django_db
def test_district_and_city_staff_find_the_reports_in_the_navigation(client, district_staff, one_stop_a):
    client.force_login(district_staff)
    home = client.get(reverse("core:officer-home")).content.decode()
    assert f'href="{reverse("reporting:home")}"' in home
    client.force_login(one_stop_a)
    assert f'href="{reverse("reporting:home")}"' not in client.get(reverse("core:officer-home")).content.decode()


# The numbers


def test_the_district_page_shows_the_hand_count_and_unit_figures(client, dashboard_world, district_staff, district,
                                                                  old_commune_a, old_commune_b, city):  # fmt: skip
    client.force_login(district_staff)
    response = client.get(unit_url(district))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Quận Ba Đình – Tháng 12/2024" in page
    figures = unit_figures(units=[district, old_commune_a, old_commune_b, city], period=DECEMBER)
    dashboard = response.context["dashboard"]
    assert vars(dashboard.figures) == vars(figures[district.pk])
    headline = dashboard.figures
    assert (headline.received, headline.received_online, headline.online_rate) == (4, 2, Decimal("50.0"))
    assert (headline.resolved, headline.on_time_rate, headline.overdue) == (3, Decimal("66.7"), 1)
    [part] = dashboard.parts
    assert part.city.online_rate == Decimal("60.0")
    assert vars(part.total) == vars(figures[district.pk])
    tables = page_tables(response).tables
    summary = rows_by_label(tables["tong-hop"])
    # Received, online, online rate, resolved, on-time rate, overdue, …
    assert summary["Phường Phúc Xá"][:6] == ["3", "2", "66,7\xa0%", "2", "50,0\xa0%", "1"]
    assert summary["Phường Trúc Bạch"][:6] == ["1", "0", "0,0\xa0%", "1", "100,0\xa0%", "0"]
    # A unit without dossiers has no rate: a dash, not 0.
    assert summary["Phường Cống Vị"][:6] == ["0", "0", "—", "0", "—", "0"]
    assert summary["Tổng cộng"][:6] == ["4", "2", "50,0\xa0%", "3", "66,7\xa0%", "1"]
    for label, unit in (
        ("Phường Phúc Xá", old_commune_a),
        ("Phường Trúc Bạch", old_commune_b),
        ("Tổng cộng", district),
    ):
        f = figures[unit.pk]
        shown = [number(text) for text in summary[label][:6]]
        assert shown == [f.received, f.received_online, f.online_rate, f.resolved, f.on_time_rate, f.overdue]
    onestop = rows_by_label(tables["mot-cua"])
    # Carried over, online, direct, post, to handle, early, on time, late, not yet due, overdue, withdrawn,
    # not collected, late rate, on-time rate.
    assert onestop["Phường Phúc Xá"] == ["0", "2", "1", "0", "3", "0", "1", "1", "0", "1", "0", "2", "66,7\xa0%",
                                         "33,3\xa0%"]  # fmt: skip
    assert onestop["Tổng cộng"][4] == "4"


def test_headline_figures_say_which_base_the_online_rate_uses(client, dashboard_world, district_staff, district,
                                                               settings):  # fmt: skip
    client.force_login(district_staff)
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
    late = old_unit("002", "Quận Hoàn Kiếm", UnitKind.URBAN_DISTRICT, UnitLevel.DISTRICT, city)
    UnitRollout.objects.create(unit=late, trial_start=date(2024, 12, 1), official_start=date(2025, 1, 6))
    client.force_login(city_staff)
    response = client.get(unit_url(city))
    [part] = response.context["dashboard"].parts
    assert [f.unit.name for f in part.not_counted] == ["Quận Hoàn Kiếm"]
    assert "Quận Hoàn Kiếm" not in [f.unit.name for f in part.without_dossiers]
    page = response.content.decode()
    listed = page.split("Chưa chính thức triển khai trong kỳ (không tính)</h3>")[1].split("</ul>")[0]
    assert ">Quận Hoàn Kiếm</a>" in listed
    summary = rows_by_label(page_tables(response).tables["tong-hop"])
    assert summary["Quận Hoàn Kiếm"][:3] == ["—", "—", "—"]
    assert summary["Quận Hoàn Kiếm"][-2:] == ["Thử nghiệm", "06/01/2025"]
    assert summary["Tổng cộng"][:3] == ["5", "3", "60,0\xa0%"]
    exported = client.get(unit_url(city, table="tong-hop", format="csv")).content.decode("utf-8-sig")
    row = next(line for line in exported.splitlines() if line.startswith("Quận Hoàn Kiếm"))
    assert row.startswith("Quận Hoàn Kiếm,,,")
    # The page of a month after its official start counts it, with its (zero) figures.
    response = client.get(unit_url(city, kind="month", date="06/01/2025"))
    assert response.context["dashboard"].parts[0].not_counted == []
    assert rows_by_label(page_tables(response).tables["tong-hop"])["Quận Hoàn Kiếm"][:2] == ["0", "0"]


def test_the_commune_page_tables_are_by_procedure(client, dashboard_world, district_staff, old_commune_a, district):
    client.force_login(district_staff)
    response = client.get(unit_url(old_commune_a))
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


def test_the_trend_adds_up_to_the_period(client, dashboard_world, district_staff, district):
    client.force_login(district_staff)
    trend = page_tables(client.get(unit_url(district))).tables["theo-thoi-gian"]
    assert len(trend) == 32  # 31 days and the total
    assert trend[8] == ["Ngày 09/12/2024", "4", "2", "50,0\xa0%", "2", "100,0\xa0%"]  # a1, b1 resolved
    assert trend[9][:5] == ["Ngày 10/12/2024", "0", "0", "—", "1"]
    assert trend[-1][:5] == ["Tổng cộng", "4", "2", "50,0\xa0%", "3"]


# The lists


def test_the_lists_of_units_to_watch(client, dashboard_world, district_staff, district):
    client.force_login(district_staff)
    [dashboard] = client.get(unit_url(district)).context["dashboard"].parts
    names = lambda figures: [f.unit.name for f in figures]  # noqa: E731
    # Against the city's 60,0 % online and 66,7 % on time.
    assert names(dashboard.below_average_online) == ["Phường Trúc Bạch"]
    assert names(dashboard.below_average_on_time) == ["Phường Phúc Xá"]
    assert names(dashboard.under_half) == ["Phường Trúc Bạch"]
    assert names(dashboard.without_dossiers) == ["Phường Cống Vị"]


def test_the_lists_are_on_the_page(client, dashboard_world, district_staff, district):
    client.force_login(district_staff)
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
def test_tables_sort_on_the_server(client, dashboard_world, district_staff, district, sort, direction, order):
    client.force_login(district_staff)
    parsed = page_tables(client.get(unit_url(district, sort=sort, dir=direction)))
    for name in ("tong-hop", "mot-cua"):
        assert [row[0] for row in parsed.tables[name][:-1]] == order
        assert parsed.tables[name][-1][0] == "Tổng cộng"


def test_sorted_headers_say_so_and_link_to_the_other_direction(client, dashboard_world, district_staff, district):
    client.force_login(district_staff)
    headers = page_tables(client.get(unit_url(district, sort="online_rate", dir="asc"))).headers["tong-hop"]
    sorted_ = [h for h in headers if "aria-sort" in h]
    assert [(h["text"], h["aria-sort"]) for h in sorted_] == [("Tỷ lệ trực tuyến", "ascending")]
    page = client.get(unit_url(district, sort="online_rate", dir="asc")).content.decode()
    assert "sort=online_rate&amp;dir=desc#bang-tong-hop" in page
    assert "sort=received&amp;dir=asc#bang-tong-hop" in page


# The period


def test_the_period_comes_from_the_form(client, dashboard_world, district_staff, district):
    client.force_login(district_staff)
    week = client.get(unit_url(district, kind="week", date="11/12/2024")).context["period"]
    assert (week.kind, week.start, week.end) == ("week", date(2024, 12, 9), date(2024, 12, 15))
    custom = client.get(unit_url(district, kind="custom", **{"from": "09/12/2024", "to": "09/12/2024"}))
    assert custom.context["dashboard"].figures.received == 4
    assert "Từ 09/12/2024 đến 09/12/2024" in custom.content.decode()
    other_day = client.get(unit_url(district, kind="day", date="10/12/2024")).context["dashboard"].figures
    assert (other_day.received, other_day.resolved, other_day.carried_over) == (0, 1, 2)  # a2 and a3


def test_a_wrong_period_is_explained_and_the_current_month_shown(client, dashboard_world, district_staff, district):
    client.force_login(district_staff)
    response = client.get(unit_url(district, kind="custom", **{"from": "15/12/2024", "to": "01/12/2024"}))
    assert response.status_code == 200
    assert response.context["period"] == DECEMBER
    assert "Ngày kết thúc phải cùng ngày hoặc sau ngày bắt đầu." in response.content.decode()
    response = client.get(unit_url(district, kind="month", date="31/02/2026"))
    assert "Tháng 2 năm 2026 không có ngày 31." in response.content.decode()


def test_previous_and_next_periods_keep_the_procedure_and_order(client, dashboard_world, district_staff, district):
    client.force_login(district_staff)
    response = client.get(unit_url(district, kind="month", date="01/11/2024", procedure="P-birth", sort="received"))
    context = response.context
    assert context["previous"] == unit_url(district, kind="month", date="01/10/2024", procedure="P-birth",
                                           sort="received")  # fmt: skip
    assert context["next"] == unit_url(district, kind="month", date="01/12/2024", procedure="P-birth", sort="received")
    page = response.content.decode()
    assert "Tháng 10/2024" in page and "Tháng 12/2024" in page
    # No link into a period that has not started.
    page = client.get(unit_url(district)).content.decode()
    assert 'rel="next"' not in page


def test_the_procedure_filter(client, dashboard_world, district_staff, district, old_commune_a):
    client.force_login(district_staff)
    response = client.get(unit_url(district, procedure="P-birth"))
    assert response.context["dashboard"].figures.received == 4
    assert "Thủ tục: Đăng ký khai sinh" in response.content.decode()
    # A commune's rows by procedure lead to the same page for that procedure alone.
    page = client.get(unit_url(old_commune_a)).content.decode()
    assert f'href="{unit_url(old_commune_a, procedure="P-birth")}"' in page
    assert "thu-tuc" not in page_tables(client.get(unit_url(old_commune_a, procedure="P-birth"))).tables
    procedure_of("death", days="3")
    response = client.get(unit_url(district, procedure="P-death"))
    assert response.context["dashboard"].figures.received == 0
    assert response.context["dashboard"].figures.online_rate is None


# Cost


# Queries of a page: the city's and a district's, a commune's (with its table by procedure), and the city's over a
# period across the reform (one read for each part, and one for the whole period). docs/adr/0010.
QUERIES = {"city": 12, "district": 13, "commune": 15, "across": 14}


@pytest.mark.parametrize("era", ["2024", "2026"])
def test_the_page_cost_does_not_grow_with_the_units_procedures_or_dossiers(client, city_staff, city, district,
                                                                          citizen, request, era):  # fmt: skip
    """Before the reform (the city, Ba Đình, Phúc Xá) and after it (the city, Hồng Hà with its predecessor's history,
    the city over June and July 2025); more dossiers, communes and procedures read no more."""
    world = request.getfixturevalue("dashboard_world" if era == "2024" else "dashboard_world_2026")
    officers = world["officers"]["a"] if era == "2024" else request.getfixturevalue("new_officers")["a"]
    commune = request.getfixturevalue("old_commune_a" if era == "2024" else "commune_a")
    pages = {"city": unit_url(city), "commune": unit_url(commune)}
    if era == "2024":
        pages["district"] = unit_url(district)
    else:
        pages["across"] = unit_url(city, kind="custom", **{"from": "01/06/2025", "to": "31/07/2025"})
    client.force_login(city_staff)

    def queries() -> dict[str, int]:
        counts = {}
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts[name] = len(captured)
        return counts

    before = queries()
    assert before == {name: QUERIES[name] for name in pages}
    for channel in (Channel.ONLINE_SELF, Channel.COUNTER) * 3:
        actor = officers["one_stop"] if channel == Channel.COUNTER else citizen
        dossier = filed(world["birth"], unit=commune, applicant=citizen, channel=channel, actor=actor)
        advance(dossier, Status.PROCESSING, **officers)
    rollups_refresh()
    # Nor with the catalogue (the commune's table by procedure is read grouped by procedure), nor with the units.
    procedure_of("death", days="3")
    procedure_of("birth_3in1")
    if era == "2024":
        old_unit("00010", "Phường Điện Biên", UnitKind.WARD, UnitLevel.COMMUNE, district)
    else:
        old = old_unit("00010", "Phường Điện Biên", UnitKind.WARD, UnitLevel.COMMUNE, district)
        new_commune("00011", "Phường Ngọc Hà", UnitKind.WARD, city, holds=[old])
    assert queries() == before


def test_the_page_reads_in_english_too(client, dashboard_world, district_staff, district):
    client.force_login(district_staff)
    client.cookies["django_language"] = "en"
    # The middleware leaves English active in this thread; the override puts the default back afterwards.
    with translation.override(settings.LANGUAGE_CODE):
        page = client.get(unit_url(district)).content.decode()
    assert "Online rate under 50 %" in page and "Download CSV" in page and "Headline figures" in page
    # English digits: 66.7 %.
    assert "66.7\xa0%" in page


# After the reform: the city above today's communes, each with the history of the old communes it holds


def test_the_city_page_of_december_2026_lists_todays_communes(client, dashboard_world_2026, city_staff, city,
                                                               commune_a):  # fmt: skip
    client.force_login(city_staff)
    response = client.get(unit_url(city))
    page = response.content.decode()
    assert "Thành phố Hà Nội – Tháng 12/2026" in page
    dashboard = response.context["dashboard"]
    [part] = dashboard.parts
    assert (part.level, part.whole, part.period) == (UnitLevel.COMMUNE, True, DECEMBER_2026)
    figures = unit_figures(units=[city, commune_a], period=DECEMBER_2026)
    assert vars(dashboard.figures) == vars(figures[city.pk]) == vars(part.total)
    summary = rows_by_label(page_tables(response).tables["tong-hop"])
    assert list(summary) == ["Phường Ba Đình", "Phường Giảng Võ", "Phường Hồng Hà", "Xã Ba Vì", "Tổng cộng"]
    assert summary["Phường Hồng Hà"][:6] == ["3", "2", "66,7\xa0%", "2", "50,0\xa0%", "1"]
    assert summary["Phường Giảng Võ"][:6] == ["0", "0", "—", "0", "—", "0"]
    assert summary["Tổng cộng"][:6] == ["5", "3", "60,0\xa0%", "3", "66,7\xa0%", "2"]
    # The rollout of today's communes is their old districts', inherited through the communes they hold.
    assert summary["Phường Hồng Hà"][-2:] == ["Chính thức", "10/08/2016"]
    assert summary["Xã Ba Vì"][-2:] == ["Chính thức", "15/12/2016"]
    assert "Tỷ lệ nộp trực tuyến theo xã, phường" in page and "theo quận, huyện" not in page
    names = lambda figures: [f.unit.name for f in figures]  # noqa: E731
    assert names(part.below_average_online) == ["Phường Ba Đình"]
    assert names(part.without_dossiers) == ["Phường Giảng Võ"]
    # No notice of a reform inside the period, no district in the breadcrumb.
    assert "Kỳ này có cả thời gian trước và sau" not in page
    assert f'href="{unit_url(commune_a)}"' in page


ACROSS = {"kind": "custom", "from": "01/06/2025", "to": "31/07/2025"}


def additive(figures) -> dict:
    """The additive measures of Figures (what a total row adds up: selectors.total_of)."""
    return {k: v for k, v in vars(total_of([figures], unit=None, period=None)).items() if k not in ("unit", "period")}


def test_a_period_across_the_reform_has_one_part_on_each_side(client, dashboard_world_2026, city_staff, city):
    client.force_login(city_staff)
    response = client.get(unit_url(city, **ACROSS))
    dashboard = response.context["dashboard"]
    before, after = dashboard.parts
    assert (before.period.start, before.period.end, before.level) == (date(2025, 6, 1), REFORM_EVE, "district")
    assert (after.period.start, after.period.end, after.level) == (REFORM_DAY, date(2025, 7, 31), "commune")
    assert not before.whole and not after.whole
    for part in dashboard.parts:
        # Each part's total row is the city over the part's days, and the sum of the part's rows.
        assert vars(part.total) == vars(unit_figures(units=[city], period=part.period)[city.pk])
        assert additive(total_of(part.children, unit=city, period=part.period)) == additive(part.total)
    page = response.content.decode()
    assert "01/06/2025 – 30/06/2025, theo quận, huyện" in page
    assert "01/07/2025 – 31/07/2025, theo xã, phường" in page
    assert "Kỳ này có cả thời gian trước và sau khi sắp xếp đơn vị hành chính" in page
    assert unit_url(city, **ACROSS, current="on").replace("&", "&amp;") in page
    tables = page_tables(response).tables
    assert sorted(tables) == ["mot-cua-1", "mot-cua-2", "theo-thoi-gian", "tong-hop-1", "tong-hop-2"]
    # Carried over, online, direct, post, to handle, early, on time, late, not yet due, overdue, withdrawn, …
    districts = rows_by_label(tables["mot-cua-1"])
    assert list(districts) == ["Quận Ba Đình", "Huyện Ba Vì", "Tổng cộng"]
    assert districts["Quận Ba Đình"][:10] == ["1", "1", "0", "0", "2", "0", "0", "0", "0", "2"]  # a3 | c1
    communes = rows_by_label(tables["mot-cua-2"])
    # c1 of Trúc Bạch, carried over at Phường Ba Đình and resolved late; a3 of Phúc Xá at Hồng Hà, the same;
    # r1 of Minh Quang withdrawn at Xã Ba Vì, which received and resolved c2.
    assert communes["Phường Ba Đình"][:11] == ["1", "0", "0", "0", "1", "0", "0", "1", "0", "0", "0"]
    assert communes["Phường Hồng Hà"][:11] == ["1", "0", "0", "0", "1", "0", "0", "1", "0", "0", "0"]
    assert communes["Xã Ba Vì"][:11] == ["1", "0", "1", "0", "2", "0", "1", "0", "0", "0", "1"]
    assert communes["Tổng cộng"][:5] == ["3", "0", "1", "0", "4"]


def test_a_period_across_the_reform_re_aggregated_onto_todays_communes(client, dashboard_world_2026, city_staff,
                                                                        city):  # fmt: skip
    client.force_login(city_staff)
    response = client.get(unit_url(city, **ACROSS, current="on"))
    dashboard = response.context["dashboard"]
    assert dashboard.reaggregated
    [part] = dashboard.parts
    assert part.whole and part.level == "commune"
    assert additive(total_of(part.children, unit=city, period=part.period)) == additive(dashboard.figures)
    summary = rows_by_label(page_tables(response).tables["mot-cua"])
    assert list(summary) == ["Phường Ba Đình", "Phường Giảng Võ", "Phường Hồng Hà", "Xã Ba Vì", "Tổng cộng"]
    # c1, received at Trúc Bạch on 30/06, counts once, at Phường Ba Đình; a3 and r1 were carried in from before.
    assert summary["Phường Ba Đình"][:8] == ["0", "1", "0", "0", "1", "0", "0", "1"]
    assert summary["Phường Hồng Hà"][:8] == ["1", "0", "0", "0", "1", "0", "0", "1"]
    assert summary["Tổng cộng"][:5] == ["2", "1", "1", "0", "4"]
    page = response.content.decode()
    assert "Cả kỳ được gộp theo xã, phường hiện nay" in page
    assert f'href="{unit_url(city, **ACROSS)}"'.replace("&", "&amp;") in page
    # Re-aggregating asks nothing of a district's page: its communes are those of then.
    assert (
        not client.get(unit_url(city.children.get(code="001"), **ACROSS, current="on"))
        .context["dashboard"]
        .reaggregated
    )


def test_a_commune_of_today_carries_the_history_of_the_communes_it_holds(client, dashboard_world_2026, city_staff,
                                                                          commune_a, old_commune_a):  # fmt: skip
    client.force_login(city_staff)
    response = client.get(unit_url(commune_a, kind="month", date="01/12/2024"))
    shown = response.context["dashboard"].figures
    then = unit_figures(units=[old_commune_a], period=DECEMBER)[old_commune_a.pk]
    assert additive(shown) == additive(then)
    # a3 of Phúc Xá, overdue at the end of December 2024 (Hồng Hà resolved it on 02/07/2025).
    assert (shown.received, shown.resolved, shown.overdue) == (3, 2, 1)
    page = response.content.decode()
    assert (
        "Số liệu trước ngày 01/07/2025 gộp từ đơn vị cũ nay do Phường Hồng Hà giữ hồ sơ: Phường Phúc Xá (Quận Ba Đình)."
        in " ".join(page.split())
    )
    # Its page of today shows no such notice.
    assert "gộp từ đơn vị cũ" not in client.get(unit_url(commune_a)).content.decode()


def test_a_commune_compares_its_month_with_the_same_month_of_an_earlier_year(client, dashboard_world_2026,
                                                                             city_staff, commune_a,
                                                                             old_commune_a):  # fmt: skip
    client.force_login(city_staff)
    response = client.get(unit_url(commune_a, compare="2024"))
    dashboard = response.context["dashboard"]
    assert dashboard.compared.period == DECEMBER
    then = unit_figures(units=[old_commune_a], period=DECEMBER)[old_commune_a.pk]
    assert additive(dashboard.compared) == additive(then)
    page = " ".join(response.content.decode().split())
    assert "So sánh với cùng kỳ: Tháng 12/2024" in page
    assert re.search(r"Hồ sơ tiếp nhận</th><td[^>]*>3</td><td[^>]*>3</td>", page)
    assert "Số liệu cùng kỳ trước ngày sắp xếp là của các đơn vị cũ nay do đơn vị này giữ hồ sơ" in page
    # The same year, or none: no comparison.
    assert client.get(unit_url(commune_a, compare="2026")).context["dashboard"].compared is None
    assert "So sánh với cùng kỳ:" not in client.get(unit_url(commune_a)).content.decode()


@pytest.mark.parametrize(
    ("period", "year", "expected"),
    [
        (Period("month", date(2026, 11, 1), date(2026, 11, 30)), 2024, (date(2024, 11, 1), date(2024, 11, 30))),
        (Period("week", date(2026, 11, 30), date(2026, 12, 6)), 2024, (date(2024, 12, 2), date(2024, 12, 8))),
        (Period("week", date(2026, 12, 28), date(2027, 1, 3)), 2025, (date(2025, 12, 22), date(2025, 12, 28))),
        (Period("custom", date(2024, 2, 29), date(2024, 3, 5)), 2025, (date(2025, 2, 28), date(2025, 3, 5))),
    ],
)
def test_the_same_period_of_another_year(period, year, expected):
    """A week is the week of the same number (the last one when that year has no week 53)."""
    other = same_period_of_year(period, year)
    assert (other.kind, other.start, other.end) == (period.kind, *expected)


def test_only_the_city_page_offers_to_re_aggregate(client, dashboard_world_2026, city_staff, city, commune_a):
    client.force_login(city_staff)
    assert 'name="current"' in client.get(unit_url(city)).content.decode()
    page = client.get(unit_url(commune_a, current="on")).content.decode()
    assert 'name="current"' not in page and 'name="compare"' in page
