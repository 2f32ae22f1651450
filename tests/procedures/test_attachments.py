"""Attachments: checked by content, size limits, private storage, and downloads only for those who may see them."""

import io
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from reportlab.pdfgen import canvas

from procedures.attachments import attachment_add, attachment_check, attachment_remove, megabytes
from procedures.models import Attachment
from procedures.services import (
    DossierActionError,
    dossier_create_draft,
    dossier_request_supplement,
    dossier_submit,
)


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=True)  # same bytes every time
    page.drawString(72, 720, "Giay chung sinh")
    page.save()
    return buffer.getvalue()


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
    assert attachment_check(upload(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("giay-chung-sinh.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200),  # a Windows program
        ("anh.jpg", "Đây là một tệp văn bản.".encode()),
        ("anh.png", image_bytes("PNG")[:40]),  # cut off during upload: the header alone is not a picture
        ("anh.jpg", image_bytes("JPEG")[:-60]),
        ("scan.pdf", pdf_bytes().replace(b"%%EOF", b"")),
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


def test_megabytes_are_written_the_vietnamese_way():
    assert megabytes(5 * 1024 * 1024) == "5 MB"
    assert megabytes(int(7.25 * 1024 * 1024)) == "7,2 MB"


# --- attachment_add / attachment_remove -------------------------------------------------------------------


@pytest.mark.django_db
def test_add_keeps_the_file_privately_under_a_random_name(attachment, draft, citizen, settings):
    stored = Path(attachment.file.path)

    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT))
    assert "chứng" not in attachment.file.name and not attachment.file.name.endswith(".pdf")
    assert stored.read_bytes()[:5] == b"%PDF-"
    assert attachment.original_name == "giấy chứng sinh.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == stored.stat().st_size
    assert len(attachment.sha256) == 64
    assert attachment.uploaded_by == citizen


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
def test_an_officer_of_the_unit_downloads(client, attachment, one_stop_a, justice_a):
    for officer in (one_stop_a, justice_a):
        client.force_login(officer)
        assert client.get(download_url(attachment)).status_code == 200


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
