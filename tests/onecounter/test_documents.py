"""Printed documents: each renders in its state with Vietnamese intact, the font embedded and a QR code that
reads back as the verification address, issued by the unit that held the dossier on the document's date (today's
commune under the city, or before the 2025 reform the old commune under its district); the download view's access
rules; the public verification page."""

import datetime
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from egov.core import pdf
from egov.workcal.calendar import get_calendar
from onecounter.documents import (
    KINDS,
    DocumentNotIssued,
    available_documents,
    layout,
    mask_name,
    render_document,
    verification_url,
)
from procedures.models import Channel, DossierAccess, Status
from procedures.services import (
    dossier_apologize,
    dossier_approve,
    dossier_deliver,
    dossier_propose,
    dossier_receive,
    dossier_refuse,
    dossier_reject,
    dossier_request_supplement,
    dossier_settle,
    dossier_start,
)
from tests.dossiers import BEFORE_REFORM, REFORM_EVE_MORNING
from tests.procedures.helpers import filed, procedure_of
from tests.procedures.pdfs import pdf_tool

pytestmark = pytest.mark.django_db

SUPPLEMENT_REASON = "Bổ sung bản chụp rõ nét giấy chứng sinh, đủ bốn góc."
REFUSAL_REASON = "Người yêu cầu không cư trú tại phường Phúc Xá."
REJECTION_REASON = "Giấy chứng sinh không khớp với sổ của bệnh viện."
APOLOGY_REASON = "Chờ xác minh nơi cư trú của người mẹ."


# --- dossiers in every state, walked through the real services -------------------------------------------------


def registered(dossier, *, one_stop, justice, leader, personal_id_number: str = ""):
    dossier = dossier_receive(dossier=dossier, officer=one_stop)
    dossier = dossier_start(dossier=dossier, officer=justice)
    dossier = dossier_propose(dossier=dossier, officer=justice)
    return dossier_approve(dossier=dossier, leader=leader, personal_id_number=personal_id_number)


def newborn_id(dossier) -> str:
    """A valid ID number for the sample child (a girl): Hà Nội, 2000s female digit 3, her birth year."""
    year = dossier.data["tre-em"]["birth_date"][2:4]
    return f"0013{year}000123"


@pytest.fixture
def officers(one_stop_a, justice_a, leader_a):
    return {"one_stop": one_stop_a, "justice": justice_a, "leader": leader_a}


@pytest.fixture
def received(submitted, one_stop_a):
    return dossier_receive(dossier=submitted, officer=one_stop_a)


@pytest.fixture
def birth_result(submitted, officers):
    """The sample birth registered with the child's new ID number, settled: the result is ready to collect."""
    dossier = registered(submitted, **officers, personal_id_number=newborn_id(submitted))
    return dossier_settle(dossier=dossier)


def result_of(kind: str, citizen, commune_a, officers):
    dossier = filed(procedure_of(kind), unit=commune_a, applicant=citizen)
    return dossier_settle(dossier=registered(dossier, **officers))


def apologized(dossier, officer):
    calendar = get_calendar()
    new_day = calendar.next_working_day(dossier.due_at.date() + datetime.timedelta(days=3))
    return dossier_apologize(dossier=dossier, officer=officer, new_day=new_day, reason=APOLOGY_REASON)


# --- reading a PDF back ------------------------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    """The text pdftotext reads from the PDF, whitespace collapsed (lines wrap where the layout says)."""
    result = subprocess.run(
        [pdf_tool("pdftotext", "poppler-utils"), "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def pdf_fonts(pdf: bytes) -> list[list[str]]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        result = subprocess.run([pdf_tool("pdffonts", "poppler-utils"), file.name], capture_output=True, check=True)
    return [line.split() for line in result.stdout.decode().splitlines()[2:]]


def qr_of_first_page(pdf: bytes) -> str:
    """Render page 1 at 150 dpi and decode its QR code, as a phone camera would."""
    pdftoppm, zbarimg = pdf_tool("pdftoppm", "poppler-utils"), pdf_tool("zbarimg", "zbar-tools")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run([pdftoppm, "-r", "150", "-png", "-f", "1", "-l", "1", source, Path(folder) / "page"], check=True)
        page = next(Path(folder).glob("page*.png"))
        result = subprocess.run([zbarimg, "--raw", "-q", page], capture_output=True, check=True)
    return result.stdout.decode().strip()


def dmy(moment: datetime.datetime | datetime.date) -> str:
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment)
    return moment.strftime("%d/%m/%Y")


def appointment(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


# --- each document, rendered from a dossier in its state ----------------------------------------------------------


# The left header of a document as pdftotext reads it: a one-stop slip (the commune's committee over its desk) and a
# result (the committee under the city since the reform, under its district before), today and before the reform.
SLIP_TODAY = "UBND PHƯỜNG HỒNG HÀ BỘ PHẬN MỘT CỬA"
RESULT_TODAY = "THÀNH PHỐ HÀ NỘI ỦY BAN NHÂN DÂN PHƯỜNG HỒNG HÀ"
SLIP_BEFORE = "UBND PHƯỜNG PHÚC XÁ BỘ PHẬN MỘT CỬA"
RESULT_BEFORE = "UBND QUẬN BA ĐÌNH ỦY BAN NHÂN DÂN PHƯỜNG PHÚC XÁ"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def header_of(text: str) -> str:
    """What stands left of the national name: the issuing body (without the number under it, which pdftotext
    reads before the national name when it is short)."""
    assert NATION in text, text
    return re.sub(r"\s*Số: .*$", "", text.split(NATION, 1)[0]).strip()


def check_pdf(pdf: bytes, dossier, *expected: str, header: str = SLIP_TODAY, place: str = "Hồng Hà") -> str:
    """Every document: the issuing unit in the header and the date line, Vietnamese text intact, dates dd/mm/yyyy,
    the font embedded, the QR code verifiable."""
    text = pdf_text(pdf)
    assert header_of(text) == header
    for phrase in (NATION, "Độc lập - Tự do - Hạnh phúc", *expected):
        assert phrase in text, f"{phrase!r} not in {text!r}"
    assert re.search(rf"{place}, ngày \d{{2}} tháng \d{{1,2}} năm \d{{4}}", text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "an ISO date leaked into the document"
    fonts = pdf_fonts(pdf)
    assert fonts, "the PDF names no font"
    for row in fonts:
        assert "NotoSerif" in row[0], f"font {row[0]} is not the embedded Unicode font"
        assert row[-5] == "yes", f"font {row[0]} is not embedded: {row}"
    assert qr_of_first_page(pdf) == verification_url(dossier)
    return text


def test_receipt(received, one_stop_a):
    pdf = render_document("giay-tiep-nhan", received)

    check_pdf(
        pdf,
        received,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Số: {received.code}/TNHS",
        "Nguyễn Văn An",
        "bộ phận một cửa) Ủy ban nhân dân phường Hồng Hà đã tiếp nhận",
        "Nhận kết quả tại: Bộ phận một cửa, Ủy ban nhân dân phường Hồng Hà",
        "Đăng ký khai sinh",
        "Tờ khai đăng ký khai sinh (khai trực tuyến)",
        f"Thời gian nhận hồ sơ: {appointment(received.received_at)}",
        f"Hẹn trả kết quả: {appointment(received.due_at)}",
        one_stop_a.full_name,
    )


def test_receipt_of_a_paper_dossier_lists_the_procedures_papers(commune_a, one_stop_a):
    dossier = filed(
        procedure_of("death"), unit=commune_a, applicant=one_stop_a, channel=Channel.COUNTER, actor=one_stop_a
    )
    dossier = dossier_receive(dossier=dossier, officer=one_stop_a)

    text = pdf_text(render_document("giay-tiep-nhan", dossier))

    assert "a) Tờ khai đăng ký khai tử b) Giấy báo tử" in text
    assert "Trực tiếp tại bộ phận một cửa" in text
    assert "Nguyễn Văn An" in text  # the declared requester, though no citizen account filed it


def test_supplement_request(submitted, one_stop_a):
    dossier = dossier_request_supplement(dossier=submitted, officer=one_stop_a, reason=SUPPLEMENT_REASON)

    pdf = render_document("phieu-bo-sung", dossier)

    check_pdf(pdf, dossier, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", SUPPLEMENT_REASON, "Lê Thị Cúc")


def test_refusal_at_the_counter(submitted, one_stop_a):
    dossier = dossier_refuse(dossier=submitted, officer=one_stop_a, reason=REFUSAL_REASON)

    text = check_pdf(render_document("phieu-tu-choi", dossier), dossier, REFUSAL_REASON, "không tiếp nhận hồ sơ")

    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in text


def test_rejection_by_the_leader(submitted, officers, leader_a):
    dossier = dossier_receive(dossier=submitted, officer=officers["one_stop"])
    dossier = dossier_start(dossier=dossier, officer=officers["justice"])
    dossier = dossier_propose(dossier=dossier, officer=officers["justice"])
    dossier = dossier_reject(dossier=dossier, leader=leader_a, reason=REJECTION_REASON)

    check_pdf(render_document("phieu-tu-choi", dossier), dossier, REJECTION_REASON, "không giải quyết", "Hoàng Thị Hà")


def test_apology_slip_shows_the_old_and_the_new_due_time(received, justice_a):
    old_due = received.due_at
    dossier = apologized(received, justice_a)

    check_pdf(
        render_document("phieu-xin-loi", dossier),
        dossier,
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        APOLOGY_REASON,
        appointment(old_due),
        appointment(dossier.due_at),
        "Phạm Văn Dũng",
    )


def test_control_sheet_lists_every_handover(birth_result):
    text = check_pdf(
        render_document("phieu-kiem-soat", birth_result),
        birth_result,
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Tiếp nhận hồ sơ",
        "Ký duyệt, vào sổ hộ tịch",
        "Lê Thị Cúc (Cán bộ một cửa)",
        "Hoàng Thị Hà (Lãnh đạo UBND xã)",
    )

    assert len(re.findall(r"Trước hạn|Đúng hạn|Quá hạn", text)) == 5  # every step after receipt


def test_birth_certificate(birth_result):
    entry = birth_result.register_entry
    birth = datetime.date.fromisoformat(birth_result.data["tre-em"]["birth_date"])

    text = check_pdf(
        render_document("giay-khai-sinh", birth_result),
        birth_result,
        "GIẤY KHAI SINH",
        f"Số: {entry.number}, Quyển số: {entry.book_number}",
        "Họ, chữ đệm, tên: Nguyễn Minh Anh",
        f"Ngày, tháng, năm sinh: {dmy(birth)}",
        f"Số định danh cá nhân: {entry.personal_id_number}",
        "Giới tính: Nữ",
        "Trần Thị Bình",
        "Nơi sinh: Bệnh viện Phụ sản Hà Nội",
        "Nơi đăng ký khai sinh: Ủy ban nhân dân phường Hồng Hà, thành phố Hà Nội",
        f"Ngày, tháng, năm đăng ký: {dmy(entry.registered_at)}",
        "Hoàng Thị Hà",
        header=RESULT_TODAY,
    )

    assert "quận" not in text.lower(), "no district since the reform"


@pytest.mark.parametrize(
    ("kind", "slug", "expected"),
    [
        ("death", "trich-luc-khai-tu", ("TRÍCH LỤC KHAI TỬ", "Nguyễn Văn Hùng", "Nơi chết: Bệnh viện Bạch Mai")),
        ("death_residence", "trich-luc-khai-tu", ("TRÍCH LỤC KHAI TỬ", "Nguyễn Văn Hùng")),
        ("birth_3in1", "giay-khai-sinh", ("GIẤY KHAI SINH", "Nguyễn Minh Anh")),
        ("marriage", "giay-chung-nhan-ket-hon", ("GIẤY CHỨNG NHẬN KẾT HÔN", "Nguyễn Văn An", "Trần Thị Bình", "Tày")),
        (
            "marital_status",
            "giay-xac-nhan-tinh-trang-hon-nhan",
            (
                "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
                "Ủy ban nhân dân phường Hồng Hà xác nhận",
                "Chưa kết hôn lần nào",
                "Để đăng ký kết hôn",
                "01/01/2010",
            ),
        ),
        (
            "extract_copy",
            "ban-sao-trich-luc",
            (
                "TRÍCH LỤC KHAI SINH",
                "(Bản sao)",
                "Nguyễn Minh Anh",
                "được cấp từ sổ hộ tịch lưu tại Ủy ban nhân dân phường Hồng Hà",
            ),
        ),
    ],
)
def test_results_of_the_other_procedures(kind, slug, expected, citizen, commune_a, officers):
    dossier = result_of(kind, citizen, commune_a, officers)
    entry = dossier.register_entry

    check_pdf(
        render_document(slug, dossier),
        dossier,
        *expected,
        f"Số: {entry.number}, Quyển số: {entry.book_number}",
        "Hoàng Thị Hà",
        header=RESULT_TODAY,
    )


@pytest.mark.parametrize(
    ("kind", "agencies", "slug", "results", "expected"),
    [
        (
            "birth_3in1",
            ["police", "social_insurance"],
            "giay-khai-sinh",
            {
                "register_residence": {
                    "household_registration_number": "HK-001-0012345",
                    "registered_on": "2026-12-08",
                },
                "health_card": {"card_number": "TE1010100012345", "valid_from": "2026-11-13", "valid_to": "2032-11-30"},
            },
            (
                "Đăng ký thường trú cho trẻ: số hộ khẩu HK-001-0012345, đăng ký thường trú ngày 08/12/2026.",
                "thẻ BHYT số TE1010100012345, có giá trị từ 13/11/2026 đến 30/11/2032.",
            ),
        ),
        (
            "death_residence",
            ["police"],
            "trich-luc-khai-tu",
            {"remove_residence": {"removal_number": "XT-001-0004567", "removed_on": "2026-12-08"}},
            ("số xóa đăng ký thường trú XT-001-0004567, ngày 08/12/2026.",),
        ),
    ],
)
def test_a_linked_result_prints_what_the_agencies_gave(
    kind, agencies, slug, results, expected, citizen, commune_a, officers
):
    """Under a 3-in-1 birth certificate or a death extract with removal of residence: the household number, the
    health card, the removal number, once the agencies completed their records; nothing before."""
    import uuid

    from interconnect.models import LinkedRecord
    from interconnect.services import linked_record_answer

    procedure = procedure_of(kind, interconnections=agencies)
    dossier = registered(filed(procedure, unit=commune_a, applicant=citizen), **officers)
    assert "Kết quả liên thông" not in pdf_text(render_document(slug, dossier)), "the records are still open"

    # The approval's after-commit pushes do not run in this test; the agencies' answers are applied all the same.
    for record in LinkedRecord.objects.filter(dossier=dossier):
        linked_record_answer(
            agency=record.agency,
            record_uuid=record.uuid,
            event_id=uuid.uuid4(),
            status="completed",
            result=results[record.kind],
            reason="",
            body="{}",
        )
    dossier.refresh_from_db()

    assert dossier.status == "result_ready"
    check_pdf(render_document(slug, dossier), dossier, "Kết quả liên thông:", *expected, header=RESULT_TODAY)


# --- the issuing unit: today's commune, the old one before the reform, the successor after it ----------------------


def test_with_the_clock_at_a_day_of_today_a_commune_directly_under_the_city_issues(clock, submitted, officers):
    """Monday 7/12/2026: the slip of the commune's one-stop desk, and the result of its People's Committee under the
    city, with no district anywhere."""
    dossier = registered(submitted, **officers)

    receipt = check_pdf(render_document("giay-tiep-nhan", dossier), dossier, "Hồng Hà, ngày 07 tháng 12 năm 2026")
    result = check_pdf(
        render_document("giay-khai-sinh", dossier),
        dossier,
        "Nơi đăng ký khai sinh: Ủy ban nhân dân phường Hồng Hà, thành phố Hà Nội",
        "Hồng Hà, ngày 07 tháng 12 năm 2026",
        header=RESULT_TODAY,
    )

    assert dossier.register_entry.unit == officers["leader"].unit
    for text in (receipt, result):
        assert "Phúc Xá, ngày" not in text and "QUẬN" not in text and "quận" not in text


@pytest.mark.parametrize("printed", ["in 2024", "today"])
def test_the_documents_of_a_dossier_of_2024_stay_as_they_were(clock, from_before_reform, old_officers, printed):
    """Filed, received and registered at Phường Phúc Xá of Quận Ba Đình in March 2024: its papers name Phúc Xá under
    its district, whether printed then or today, when Phường Hồng Hà holds its register."""
    dossier = from_before_reform(Status.RESULT_READY, moment=BEFORE_REFORM)
    entry = dossier.register_entry
    if printed == "in 2024":
        clock.set(BEFORE_REFORM)

    receipt = check_pdf(
        render_document("giay-tiep-nhan", dossier),
        dossier,
        f"Số: {dossier.code}/TNHS",
        "bộ phận một cửa) Ủy ban nhân dân phường Phúc Xá đã tiếp nhận",
        "Đinh Thị Xuân",
        header=SLIP_BEFORE,
        place="Phúc Xá",
    )
    result = check_pdf(
        render_document("giay-khai-sinh", dossier),
        dossier,
        f"Số: {entry.number}, Quyển số: {entry.book_number}",
        "Nơi đăng ký khai sinh: Ủy ban nhân dân phường Phúc Xá, quận Ba Đình, thành phố Hà Nội",
        "Tạ Văn Long",
        header=RESULT_BEFORE,
        place="Phúc Xá",
    )

    assert dossier.code.startswith("00001-240312-")
    assert (entry.unit.name, entry.year) == ("Phường Phúc Xá", 2024)
    assert "Phúc Xá, ngày 12 tháng 3 năm 2024" in receipt and "Phúc Xá, ngày 12 tháng 3 năm 2024" in result
    assert "Hồng Hà" not in receipt + result


@pytest.mark.parametrize(
    ("printed", "header", "place", "committee"),
    [
        ("in 2024", SLIP_BEFORE, "Phúc Xá", "phường Phúc Xá"),
        ("today", SLIP_TODAY, "Hồng Hà", "phường Hồng Hà"),
    ],
)
def test_the_control_sheet_is_issued_by_whoever_holds_the_dossier_when_it_is_printed(
    clock, from_before_reform, printed, header, place, committee
):
    dossier = from_before_reform(Status.RESULT_READY, moment=BEFORE_REFORM)
    if printed == "in 2024":
        clock.set(BEFORE_REFORM)

    check_pdf(
        render_document("phieu-kiem-soat", dossier),
        dossier,
        f"Cơ quan giải quyết hồ sơ: Ủy ban nhân dân {committee}",
        header=header,
        place=place,
    )


def test_a_dossier_received_before_the_reform_and_registered_after_it(clock, from_before_reform, officers, commune_a):
    """Received at Phúc Xá on 27/06/2025, taken up by Phường Hồng Hà's officers in December 2026: the receipt stays
    Phúc Xá's, the apology and the birth certificate are Hồng Hà's, entered in Hồng Hà's register."""
    dossier = from_before_reform(Status.RECEIVED)
    dossier = dossier_start(dossier=dossier, officer=officers["justice"])
    new_day = get_calendar().next_working_day(clock.now.date() + datetime.timedelta(days=2))
    dossier = dossier_apologize(dossier=dossier, officer=officers["justice"], new_day=new_day, reason=APOLOGY_REASON)
    dossier = dossier_propose(dossier=dossier, officer=officers["justice"])
    dossier = dossier_settle(dossier=dossier_approve(dossier=dossier, leader=officers["leader"]))
    entry = dossier.register_entry

    check_pdf(
        render_document("giay-tiep-nhan", dossier),
        dossier,
        "Phúc Xá, ngày 27 tháng 6 năm 2025",
        "Nhận kết quả tại: Bộ phận một cửa, Ủy ban nhân dân phường Phúc Xá",
        header=SLIP_BEFORE,
        place="Phúc Xá",
    )
    check_pdf(
        render_document("phieu-xin-loi", dossier),
        dossier,
        "Ngày 27/06/2025, bộ phận một cửa Ủy ban nhân dân phường Phúc Xá tiếp nhận",
        "Tuy nhiên đến nay, Ủy ban nhân dân phường Hồng Hà chưa trả kết quả",
        "Hồng Hà, ngày 07 tháng 12 năm 2026",
    )
    check_pdf(
        render_document("giay-khai-sinh", dossier),
        dossier,
        f"Số: {entry.number}, Quyển số: {entry.book_number}",
        "Nơi đăng ký khai sinh: Ủy ban nhân dân phường Hồng Hà, thành phố Hà Nội",
        "Hồng Hà, ngày 07 tháng 12 năm 2026",
        "Hoàng Thị Hà",
        header=RESULT_TODAY,
    )
    assert (entry.unit, entry.year, entry.number) == (commune_a, 2026, 1)
    assert dossier.unit.name == "Phường Phúc Xá"  # the dossier keeps the unit it was filed at


def test_the_verification_page_names_the_issuer_and_who_holds_the_dossier_now(client, clock, from_before_reform):
    dossier = from_before_reform(Status.RECEIVED, moment=REFORM_EVE_MORNING)

    html = client.get(verify_url(dossier)).content.decode()

    assert "Ủy ban nhân dân Phường Phúc Xá, Quận Ba Đình" in html
    assert "Nơi giữ hồ sơ hiện nay" in html
    assert "Ủy ban nhân dân Phường Hồng Hà, Thành phố Hà Nội (sau khi sắp xếp đơn vị hành chính)" in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("justice_a", 200), ("old_justice", 200), ("district_staff", 200), ("one_stop_b", 404), ("other_citizen", 404)],
)
def test_who_prints_again_a_result_of_before_the_reform(
    request, client, clock, from_before_reform, old_officers, who, status
):
    """The successor holding Phúc Xá's register prints its results again (and the look is audited); Phúc Xá's own
    accounts and the district's read them as history; another commune and another citizen do not find them."""
    dossier = from_before_reform(Status.RESULT_READY, moment=BEFORE_REFORM)
    user = old_officers["justice"] if who == "old_justice" else request.getfixturevalue(who)
    client.force_login(user)

    response = client.get(document_url(dossier, "giay-khai-sinh"))

    assert response.status_code == status
    if status == 200:
        assert header_of(pdf_text(response.content)) == RESULT_BEFORE
        assert DossierAccess.objects.filter(user=user, dossier=dossier, detail="giay-khai-sinh").exists()


def test_an_account_of_phuc_xa_does_not_find_the_papers_of_hong_ha(client, clock, old_officers, birth_result):
    client.force_login(old_officers["justice"])

    assert client.get(document_url(birth_result, "giay-khai-sinh")).status_code == 404


# --- copies of an extract from an old commune's register (HT-BSTL) --------------------------------------------------


def test_the_holder_issues_a_copy_of_an_entry_of_the_old_communes_register(
    client, clock, from_before_reform, citizen, commune_a, officers
):
    """A birth registered at Phúc Xá in 2024; in December 2026 the citizen asks Phường Hồng Hà, which keeps Phúc Xá's
    books, for a copy: its officers find the original, and the copy goes in Hồng Hà's register, issued by Hồng Hà."""
    from procedures.declarations.samples import sample_data
    from procedures.services import dossier_create_draft, dossier_save_draft, dossier_submit

    original = from_before_reform(Status.DELIVERED, moment=BEFORE_REFORM)
    entry = original.register_entry
    procedure = procedure_of("extract_copy")
    asked = {"register_entry": f"số {entry.number}, quyển số {entry.book_number}", "registration_date": "12/03/2024"}
    data = sample_data(procedure, on=datetime.date.today(), **{"trich-luc": asked})
    copy = dossier_create_draft(procedure=procedure, unit=commune_a, applicant=citizen, channel=Channel.ONLINE_SELF)
    dossier_save_draft(dossier=copy, data=data, step="kiem-tra")
    copy = dossier_submit(dossier=copy, actor=citizen)

    client.force_login(officers["justice"])
    page = client.get(reverse("onecounter:dossier", kwargs={"uuid": original.uuid}))
    assert page.status_code == 200 and f"Số {entry.number}, quyển số {entry.book_number}" in page.content.decode()
    copy = dossier_settle(dossier=registered(copy, **officers))
    copied = copy.register_entry

    assert (copied.unit, copied.book, copied.year) == (commune_a, "extract_copy", 2026)
    check_pdf(
        render_document("ban-sao-trich-luc", copy),
        copy,
        "TRÍCH LỤC KHAI SINH",
        "(Bản sao)",
        "Nơi đã đăng ký: UBND phường Phúc Xá, quận Ba Đình",
        f"Số, quyển số trong sổ gốc: số {entry.number}, quyển số {entry.book_number}",
        "Bản sao trích lục này được cấp từ sổ hộ tịch lưu tại Ủy ban nhân dân phường Hồng Hà.",
        header=RESULT_TODAY,
    )


def test_a_copy_asked_at_the_old_commune_before_the_reform_is_issued_by_its_holder(clock, from_before_reform, officers):
    dossier = from_before_reform(Status.AWAITING_SIGNATURE, kind="extract_copy")

    dossier = dossier_settle(dossier=dossier_approve(dossier=dossier, leader=officers["leader"]))

    assert dossier.register_entry.unit == officers["leader"].unit
    check_pdf(
        render_document("ban-sao-trich-luc", dossier),
        dossier,
        "được cấp từ sổ hộ tịch lưu tại Ủy ban nhân dân phường Hồng Hà",
        "Hoàng Thị Hà",
        header=RESULT_TODAY,
    )


def test_a_document_the_dossier_has_not_reached_is_not_rendered(received):
    with pytest.raises(DocumentNotIssued):
        render_document("giay-khai-sinh", received)
    with pytest.raises(DocumentNotIssued):
        render_document("khong-co", received)


def test_a_missing_font_fails_loudly(monkeypatch, received):
    import fontpkg

    def missing(*args, **kwargs):
        raise fontpkg.FamilyNotInstalled("Noto Serif")

    monkeypatch.setattr(fontpkg, "path", missing)
    pdf.register_fonts.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="fontpkg-noto-serif"):
            render_document("giay-tiep-nhan", received)
    finally:
        pdf.register_fonts.cache_clear()


# --- who gets which document when -----------------------------------------------------------------------------------


def slugs(dossier, user) -> list[str]:
    return [kind.slug for kind in available_documents(dossier, user)]


def test_availability_follows_the_dossier(submitted, citizen, officers):
    one_stop = officers["one_stop"]
    assert slugs(submitted, citizen) == []
    assert slugs(submitted, one_stop) == ["phieu-kiem-soat"]

    dossier = registered(submitted, **officers)
    assert slugs(dossier, citizen) == ["giay-tiep-nhan"]  # signed, but not ready to hand over yet
    assert slugs(dossier, one_stop) == ["giay-tiep-nhan", "phieu-kiem-soat", "giay-khai-sinh"]

    dossier = dossier_settle(dossier=dossier)
    assert slugs(dossier, citizen) == ["giay-tiep-nhan", "giay-khai-sinh"]

    dossier = dossier_deliver(dossier=dossier, officer=one_stop)
    assert slugs(dossier, citizen) == ["giay-tiep-nhan", "giay-khai-sinh"]


def test_every_kind_has_a_distinct_slug_and_a_title():
    assert len({kind.slug for kind in KINDS}) == len(KINDS)
    assert all(str(kind.title) for kind in KINDS)


# --- the download view -----------------------------------------------------------------------------------------------


def document_url(dossier, kind: str) -> str:
    return reverse("onecounter:document", kwargs={"uuid": dossier.uuid, "kind": kind})


def test_the_owner_downloads_the_receipt(client, citizen, received):
    client.force_login(citizen)

    response = client.get(document_url(received, "giay-tiep-nhan"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{received.code}-giay-tiep-nhan.pdf"'
    assert response.content.startswith(b"%PDF")
    assert not DossierAccess.objects.exists()  # the requester's own looks are not audited


@pytest.mark.parametrize("who", ["other_citizen", "one_stop_b"])
def test_anyone_else_gets_a_404(request, client, received, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(document_url(received, "giay-tiep-nhan")).status_code == 404


def test_an_officer_of_the_unit_downloads_and_is_recorded(client, received, justice_a):
    client.force_login(justice_a)

    response = client.get(document_url(received, "phieu-kiem-soat"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    access = DossierAccess.objects.get()
    assert (access.user, access.dossier, access.what, access.detail) == (
        justice_a,
        received,
        DossierAccess.What.DOCUMENT,
        "phieu-kiem-soat",
    )


def test_the_citizen_cannot_get_the_control_sheet(client, citizen, received):
    client.force_login(citizen)

    assert client.get(document_url(received, "phieu-kiem-soat")).status_code == 404


@pytest.mark.parametrize("kind", ["giay-khai-sinh", "phieu-xin-loi", "khong-co-loai-nay"])
def test_a_document_not_available_yet_is_a_404(client, one_stop_a, received, kind):
    client.force_login(one_stop_a)

    assert client.get(document_url(received, kind)).status_code == 404
    assert not DossierAccess.objects.exists()


def test_the_download_is_get_only(client, citizen, received):
    client.force_login(citizen)

    assert client.post(document_url(received, "giay-tiep-nhan")).status_code == 405


def test_a_visitor_is_sent_to_the_login(client, received):
    response = client.get(document_url(received, "giay-tiep-nhan"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- the dossier page lists the documents ----------------------------------------------------------------------------


def test_the_citizens_dossier_page_links_the_documents(client, citizen, submitted, one_stop_a):
    client.force_login(citizen)
    page = reverse("procedures:dossier-detail", kwargs={"uuid": submitted.uuid})
    assert "sẽ có ở đây khi hồ sơ được tiếp nhận" in client.get(page).content.decode()

    dossier = dossier_receive(dossier=submitted, officer=one_stop_a)
    html = client.get(page).content.decode()

    assert f'href="{document_url(dossier, "giay-tiep-nhan")}"' in html
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in html
    assert "phieu-kiem-soat" not in html


def test_a_supplement_request_is_listed_while_the_receipt_is_still_to_come(client, citizen, submitted, one_stop_a):
    dossier = dossier_request_supplement(dossier=submitted, officer=one_stop_a, reason=SUPPLEMENT_REASON)
    client.force_login(citizen)

    html = client.get(reverse("procedures:dossier-detail", kwargs={"uuid": dossier.uuid})).content.decode()

    assert f'href="{document_url(dossier, "phieu-bo-sung")}"' in html
    assert "sẽ có ở đây khi hồ sơ được tiếp nhận" in html


# --- the public verification page -------------------------------------------------------------------------------------


def verify_url(dossier) -> str:
    return reverse("onecounter:verify", kwargs={"uuid": dossier.uuid})


def test_verification_shows_what_verifying_needs_and_no_personal_data(client, birth_result):
    entry = birth_result.register_entry

    response = client.get(verify_url(birth_result))

    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        "Nguyễn M. A.",
        birth_result.code,
        "Đăng ký khai sinh",
        "Ủy ban nhân dân Phường Hồng Hà, Thành phố Hà Nội",
        f"Số: {entry.number}, Quyển số: {entry.book_number}",
        dmy(entry.registered_at),
        "Giấy khai sinh",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "Có kết quả, chờ trả",
    ):
        assert shown in html, shown
    child_birth = dmy(datetime.date.fromisoformat(birth_result.data["tre-em"]["birth_date"]))
    for hidden in (
        "Nguyễn Minh Anh",
        entry.personal_id_number,
        "001090012345",  # the requester's and father's ID number
        "001195000001",  # the mother's
        child_birth,
        "Trần Thị Bình",
        "0912345678",
        "Phiếu kiểm soát",
        "Nơi giữ hồ sơ hiện nay",  # nothing moved: the commune that issued it holds it
    ):
        assert hidden not in html, hidden
    assert response["X-Robots-Tag"].startswith("noindex")


def test_verification_of_an_unknown_or_draft_dossier_is_a_404(client, draft):
    import uuid

    assert client.get(reverse("onecounter:verify", kwargs={"uuid": uuid.uuid4()})).status_code == 404
    assert client.get(verify_url(draft)).status_code == 404


def test_verification_is_get_only(client, received):
    assert client.post(verify_url(received)).status_code == 405


# --- the pieces of the layout -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [("Nguyễn Minh Anh", "Nguyễn M. A."), ("Lê Đức", "Lê Đ."), ("Ánh", "Ánh"), ("  Trần  thị  Bình ", "Trần T. B.")],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (datetime.date(2026, 11, 23), "Ngày hai mươi ba, tháng mười một, năm hai nghìn không trăm hai mươi sáu"),
        (datetime.date(2016, 12, 15), "Ngày mười lăm, tháng mười hai, năm hai nghìn không trăm mười sáu"),
        (datetime.date(2005, 4, 1), "Ngày một, tháng tư, năm hai nghìn không trăm linh năm"),
        (datetime.date(1995, 1, 24), "Ngày hai mươi tư, tháng một, năm một nghìn chín trăm chín mươi lăm"),
        (datetime.date(2000, 10, 31), "Ngày ba mươi mốt, tháng mười, năm hai nghìn"),
    ],
)
def test_date_in_words(day, words):
    assert layout.date_in_words(day) == words


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (datetime.date(2026, 11, 23), "Phúc Xá, ngày 23 tháng 11 năm 2026"),
        (datetime.date(2026, 2, 5), "Phúc Xá, ngày 05 tháng 02 năm 2026"),
        (datetime.date(2026, 3, 9), "Phúc Xá, ngày 09 tháng 3 năm 2026"),
    ],
)
def test_the_date_line_pads_days_below_ten_and_months_one_and_two(day, line):
    assert pdf.place_and_date("Phúc Xá", day) == line


# --- an agency's officers: the record sent to them, no paper of the dossier ---------------------------------------


@pytest.mark.parametrize("who", ["police_a", "social_insurance_a"])
def test_an_agency_prints_no_paper_of_any_dossier(request, client, received, sent_3in1, who):
    """The police and social insurance read what their linked record carries, on the record's page. No printed
    document is that (the birth certificate also holds the requester's papers and the other agency's result), so
    they print none: not of a dossier with no record of theirs, not of one with their record sent, and never the
    commune's internal control sheet."""
    officer = request.getfixturevalue(who)
    client.force_login(officer)

    for dossier, kind in [
        (received, "giay-tiep-nhan"),
        (received, "phieu-kiem-soat"),
        (sent_3in1, "phieu-kiem-soat"),
        (sent_3in1, "giay-tiep-nhan"),
        (sent_3in1, "giay-khai-sinh"),
    ]:
        assert client.get(document_url(dossier, kind)).status_code == 404, (dossier, kind)
    own = sent_3in1.linked_records.get(agency=officer.role)
    assert client.get(reverse("onecounter:interconnect-record", args=(own.uuid,))).status_code == 200
    assert list(DossierAccess.objects.values_list("user", "dossier", "what")) == [
        (officer.pk, sent_3in1.pk, DossierAccess.What.DOSSIER)
    ]
