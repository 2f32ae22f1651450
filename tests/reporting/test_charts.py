"""The charts: inline SVG with a title and a description in words, no script or outside file; the trend's steps
read in one query add up to what unit_figures gives for each step."""

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov.units.selectors import holders
from reporting.charts import channel_mix, dashboard_charts, rate_bars, trend_bars
from reporting.dashboards import unit_trend
from reporting.periods import Period
from reporting.selectors import Figures, unit_figures
from tests.csp import blocked_by_csp
from tests.reporting.helpers import unit_url

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    labelled = root.get("aria-labelledby").split()
    assert [root.find(f"{SVG}title").get("id"), root.find(f"{SVG}desc").get("id")] == labelled
    return root


def texts(root: ElementTree.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_rate_bars_name_every_unit_with_its_rate_and_the_average():
    svg = rate_bars(
        chart_id="c",
        title="Tỷ lệ nộp trực tuyến theo xã, phường",
        items=[("Phường Phúc Xá", Decimal("66.7")), ("Phường <Trúc> Bạch", Decimal("0.0")), ("Phường Cống Vị", None)],
        reference=Decimal("60.0"),
        reference_label="Bình quân thành phố",
    )
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Tỷ lệ nộp trực tuyến theo xã, phường"
    assert root.find(f"{SVG}desc").text == (
        "Phường Phúc Xá: 66,7\xa0%; Phường <Trúc> Bạch: 0,0\xa0%; Phường Cống Vị: chưa có hồ sơ. "
        "Bình quân thành phố: 60,0\xa0%."
    )
    assert "<Trúc>" not in svg  # escaped
    shown = texts(root)
    assert "Phường Phúc Xá" in shown and "66,7\xa0%" in shown and "—" in shown
    assert "Bình quân thành phố: 60,0\xa0%" in " ".join(t for t in shown if t)
    bars = [r for r in root.iter(f"{SVG}rect")]
    assert [b.get("width") for b in bars] == ["66.7"]  # 0 % and no dossiers draw no bar


def test_trend_bars_stack_the_online_dossiers_under_the_others():
    steps = [Period("day", date(2026, 12, d), date(2026, 12, d)) for d in (7, 8, 9)]
    trend = [
        Figures(unit=None, period=steps[0], received_online_self=3, received_counter=1),
        Figures(unit=None, period=steps[1]),
        Figures(unit=None, period=steps[2], received_counter=2),
    ]
    root = parse(trend_bars(chart_id="t", title="Hồ sơ tiếp nhận theo thời gian", trend=trend))
    assert root.find(f"{SVG}desc").text == (
        "6 hồ sơ tiếp nhận trong 3 kỳ, trong đó 3 nộp trực tuyến; nhiều nhất Ngày 07/12/2026 với 4 hồ sơ."
    )
    assert [t for t in texts(root) if t and re.fullmatch(r"\d\d/\d\d", t)] == ["07/12", "08/12", "09/12"]
    assert "Nộp trực tuyến" in texts(root)


def test_an_empty_trend_says_so():
    step = Period("day", date(2026, 12, 7), date(2026, 12, 7))
    root = parse(trend_bars(chart_id="t", title="x", trend=[Figures(unit=None, period=step)]))
    assert root.find(f"{SVG}desc").text == "Không có hồ sơ tiếp nhận trong kỳ."


def test_the_channel_mix_gives_counts_and_shares():
    figures = Figures(unit=None, period=None, received_online_self=2, received_online_assisted=1, received_counter=1)
    root = parse(channel_mix(chart_id="m", title="Hồ sơ tiếp nhận theo hình thức nộp", figures=figures))
    assert "Trực tuyến – công dân tự nộp: 2 (50,0\xa0%)" in texts(root)
    assert "Qua bưu chính: 0 (0,0\xa0%)" in texts(root)


@pytest.mark.parametrize(
    ("unit_name", "period"),
    [
        ("district", Period("month", date(2024, 12, 1), date(2024, 12, 31))),  # days
        ("district", Period("quarter", date(2024, 10, 1), date(2024, 12, 31))),  # weeks, the first one cut at 01/10
        ("district", Period("year", date(2024, 1, 1), date(2024, 12, 31))),  # months
        ("district", Period("custom", date(2024, 11, 20), date(2025, 2, 10))),  # weeks across a year
        ("district", Period("custom", date(2024, 6, 15), date(2024, 12, 9))),  # months cut at both ends
        # Today's commune, its predecessor's history included: across the reform, and the years since 2024.
        ("commune_a", Period("custom", date(2025, 6, 1), date(2025, 7, 31))),
        ("commune_a", Period("custom", date(2024, 12, 1), date(2026, 12, 31))),
        ("city", Period("quarter", date(2025, 7, 1), date(2025, 9, 30))),
    ],
)
def test_the_trend_read_in_one_query_equals_unit_figures_step_by_step(dashboard_world_2026, request, unit_name,
                                                                      period):  # fmt: skip
    unit = request.getfixturevalue(unit_name)
    links = holders()
    with CaptureQueriesContext(connection) as captured:
        trend = unit_trend(unit=unit, period=period, links=links)
    assert len(captured) == 1
    assert [f.period for f in trend] == period.steps()
    for figures in trend:
        expected = unit_figures(units=[unit], period=figures.period)[unit.pk]
        assert (figures.received, figures.received_online, figures.resolved, figures.on_time_rate) == (
            expected.received,
            expected.received_online,
            expected.resolved,
            expected.on_time_rate,
        ), figures.period
    assert sum(f.received for f in trend) == unit_figures(units=[unit], period=period)[unit.pk].received
    assert sum(f.received + f.resolved for f in trend) > 0  # the period is not empty


def test_the_page_loads_no_script_and_nothing_from_elsewhere(client, dashboard_world, city_staff, city):
    client.force_login(city_staff)
    page = client.get(unit_url(city)).content.decode()
    assert "<script" not in page
    assert page.count("<svg") >= 3
    outside = re.findall(r'(?:src|href)="(https?:)?//[^"]*"', page)
    assert not outside


def test_the_page_and_its_charts_hold_nothing_the_content_security_policy_blocks(
    client, dashboard_world, city_staff, city
):
    client.force_login(city_staff)
    response = client.get(unit_url(city))
    assert "Content-Security-Policy" in response.headers
    page = response.content.decode()
    assert page.count("<svg") >= 3
    assert blocked_by_csp(page) == []


def test_a_period_across_the_reform_has_a_rates_chart_for_each_part(client, dashboard_world_2026, city_staff, city):
    client.force_login(city_staff)
    response = client.get(unit_url(city, kind="custom", **{"from": "01/06/2025", "to": "31/07/2025"}))
    charts = response.context["charts"]
    districts, communes = parse(charts["rates-1"]), parse(charts["rates-2"])
    assert districts.find(f"{SVG}title").text == "Tỷ lệ nộp trực tuyến theo quận, huyện (01/06/2025 – 30/06/2025)"
    assert communes.find(f"{SVG}title").text == "Tỷ lệ nộp trực tuyến theo xã, phường (01/07/2025 – 31/07/2025)"
    # Ranked, highest first: Trúc Bạch's c1 (online) made Ba Đình's June; Xã Ba Vì's July came on paper.
    assert texts(districts)[:1] == ["Quận Ba Đình"] and "Xã Ba Vì" in texts(communes)
    # Every unit is drawn: no note under the heading.
    assert charts["rates-1-note"] == charts["rates-2-note"] == ""


def test_a_rates_chart_of_many_communes_shows_those_furthest_behind():
    """Today's 126 communes: the 20 lowest rates, highest of them first; the title says how many of how many."""
    from reporting.dashboards import ChildPart, Dashboard

    period = Period("month", date(2026, 11, 1), date(2026, 11, 30))
    units = [SimpleNamespace(pk=n, name=f"Phường {n:03d}") for n in range(126)]
    children = [
        Figures(unit=unit, period=period, received_online_self=n % 100, received_counter=100 - n % 100)
        for n, unit in enumerate(units[:120])
    ] + [Figures(unit=unit, period=period) for unit in units[120:]]
    part = ChildPart(period=period, level="commune", children=children, city=None, total=children[0], whole=True)
    dashboard = Dashboard(unit=None, period=period, procedure=None, figures=children[0], parts=[part], procedures=[],
                          trend=[], rollout=None, ancestors=[])  # fmt: skip
    charts = dashboard_charts(dashboard, reference_label="Bình quân thành phố")
    root = parse(charts["rates-1"])
    assert root.find(f"{SVG}title").text == "Tỷ lệ nộp trực tuyến: 20 xã, phường thấp nhất trong 120 có hồ sơ"
    # The page says it in words under the heading too.
    assert charts["rates-1-note"] == root.find(f"{SVG}title").text
    bars = [float(bar.get("width")) for bar in root.iter(f"{SVG}rect")]
    # Rates 0 to 9 %, each twice (n % 100 over 120 communes); 0 % draws no bar.
    assert bars == [9.0, 9.0, 8.0, 8.0, 7.0, 7.0, 6.0, 6.0, 5.0, 5.0, 4.0, 4.0, 3.0, 3.0, 2.0, 2.0, 1.0, 1.0]
