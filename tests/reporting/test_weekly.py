"""The weekly PDF report: a real week walked through the services, the PDF read back, kept once per week, e-mailed
to the city staff, written by the Monday beat task, and downloaded by city and district staff only."""

import re
import subprocess
import tempfile
from datetime import date
from decimal import Decimal

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from egov.accounts.models import Role
from egov.units.models import UnitKind, UnitLevel
from procedures.models import Channel, Procedure, Status
from reporting import tasks
from reporting.models import DirtyDossier, WeeklyReport
from reporting.periods import period_of
from reporting.selectors import unit_figures
from reporting.services import rollups_refresh
from reporting.weekly.delivery import weekly_report_generate
from reporting.weekly.figures import count, percent, week_before, weekly_data
from tests.personas import make_user, old_unit
from tests.procedures.helpers import advance, procedure_of
from tests.procedures.pdfs import pdf_tool
from tests.reporting.helpers import filed
from tests.workcal.conftest import at

WEEK = period_of("week", date(2024, 12, 2))  # Monday 02/12 to Sunday 08/12/2024, ISO week 49, before the reform
TITLE = "Tuần 49/2024 (02/12 – 08/12/2024)"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REPORTING_WEEKLY_EXTRA_RECIPIENTS = ["giamdoc@example.vn"]


@pytest.fixture
def staff(city, district, rural_district):
    return {
        "city": make_user("thanhpho", Role.CITY, city, email="thanhpho@example.vn"),
        "city_no_mail": make_user("thanhpho2", Role.CITY, city),
        "city_gone": make_user("thanhpho3", Role.CITY, city, email="cu@example.vn", is_active=False),
        "district": make_user("quan", Role.DISTRICT, district, email="quan@example.vn"),
    }


@pytest.fixture
def week(rollout, clock, citizen, district, old_commune_a, old_commune_b, old_rural_commune, old_commune_officers):
    """Before the reform, at the communes of then and by their officers: Ba Đình (official since 2016), Ba Vì (no
    rollout: not counted):

    - the week before: one online birth at Phúc Xá, received and resolved on Tuesday 26/11/2024;
    - the week: at Phúc Xá an online birth (Tue 03/12, resolved that hour) and a paper one (Wed 04/12, resolved
      the next day, late); at Trúc Bạch an online birth received Thu 05/12 and still waiting on Sunday (overdue);
      a third commune of Ba Đình has none; Ba Vì's dossier is not counted.
    """
    old_unit("00006", "Phường Vĩnh Phúc", UnitKind.WARD, UnitLevel.COMMUNE, district)
    officers = old_commune_officers["a"]
    one_stop_a = officers["one_stop"]
    birth = procedure_of("birth")
    clock.set(at(2024, 11, 26, 9))
    d0 = advance(filed(birth, unit=old_commune_a, applicant=citizen), Status.RECEIVED, **officers)
    clock.set(at(2024, 11, 26, 10))
    _finish(d0, **officers)

    clock.set(at(2024, 12, 3, 9))
    d1 = advance(filed(birth, unit=old_commune_a, applicant=citizen), Status.RECEIVED, **officers)
    clock.set(at(2024, 12, 3, 10))
    _finish(d1, **officers)
    clock.set(at(2024, 12, 4, 9))
    d2 = filed(birth, unit=old_commune_a, applicant=citizen, channel=Channel.COUNTER, actor=one_stop_a)
    d2 = advance(d2, Status.RECEIVED, **officers)
    clock.set(at(2024, 12, 5, 9))
    _finish(d2, **officers)
    filed(birth, unit=old_rural_commune, applicant=citizen)
    from procedures.services import dossier_receive

    dossier_receive(
        dossier=filed(birth, unit=old_commune_b, applicant=citizen), officer=old_commune_officers["b"]["one_stop"]
    )
    rollups_refresh()
    clock.set(at(2024, 12, 9, 6))  # Monday morning, when beat runs
    return WEEK


def _finish(dossier, *, one_stop, justice, leader):
    """Process and sign a received dossier: its result is ready."""
    from procedures import services

    dossier = services.dossier_start(dossier=dossier, officer=justice)
    dossier = services.dossier_propose(dossier=dossier, officer=justice)
    dossier = services.dossier_approve(dossier=dossier, leader=leader)
    return services.dossier_settle(dossier=dossier)


# --- reading the PDF back --------------------------------------------------------------------------------------


def pdf_layout_text(pdf: bytes) -> str:
    """The text as laid out on the pages (table rows on one line), non-breaking spaces as spaces."""
    result = subprocess.run(
        [pdf_tool("pdftotext", "poppler-utils"), "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode().replace("\xa0", " ")


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_fonts(pdf: bytes) -> list[list[str]]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        result = subprocess.run([pdf_tool("pdffonts", "poppler-utils"), file.name], capture_output=True, check=True)
    return [line.split() for line in result.stdout.decode().splitlines()[2:]]


def row(text: str, *cells: str) -> bool:
    """Whether one line of the layout text holds these cells in this order."""
    pattern = r"\s+".join(re.escape(cell) for cell in cells)
    return any(re.search(pattern, line) for line in text.splitlines())


def content(report: WeeklyReport) -> bytes:
    with report.pdf.open("rb") as file:
        return file.read()


def generated(capture) -> WeeklyReport:
    with capture(execute=True):
        return weekly_report_generate()


# --- the report --------------------------------------------------------------------------------------------------


def test_the_week_is_the_one_before(clock):
    assert week_before(date(2024, 12, 9)) == WEEK
    assert week_before(date(2024, 12, 8)) == period_of("week", date(2024, 11, 25))


def test_the_pdf_prints_the_weeks_figures(week, city, district, rural_district, django_capture_on_commit_callbacks):
    report = generated(django_capture_on_commit_callbacks)

    assert report.week_start == date(2024, 12, 2)
    pdf = content(report)
    text = pdf_layout_text(pdf)
    words = flat(text)
    assert row(text, "UBND THÀNH PHỐ HÀ NỘI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert row(text, "SỞ THÔNG TIN", "Độc lập - Tự do - Hạnh phúc")
    assert "VÀ TRUYỀN THÔNG" in text
    assert "Hà Nội, ngày 09 tháng 12 năm 2024" in words
    assert "BÁO CÁO" in words
    assert "Tình hình tiếp nhận, giải quyết hồ sơ hộ tịch trực tuyến" in words
    assert TITLE in words
    # The figures are unit_figures' own, counted here by hand as well.
    figures = unit_figures(units=[city, district], period=week)
    total, ba_dinh = figures[city.pk], figures[district.pk]
    assert (total.received, total.received_online, total.resolved, total.overdue) == (3, 2, 2, 1)
    assert (total.online_rate, total.on_time_rate) == (ba_dinh.online_rate, ba_dinh.on_time_rate)
    summary = (
        f"tiếp nhận 3 hồ sơ hộ tịch, trong đó 2 hồ sơ nộp trực tuyến (tỷ lệ {percent(total.online_rate)}); "
        f"đã giải quyết 2 hồ sơ, tỷ lệ đúng hạn {percent(total.on_time_rate)}; cuối tuần còn 1 hồ sơ đang giải "
        "quyết quá hạn"
    )
    assert summary.replace("\xa0", " ") in words
    assert "Trong tuần, các xã, phường, thị trấn của thành phố tiếp nhận 3" in words
    assert (percent(total.online_rate), percent(total.on_time_rate)) == ("66,7\xa0%", "50,0\xa0%")
    # The headline table against the week before (one dossier received, one resolved on time).
    assert row(text, "Hồ sơ tiếp nhận", "3", "1", "+2")
    assert row(text, "Tỷ lệ trực tuyến", "66,7 %", "100,0 %", "−33,3 điểm %")
    average = ba_dinh.average_processing_days
    assert row(text, "Quận Ba Đình", "3", "66,7 %", "2", "50,0 %", "1", f"{average}".replace(".", ","))
    assert row(text, "Huyện Ba Vì (*)", "—", "—")
    assert row(text, "Toàn thành phố", "3", "66,7 %", "2", "50,0 %", "1")
    # The one-stop table: carried over, online, direct, post, to handle, early, on time, late, not yet due,
    # overdue, withdrawn, not collected, late rate, on-time rate.
    assert row(text, "Toàn thành phố", "0", "2", "1", "0", "3", "0", "1", "1", "0", "1", "0", "3", "66,7 %", "33,3 %")
    assert (total.late_rate, total.table_on_time_rate) == (Decimal("66.7"), Decimal("33.3"))
    # The lists.
    assert "Chưa chính thức triển khai (không tính) (1 đơn vị): Huyện Ba Vì" in words
    assert "Phường Vĩnh Phúc" in words  # a commune without dossiers, by name in the second appendix
    assert "Có tỷ lệ trực tuyến dưới 50 %: không có" in words


def test_the_pdf_embeds_its_only_font(week, django_capture_on_commit_callbacks):
    pdf = content(generated(django_capture_on_commit_callbacks))
    fonts = pdf_fonts(pdf)
    assert fonts and all(font[0].endswith(("NotoSerif-Regular", "NotoSerif-Italic")) for font in fonts)
    assert all(font[-5] == "yes" for font in fonts)  # embedded


def test_regenerating_the_week_replaces_its_file(week, django_capture_on_commit_callbacks, mailoutbox):
    first = generated(django_capture_on_commit_callbacks)
    old_name = first.pdf.name
    second = generated(django_capture_on_commit_callbacks)

    assert WeeklyReport.objects.count() == 1
    assert second.pk == first.pk
    assert not first.pdf.storage.exists(old_name)
    assert second.pdf.storage.exists(second.pdf.name)
    assert mailoutbox[-1].subject.startswith("[Cập nhật] Báo cáo tuần 49/2024")


def test_it_is_mailed_to_the_city_staff_with_the_pdf(week, staff, django_capture_on_commit_callbacks, mailoutbox):
    report = generated(django_capture_on_commit_callbacks)

    assert sorted(mail.to[0] for mail in mailoutbox) == ["giamdoc@example.vn", "thanhpho@example.vn"]
    mail = mailoutbox[0]
    assert mail.subject == (
        "Báo cáo tuần 49/2024 (02/12 – 08/12/2024): tình hình tiếp nhận, giải quyết hồ sơ hộ tịch trực tuyến"
    )
    assert "tiếp nhận 3 hồ sơ, tỷ lệ trực tuyến 66,7\xa0%" in mail.body
    assert reverse("weekly_reports:list") in mail.body
    [attachment] = mail.attachments
    assert (attachment.filename, attachment.mimetype) == ("bao-cao-tuan-2024-49.pdf", "application/pdf")
    assert attachment.content == content(report)


def test_nothing_is_mailed_when_the_transaction_rolls_back(week, staff, mailoutbox):
    weekly_report_generate()  # the test's transaction never commits
    assert mailoutbox == []


def test_a_quiet_week_still_has_its_report(
    rollout, clock, city, district, commune_a, django_capture_on_commit_callbacks
):
    clock.set(at(2026, 12, 7, 6))
    text = flat(pdf_layout_text(content(generated(django_capture_on_commit_callbacks))))
    assert "không tiếp nhận và không giải quyết hồ sơ nào" in text
    assert "Không có hồ sơ tiếp nhận trong tuần" in text


# --- the beat task -----------------------------------------------------------------------------------------------


def test_the_task_refreshes_the_rollups_first(
    week, settings, citizen, old_commune_a, old_commune_officers, clock, mailoutbox
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    clock.set(at(2024, 12, 6, 9))
    from procedures.services import dossier_receive

    birth = Procedure.objects.get(code="P-birth")
    officer = old_commune_officers["a"]["one_stop"]
    dossier_receive(dossier=filed(birth, unit=old_commune_a, applicant=citizen), officer=officer)
    assert DirtyDossier.objects.exists()
    clock.set(at(2024, 12, 9, 6))

    tasks.weekly_report.delay()

    assert not DirtyDossier.objects.exists()
    report = WeeklyReport.objects.get()
    assert "tiếp nhận 4 hồ sơ hộ tịch" in flat(pdf_layout_text(content(report)))


def test_the_task_writes_a_given_week(week, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    tasks.weekly_report.delay("2024-11-25")
    assert WeeklyReport.objects.get().week_start == date(2024, 11, 25)


def test_beat_runs_it_every_monday_at_six_in_hanoi():
    entry = django_settings.CELERY_BEAT_SCHEDULE["reporting-weekly"]
    assert entry["task"] == "reporting.tasks.weekly_report" == tasks.weekly_report.name
    assert entry["schedule"] == crontab(minute=0, hour=6, day_of_week="mon")
    assert django_settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"


# --- the download page -------------------------------------------------------------------------------------------

LIST = reverse("weekly_reports:list")
PDF_URL = reverse("weekly_reports:pdf", kwargs={"week_start": "2024-12-02"})


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def kept(week, django_capture_on_commit_callbacks):
    return generated(django_capture_on_commit_callbacks)


def test_the_pages_need_a_login(kept):
    for url in (LIST, PDF_URL):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_city_and_district_staff_list_and_download(kept, staff):
    for user in (staff["city"], staff["district"]):
        client = client_of(user)
        page = client.get(LIST)
        assert page.status_code == 200
        assert TITLE in page.content.decode()
        assert PDF_URL in page.content.decode()
        response = client.get(PDF_URL)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="bao-cao-tuan-2024-49.pdf"'
        assert b"".join(response.streaming_content) == content(kept)


def test_other_roles_are_refused(kept, citizen, old_commune_officers):
    for user in (citizen, old_commune_officers["a"]["one_stop"], old_commune_officers["a"]["leader"]):
        client = client_of(user)
        assert client.get(LIST).status_code == 403
        assert client.get(PDF_URL).status_code == 403


def test_a_week_without_a_report_is_not_found(kept, staff):
    client = client_of(staff["city"])
    assert client.get(reverse("weekly_reports:pdf", kwargs={"week_start": "2024-11-25"})).status_code == 404
    assert client.get(reverse("weekly_reports:pdf", kwargs={"week_start": "2026-02-31"})).status_code == 404
    assert client.get(reverse("weekly_reports:pdf", kwargs={"week_start": "tuan-truoc"})).status_code == 404


def test_the_pages_are_read_only(kept, staff):
    client = client_of(staff["city"])
    assert client.post(LIST).status_code == 405
    assert client.post(PDF_URL).status_code == 405


def test_an_empty_list_says_when_the_first_report_comes(staff):
    page = client_of(staff["district"]).get(LIST)
    assert "Chưa có báo cáo tuần nào" in page.content.decode()


# --- after the reform: today's communes ------------------------------------------------------------------------

WEEK_2026 = period_of("week", date(2026, 11, 30))  # Monday 30/11 to Sunday 06/12/2026, ISO week 49


@pytest.fixture
def week_2026(rollout, clock, citizen, commune_a, commune_b, rural_commune, quiet, new_officers):
    """The same week two years on, at today's communes directly under the city and by today's officers: at Hồng Hà
    an online birth (Tue 01/12, resolved that hour) and a paper one (Wed 02/12, resolved the next day, late); at
    Phường Ba Đình an online birth received Thu 03/12, still waiting (overdue); Giảng Võ has none; Xã Ba Vì (no
    rollout among its predecessors: not counted) one."""
    officers = new_officers["a"]
    birth = procedure_of("birth")
    clock.set(at(2026, 12, 1, 9))
    d1 = advance(filed(birth, unit=commune_a, applicant=citizen), Status.RECEIVED, **officers)
    clock.set(at(2026, 12, 1, 10))
    _finish(d1, **officers)
    clock.set(at(2026, 12, 2, 9))
    d2 = filed(birth, unit=commune_a, applicant=citizen, channel=Channel.COUNTER, actor=officers["one_stop"])
    d2 = advance(d2, Status.RECEIVED, **officers)
    clock.set(at(2026, 12, 3, 9))
    _finish(d2, **officers)
    filed(birth, unit=rural_commune, applicant=citizen)
    from procedures.services import dossier_receive

    dossier_receive(dossier=filed(birth, unit=commune_b, applicant=citizen), officer=new_officers["b"]["one_stop"])
    rollups_refresh()
    clock.set(at(2026, 12, 7, 6))
    return WEEK_2026


def test_after_the_reform_the_report_ranks_the_communes(week_2026, city, commune_a, commune_b, quiet,
                                                        rural_commune, django_capture_on_commit_callbacks):  # fmt: skip
    report = generated(django_capture_on_commit_callbacks)
    assert report.week_start == date(2026, 11, 30)
    text = pdf_layout_text(content(report))
    words = flat(text)
    data = weekly_data(week=WEEK_2026)
    assert data.by_commune and not data.reaggregated
    assert [line.unit for line in data.units] == [commune_b, quiet, commune_a, rural_commune]
    figures = unit_figures(units=[city, commune_a, commune_b], period=WEEK_2026)
    assert vars(data.current) == vars(figures[city.pk])
    assert "II. KẾT QUẢ THEO XÃ, PHƯỜNG" in words and "QUẬN, HUYỆN, THỊ XÃ" not in words
    # No thị trấn is left since the reform.
    assert "Trong tuần, các xã, phường của thành phố tiếp nhận 3 hồ sơ hộ tịch" in words
    # Ranked by online rate: Ba Đình 100 % (1 online of 1), Hồng Hà 50 %; Giảng Võ without dossiers and Xã Ba Vì
    # not counted, unranked, last.
    ba_dinh, hong_ha = figures[commune_b.pk], figures[commune_a.pk]
    assert (ba_dinh.online_rate, hong_ha.online_rate) == (Decimal("100.0"), Decimal("50.0"))
    assert row(text, "Hạng", "Xã, phường", "trực", "đúng", "Hạng", "Xã, phường")
    assert row(text, "1", "Phường Ba Đình", "1", "100,0 %", "—", "1")
    assert row(text, "2", "Phường Hồng Hà", "2", "50,0 %", "50,0 %", "0")
    assert row(text, "Phường Giảng Võ", "0", "—", "—", "0")
    assert row(text, "Xã Ba Vì (*)", "—", "—", "—", "—")
    assert row(text, "Toàn thành phố", "3", "66,7 %", "50,0 %", "1")
    assert "xã, phường có tỷ lệ trực tuyến thấp nhất trong tuần (trong số 2 có hồ sơ)" in words
    # The lists name the communes; there is no second appendix of communes by district.
    assert "Có tỷ lệ trực tuyến dưới 50 %: không có" in words
    assert "Không có hồ sơ trong tuần (1 đơn vị): Phường Giảng Võ" in words
    assert "Chưa chính thức triển khai (không tính) (1 đơn vị): Xã Ba Vì" in words
    assert "PHỤ LỤC 2" not in words and "Phụ lục 2" not in words
    # The one-stop table, by commune.
    assert row(text, "Phường Hồng Hà", "0", "1", "1", "0", "2", "0", "1", "1", "0", "0", "0", "2", "50,0 %", "50,0 %")
    assert "- UBND các xã, phường;" in words and "từng xã, phường (theo quận, huyện trước đây)" in words


def test_the_pdf_agrees_with_the_dashboard_the_export_and_report_rates(week_2026, city, city_staff, client,
                                                                       django_capture_on_commit_callbacks):  # fmt: skip
    """One week, four readers of unit_figures: the dashboard's page and CSV, report_rates and the PDF."""
    import csv as csv_module
    import io

    from django.core.management import call_command

    from tests.reporting.helpers import rows_by_label, unit_url

    data = weekly_data(week=WEEK_2026)
    client.force_login(city_staff)
    params = {"kind": "week", "date": "30/11/2026"}
    dashboard = client.get(unit_url(city, **params)).context["dashboard"]
    assert vars(dashboard.figures) == vars(data.current)
    for child, line in zip(dashboard.parts[0].children, data.units, strict=True):
        assert vars(child) | {"extra": {}} == vars(line.figures)
    exported = client.get(unit_url(city, **params, format="csv", table="mot-cua"))
    rows = rows_by_label(list(csv_module.reader(io.StringIO(exported.content.decode("utf-8-sig"))))[1:])
    out = io.StringIO()
    call_command("report_rates", "--level", "commune", "--from", "30/11/2026", "--to", "06/12/2026", stdout=out)
    printed = {row["name"]: row for row in csv_module.DictReader(io.StringIO(out.getvalue()))}
    text = pdf_layout_text(content(generated(django_capture_on_commit_callbacks)))
    for line in data.units:
        name, f = line.unit.name, line.figures
        received = "" if not f.counted else str(f.received)
        assert rows[name][4] == ("" if not f.counted else str(f.to_handle))
        assert printed[name]["received"] == received
        if f.counted:
            assert row(text, name, count(f.received), percent(f.online_rate).replace("\xa0", " "))


def test_a_week_across_the_reform_is_reported_on_todays_communes(reform_world, city, commune_a, commune_b,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    """Week 27/2025, Monday 30/06 (the districts' last day) to Sunday 06/07: one table of today's communes over the
    whole week, each with the history of the communes it holds, said in a note; the city's total is theirs."""
    from reporting.selectors import total_of

    week = period_of("week", date(2025, 6, 30))
    with django_capture_on_commit_callbacks(execute=True):
        report = weekly_report_generate(week_start=week.start)
    data = weekly_data(week=week)
    assert data.by_commune and data.reaggregated
    total = total_of([line.figures for line in data.units], unit=city, period=week)
    assert (total.received, total.resolved, total.carried_over) == (
        data.current.received,
        data.current.resolved,
        data.current.carried_over,
    )
    # c1, received at Trúc Bạch on Monday 30/06, counts at Phường Ba Đình, which holds its records.
    ba_dinh = next(line.figures for line in data.units if line.unit == commune_b)
    assert (ba_dinh.received, ba_dinh.resolved_late) == (1, 1)
    words = flat(pdf_layout_text(content(report)))
    assert "Tuần này có ngày trước ngày 01/07/2025 (sắp xếp đơn vị hành chính): số liệu cả tuần được tính" in words
    assert "II. KẾT QUẢ THEO XÃ, PHƯỜNG" in words and "Phường Hồng Hà" in words and "Quận Ba Đình" not in words
