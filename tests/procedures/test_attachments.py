"""Attachments: checked by content, unsafe PDFs refused, photos without metadata, safe names, size limits,
private storage, and downloads only for those who may see them."""

import io
import random
import re
import struct
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin

from procedures.attachments import (
    MAX_NAME_CHARS,
    attachment_add,
    attachment_check,
    attachment_remove,
    megabytes,
    safe_file_name,
)
from procedures.models import Attachment
from procedures.services import (
    DossierActionError,
    dossier_create_draft,
    dossier_request_supplement,
    dossier_submit,
)
from tests.procedures import pdfs
from tests.procedures.pdfs import pdf_bytes

ACTIVE_PDF = (
    "Tệp “{name}” có chứa mã chạy tự động hoặc tệp đính kèm bên trong, nên không nhận được. "
    "Hãy in lại tệp ra PDF (ví dụ chọn “In” → “Lưu thành PDF”) rồi tải lên."
)
UNREADABLE_PDF = (
    "Tệp PDF “{name}” bị hỏng, có mật khẩu hoặc không đọc được. Hãy quét hoặc in lại giấy tờ ra PDF rồi tải lên."
)


def image_bytes(kind: str, colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format=kind)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def attachment(draft, citizen):
    return attachment_add(
        dossier=draft,
        document="giay-chung-sinh",
        uploaded_file=upload("giấy chứng sinh.pdf", pdf_bytes()),
        user=citizen,
    )


# --- attachment_check -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("scan.pdf", pdf_bytes(), "application/pdf"),
        ("anh.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("anh.png", image_bytes("PNG"), "image/png"),
        # The name does not matter, only the bytes do.
        ("anh-chup", image_bytes("PNG"), "image/png"),
    ],
)
def test_real_pdf_jpeg_and_png_are_accepted(name, content, expected):
    assert attachment_check(upload(name, content)).content_type == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("giay-chung-sinh.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200),  # a Windows program
        ("anh.jpg", "Đây là một tệp văn bản.".encode()),
        ("anh.png", image_bytes("PNG")[:40]),  # cut off during upload: the header alone is not a picture
        ("anh.jpg", image_bytes("JPEG")[:-60]),
        ("scan.pdf", pdf_bytes().replace(b"%%EOF", b"")),
        # An HTML page with a PDF behind it: a PDF starts with %PDF- at its very first byte.
        ("giay-chung-sinh.pdf", pdfs.HTML_THEN_PDF),
    ],
)
def test_fake_or_broken_files_are_refused_with_what_to_do(name, content):
    with pytest.raises(ValidationError) as raised:
        attachment_check(upload(name, content, "application/pdf"))

    message = raised.value.messages[0]
    assert message == (
        f"Tệp “{name}” không phải PDF, JPEG hay PNG thật. Hãy chụp hoặc quét lại giấy tờ và tải lên tệp ảnh hoặc PDF."
    )


def test_an_oversized_file_is_refused_with_its_size(settings):
    settings.ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    content = image_bytes("JPEG") + b"\x00" * int(7.2 * 1024 * 1024)

    with pytest.raises(ValidationError) as raised:
        attachment_check(upload("anh.jpg", content))

    assert raised.value.messages == [
        "Tệp “anh.jpg” nặng 7,2 MB; mỗi tệp tối đa 5 MB. Hãy chụp lại với độ phân giải thấp hơn."
    ]


def test_the_per_file_limit_follows_the_setting(settings):
    settings.ATTACHMENT_MAX_BYTES = 100

    with pytest.raises(ValidationError, match="mỗi tệp tối đa"):
        attachment_check(upload("scan.pdf", pdf_bytes()))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="trống"):
        attachment_check(upload("scan.pdf", b""))


@pytest.mark.parametrize("content", pdfs.HOSTILE.values(), ids=pdfs.HOSTILE.keys())
def test_a_pdf_with_active_content_is_refused_with_what_to_do(content):
    with pytest.raises(ValidationError) as raised:
        attachment_check(upload("giấy chứng sinh.pdf", content))

    assert raised.value.messages == [ACTIVE_PDF.format(name="giấy chứng sinh.pdf")]


def test_a_damaged_pdf_is_refused_as_unreadable():
    with pytest.raises(ValidationError) as raised:
        attachment_check(upload("scan.pdf", pdfs.TRUNCATED))

    assert raised.value.messages == [UNREADABLE_PDF.format(name="scan.pdf")]


def test_a_clean_pdf_is_kept_byte_for_byte():
    assert attachment_check(upload("scan.pdf", pdfs.OPENS_AT_PAGE_ONE)).content == pdfs.OPENS_AT_PAGE_ONE


def _mutations(content: bytes, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    cuts = [content[: rng.randrange(1, len(content))] for _ in range(3)]
    flipped = []
    for _ in range(3):
        damaged = bytearray(content)
        for _ in range(8):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        flipped.append(bytes(damaged))
    return [*cuts, *flipped]


BAD_INPUTS = [
    mutated
    for seed, content in enumerate(
        [pdf_bytes(), pdfs.OPENS_AT_PAGE_ONE, pdfs.HOSTILE["javascript-in-object-stream"], image_bytes("JPEG")]
        + [image_bytes("PNG"), pdfs.HOSTILE["embedded-file"]]
    )
    for mutated in _mutations(content, seed)
]


@pytest.mark.parametrize("content", BAD_INPUTS)
def test_damaged_files_are_accepted_or_explained_never_crash(content):
    try:
        checked = attachment_check(upload("tep.bin", content))
    except ValidationError as refused:
        assert refused.messages[0].startswith(("Tệp “tep.bin”", "Tệp PDF “tep.bin”", "Ảnh “tep.bin”"))
    else:
        assert checked.content_type in ("application/pdf", "image/jpeg", "image/png")


# --- photos lose their metadata ---------------------------------------------------------------------------


def phone_photo() -> bytes:
    """An 8×4 JPEG a phone held sideways took at a place: orientation 6 (turn right), GPS, maker, a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Điện thoại"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (21.0, 1.0, 42.0)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", (105.0, 50.0, 3.0)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 4), "red").save(buffer, format="JPEG", exif=exif, comment=b"Nha rieng", dpi=(300, 300))
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_photo_is_kept_upright_without_gps_or_other_metadata(draft, citizen):
    taken = Image.open(io.BytesIO(phone_photo()))
    assert taken.getexif().get_ifd(ExifTags.IFD.GPSInfo) and "comment" in taken.info

    attachment = attachment_add(
        dossier=draft, document="giay-chung-sinh", uploaded_file=upload("anh.jpg", phone_photo()), user=citizen
    )

    with Image.open(attachment.file.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (4, 8)  # turned as the phone meant it
        assert not stored.getexif()
        assert {"exif", "comment", "xmp", "icc_profile"}.isdisjoint(stored.info)
        assert stored.info["dpi"] == pytest.approx((300, 300))
    assert attachment.size == Path(attachment.file.path).stat().st_size


def test_a_photo_with_damaged_exif_is_kept_upright_without_it():
    # The GPS latitude's N/S letter typed as numbers: Pillow reads it, but cannot write it back.
    damaged = phone_photo().replace(b"\x00\x01\x00\x02\x00\x00\x00\x02N", b"\x00\x01\x00\x03\x00\x00\x00\x02N")
    assert damaged != phone_photo()

    checked = attachment_check(upload("anh.jpg", damaged))

    with Image.open(io.BytesIO(checked.content)) as stored:
        assert stored.size == (4, 8)
        assert not stored.getexif()


def test_a_png_loses_its_text_and_exif_and_keeps_its_transparency():
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Nguyễn Văn An")
    text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta/>")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Máy quét"
    buffer = io.BytesIO()
    Image.new("P", (6, 6), 1).save(buffer, format="PNG", pnginfo=text, exif=exif, transparency=0)

    checked = attachment_check(upload("anh.png", buffer.getvalue()))

    with Image.open(io.BytesIO(checked.content)) as stored:
        assert stored.format == "PNG" and stored.size == (6, 6)
        assert stored.info == {"transparency": 0}
        assert not stored.getexif()


def test_the_same_photo_twice_is_stored_the_same_way():
    assert (
        attachment_check(upload("a.jpg", phone_photo())).content
        == attachment_check(upload("b.jpg", phone_photo())).content
    )


def blank_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims its size in a few bytes: a decompression bomb's opening."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: blank_png(8000, 6000), id="48-megapixels"),
        pytest.param(lambda: png_header_only(30_000, 30_000), id="900-megapixels-in-a-few-bytes"),
    ],
)
def test_an_image_with_too_many_pixels_is_refused_before_decoding(make):
    with pytest.raises(ValidationError) as raised:
        attachment_check(upload("ban-quet.png", make()))

    assert raised.value.messages == [
        "Ảnh “ban-quet.png” có quá nhiều điểm ảnh (tối đa 40 triệu). Hãy chụp lại với độ phân giải thấp hơn."
    ]


# --- safe names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Giấy khai sinh – bé Ngọc Ánh.pdf", "Giấy khai sinh – bé Ngọc Ánh.pdf"),
        # Decomposed (as macOS sends it) becomes composed: the same name compares equal everywhere.
        ("Gia\u0302\u0301y chu\u031b\u0301ng sinh.PDF", "Giấy chứng sinh.pdf"),
        ("C:\\Users\\An\\Desktop\\giấy tờ.pdf", "giấy tờ.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("hóa\u202egpj.pdf", "hóagpj.pdf"),  # the right-to-left override that makes "…fdp.jpg" look like a photo
        ("dòng\r\nmới\t.pdf", "dòngmới.pdf"),
        ('bản "sao" <1>: a|b?*.pdf', "bản sao 1 ab.pdf"),
        ("...ẩn.pdf", "ẩn.pdf"),
        ("CON.pdf", "giay-chung-sinh.pdf"),
        ("lpt1.tar.pdf", "giay-chung-sinh.pdf"),
        ("", "giay-chung-sinh.pdf"),
        ("<>.pdf", "giay-chung-sinh.pdf"),
        ("anh-chup", "anh-chup.pdf"),
        ("anh.png", "anh.pdf"),  # the name follows what the file really is
        ("ngày 15.12.2016", "ngày 15.12.2016.pdf"),
    ],
)
def test_names_are_reduced_to_a_safe_form(given, kept):
    assert safe_file_name(given, fallback="giay-chung-sinh", extensions=(".pdf",)) == kept


def test_a_long_name_is_cut_and_keeps_its_extension():
    name = safe_file_name("Đăng ký khai sinh " * 20 + ".jpeg", fallback="x", extensions=(".jpg", ".jpeg"))

    assert len(name) == MAX_NAME_CHARS
    assert name.startswith("Đăng ký khai sinh Đăng") and name.endswith(".jpeg")


def test_megabytes_are_written_the_vietnamese_way():
    assert megabytes(5 * 1024 * 1024) == "5 MB"
    assert megabytes(int(7.25 * 1024 * 1024)) == "7,2 MB"


# --- attachment_add / attachment_remove -------------------------------------------------------------------


@pytest.mark.django_db
def test_add_keeps_the_file_privately_under_a_random_name(attachment, draft, citizen, settings):
    stored = Path(attachment.file.path)

    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT))
    # A random name with the extension of the real type; nothing of the citizen's file name.
    assert re.fullmatch(rf"dossiers/{draft.uuid}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert stored.read_bytes()[:5] == b"%PDF-"
    assert attachment.original_name == "giấy chứng sinh.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == stored.stat().st_size
    assert len(attachment.sha256) == 64
    assert attachment.uploaded_by == citizen


@pytest.mark.django_db
def test_a_renamed_photo_is_stored_and_named_by_what_it_is(draft, citizen):
    attachment = attachment_add(
        dossier=draft,
        document="giay-chung-sinh",
        uploaded_file=upload("../giấy\u202echứng sinh.pdf", image_bytes("PNG")),
        user=citizen,
    )

    assert attachment.file.name.endswith(".png")
    assert attachment.original_name == "giấychứng sinh.png"
    assert attachment.content_type == "image/png"


@pytest.mark.django_db
def test_no_url_serves_the_stored_files(client, attachment, settings):
    client.force_login(attachment.uploaded_by)

    for url in (
        f"/{attachment.file.name}",
        f"/media/{attachment.file.name}",
        f"{settings.MEDIA_URL}{attachment.file.name}",
    ):
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_same_file_in_the_same_slot_is_kept_once(attachment, draft, citizen):
    again = attachment_add(
        dossier=draft, document="giay-chung-sinh", uploaded_file=upload("lan-2.pdf", pdf_bytes()), user=citizen
    )

    assert again == attachment
    assert draft.attachments.count() == 1


@pytest.mark.django_db
def test_several_pages_may_go_in_one_slot(draft, citizen):
    for colour in ("red", "blue"):
        attachment_add(
            dossier=draft,
            document="giay-chung-sinh",
            uploaded_file=upload("trang.png", image_bytes("PNG", colour)),
            user=citizen,
        )

    assert draft.attachments.count() == 2


@pytest.mark.django_db
def test_the_dossier_total_is_limited(draft, citizen, settings):
    first = image_bytes("PNG", "red")
    settings.DOSSIER_ATTACHMENTS_MAX_BYTES = len(first) + 10
    attachment_add(dossier=draft, document="a", uploaded_file=upload("1.png", first), user=citizen)

    with pytest.raises(ValidationError, match="các tệp của một hồ sơ tối đa"):
        attachment_add(
            dossier=draft, document="b", uploaded_file=upload("2.png", image_bytes("PNG", "blue")), user=citizen
        )

    assert draft.attachments.count() == 1


@pytest.mark.django_db
def test_a_fake_file_is_not_stored(draft, citizen, settings):
    with pytest.raises(ValidationError):
        attachment_add(dossier=draft, document="a", uploaded_file=upload("x.pdf", b"MZ" + b"\x00" * 50), user=citizen)

    assert not Attachment.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "dossiers").exists()


@pytest.mark.django_db
def test_files_cannot_change_after_submission(attachment, draft, citizen):
    dossier_submit(dossier=draft, actor=citizen)

    with pytest.raises(DossierActionError, match="không thay đổi tệp"):
        attachment_add(dossier=draft, document="a", uploaded_file=upload("a.png", image_bytes("PNG")), user=citizen)
    with pytest.raises(DossierActionError):
        attachment_remove(attachment=attachment, user=citizen)


@pytest.mark.django_db
def test_files_may_change_again_when_a_supplement_is_asked(draft, citizen, one_stop_a):
    dossier_submit(dossier=draft, actor=citizen)
    dossier_request_supplement(dossier=draft, officer=one_stop_a, reason="Ảnh giấy chứng sinh bị mờ.")

    added = attachment_add(dossier=draft, document="a", uploaded_file=upload("a.png", image_bytes("PNG")), user=citizen)

    assert added.pk


@pytest.mark.django_db
def test_another_citizen_cannot_add_or_remove(attachment, draft, other_citizen):
    with pytest.raises(DossierActionError, match="không có quyền"):
        attachment_add(
            dossier=draft, document="a", uploaded_file=upload("a.png", image_bytes("PNG")), user=other_citizen
        )
    with pytest.raises(DossierActionError):
        attachment_remove(attachment=attachment, user=other_citizen)


@pytest.mark.django_db(transaction=True)
def test_remove_deletes_the_row_and_the_file(attachment, citizen):
    stored = Path(attachment.file.path)

    attachment_remove(attachment=attachment, user=citizen)

    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not stored.exists()


# --- download ---------------------------------------------------------------------------------------------


def download_url(attachment: Attachment) -> str:
    return reverse("procedures:attachment-download", args=(attachment.dossier.uuid, attachment.pk))


@pytest.mark.django_db
def test_the_owner_downloads_with_safe_headers(client, attachment, citizen):
    client.force_login(citizen)

    response = client.get(download_url(attachment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('giấy chứng sinh.pdf')}" in disposition
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


@pytest.mark.django_db
def test_an_officer_of_the_unit_downloads_once_it_is_filed(client, attachment, citizen, one_stop_a, justice_a):
    dossier_submit(dossier=attachment.dossier, actor=citizen)
    for officer in (one_stop_a, justice_a):
        client.force_login(officer)
        assert client.get(download_url(attachment)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["one_stop_a", "justice_a", "leader_a", "district_staff", "city_staff", "police_a", "social_insurance_a"]
)
def test_the_citizens_draft_is_theirs_alone(request, client, citizen, birth_procedure, old_commune_a, who):
    """Until the citizen submits it, their online draft and its scans are theirs: no officer opens them, though the
    draft (begun at Phúc Xá) is in the jurisdiction of every one of them."""
    draft = dossier_create_draft(
        procedure=birth_procedure, unit=old_commune_a, applicant=citizen, channel="online_self"
    )
    scan = attachment_add(
        dossier=draft, document="giay-chung-sinh", uploaded_file=upload("a.pdf", pdf_bytes()), user=citizen
    )
    client.force_login(request.getfixturevalue(who))
    assert client.get(download_url(scan)).status_code == 404
    client.force_login(citizen)
    assert client.get(download_url(scan)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["police_a", "social_insurance_a"])
def test_an_agency_downloads_no_scan_of_a_filed_dossier(request, client, attachment, citizen, who):
    """The commune's agencies read the linked records sent to them, not the dossier's scans (here there is none)."""
    dossier_submit(dossier=attachment.dossier, actor=citizen)
    client.force_login(request.getfixturevalue(who))
    assert client.get(download_url(attachment)).status_code == 404


@pytest.mark.django_db
def test_others_get_a_404(client, attachment, other_citizen, one_stop_b):
    for person in (other_citizen, one_stop_b):
        client.force_login(person)
        assert client.get(download_url(attachment)).status_code == 404


@pytest.mark.django_db
def test_an_attachment_of_another_dossier_is_not_reachable_through_mine(
    client, attachment, citizen, commune_a, birth_procedure
):
    mine = dossier_create_draft(procedure=birth_procedure, unit=commune_a, applicant=citizen, channel="online_self")
    client.force_login(citizen)

    url = reverse("procedures:attachment-download", args=(mine.uuid, attachment.pk))

    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in(client, attachment):
    response = client.get(download_url(attachment))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_download_is_get_only(client, attachment, citizen):
    client.force_login(citizen)

    assert client.post(download_url(attachment)).status_code == 405
