"""Attachments of a dossier: checking uploads by their content, keeping them privately, adding and removing them.

Decisions:
- The type comes from the bytes (magic numbers, then a full decode for images and the end marker and a parse
  for PDFs), never from the name or the browser's Content-Type, which a renamed file would fake.
- A PDF with scripts, launch actions, embedded files or HTML is refused (see procedures.pdf_safety).
- A photo is kept re-encoded, without its EXIF (GPS position, phone, time), XMP, ICC profile or comments:
  officers need the picture, not where it was taken. Its EXIF orientation is applied first, so it stays upright.
- The stored file's name is random with the extension of the real type; the name shown and used for
  downloads is the citizen's, reduced to a safe form (`safe_file_name`).
- A document slot (`document`, e.g. "giay-chung-sinh") may hold several files, because a phone photo is one
  page and a paper may have two sides. Uploading the very same file (same SHA-256) to the same slot again
  returns the existing attachment instead of storing a copy, so going back a step and re-sending the form
  does not eat the dossier's quota. To replace a file, remove it and add the new one.
- File errors are `ValidationError` (a form shows them beside the field and keeps the other answers);
  a dossier that may not be edited now, or by this user, is a `DossierActionError`.
"""

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from PIL import ExifTags, Image

from procedures.models import ATTACHMENT_EXTENSIONS, EDITABLE_STATUSES, Attachment, Dossier, can_resubmit
from procedures.pdf_safety import PdfVerdict, pdf_inspect
from procedures.services import DossierActionError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

# The file must start with its magic number: a PDF reader accepts %PDF- anywhere in the first kilobyte, which is
# where an HTML/PDF polyglot puts its page.
_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
# Scanners and phone apps append a little after %%EOF (a newline, sometimes an incremental-update
# trailer); a file whose marker is nowhere near the end was cut off during upload.
_PDF_TAIL_BYTES = 2048
# An A4 page scanned at 600 dpi is 35 million pixels; decoding more would take a web worker's memory.
MAX_IMAGE_PIXELS = 40_000_000
# EXIF orientation → the turn that makes the picture upright (as ImageOps.exif_transpose does).
_EXIF_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Characters Windows refuses in a file name (the download keeps the name), and names it reserves.
_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_RESERVED = re.compile(r"(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])", re.IGNORECASE)
# Vietnamese letters take 2 or 3 bytes in UTF-8; 80 characters stay under the 255 bytes file systems allow.
MAX_NAME_CHARS = 80


def megabytes(size: int) -> str:
    """'7,2 MB' or '5 MB': the way a Vietnamese reader writes sizes (decimal comma, no useless ',0')."""
    value = f"{size / (1024 * 1024):.1f}".replace(".", ",")
    return f"{value.removesuffix(',0')} MB"


def _not_genuine(name: str) -> ValidationError:
    return ValidationError(
        _(
            "Tệp “%(name)s” không phải PDF, JPEG hay PNG thật. "
            "Hãy chụp hoặc quét lại giấy tờ và tải lên tệp ảnh hoặc PDF."
        )
        % {"name": name},
        code="file_type",
    )


def safe_file_name(name: str, *, fallback: str, extensions: tuple[str, ...] = ()) -> str:
    """`name` fit to show and to save on any computer: NFC, diacritics kept, no folders, control or bidi
    characters, characters or names Windows refuses, no leading dot, at most MAX_NAME_CHARS; `fallback` when
    nothing is left. With `extensions`, the name ends in one of them (the first replaces any other)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = " ".join(_UNSAFE_IN_NAMES.sub("", name).split())
    stem, dot, extension = name.rpartition(".")
    # "ngày 15.12.2016" has no extension: one is a few ASCII letters, perhaps with digits.
    if not (dot and extension.isascii() and extension.isalnum() and not extension.isdigit() and len(extension) <= 5):
        stem, extension = name, ""
    else:
        extension = "." + extension.lower()
    if extensions and extension not in extensions:
        extension = extensions[0]
    stem = stem.strip(". ")
    if _WINDOWS_RESERVED.fullmatch(stem.split(".", 1)[0].strip()):
        stem = ""
    stem = stem[: MAX_NAME_CHARS - len(extension)].rstrip(". ") or fallback
    return stem + extension


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: its real type, the bytes to keep and its name made safe."""

    content_type: str
    content: bytes
    name: str


def _check_pdf(content: bytes, name: str) -> None:
    if b"%%EOF" not in content[-_PDF_TAIL_BYTES:]:
        raise _not_genuine(name)
    verdict = pdf_inspect(content)
    if verdict == PdfVerdict.ACTIVE:
        raise ValidationError(
            _(
                "Tệp “%(name)s” có chứa mã chạy tự động hoặc tệp đính kèm bên trong, nên không nhận được. "
                "Hãy in lại tệp ra PDF (ví dụ chọn “In” → “Lưu thành PDF”) rồi tải lên."
            )
            % {"name": name},
            code="pdf_active",
        )
    if verdict == PdfVerdict.UNREADABLE:
        raise ValidationError(
            _(
                "Tệp PDF “%(name)s” bị hỏng, có mật khẩu hoặc không đọc được. "
                "Hãy quét hoặc in lại giấy tờ ra PDF rồi tải lên."
            )
            % {"name": name},
            code="pdf_unreadable",
        )


def _image_without_metadata(content: bytes, content_type: str, name: str) -> bytes:
    """The picture re-encoded upright in its own format, with only its resolution and transparency kept."""
    too_large = ValidationError(
        _("Ảnh “%(name)s” có quá nhiều điểm ảnh (tối đa %(max)s triệu). Hãy chụp lại với độ phân giải thấp hơn.")
        % {"name": name, "max": MAX_IMAGE_PIXELS // 1_000_000},
        code="image_pixels",
    )
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            # The header gives the size before any pixel is decoded, so a small file cannot expand into gigabytes.
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise too_large
            image.load()  # a photo cut off during upload fails here
            kept = {key: image.info[key] for key in ("dpi", "transparency") if key in image.info}
            # Turned here rather than by ImageOps.exif_transpose, which writes the EXIF back and fails on a
            # damaged one that is about to be dropped anyway.
            turn = _EXIF_TURNS.get(image.getexif().get(ExifTags.Base.Orientation))
            upright = image.transpose(turn) if turn is not None else image
            # A new image carries nothing of the old one's info (Pillow would write the JPEG comment back).
            upright.info = {}
            if content_type == JPEG:
                kept["quality"] = 90
            cleaned = io.BytesIO()
            # Saved by the sniffed type: a phone's multi-picture JPEG (MPO) keeps its first picture, as JPEG.
            upright.save(cleaned, format="JPEG" if content_type == JPEG else "PNG", **kept)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    # Pillow reading a hostile file fails in ways it does not document (struct.error, TypeError in EXIF …);
    # each means the same to the citizen: this is not a photo that can be kept.
    except Exception as exc:
        raise _not_genuine(name) from exc
    return cleaned.getvalue()


def attachment_check(uploaded_file: UploadedFile) -> CheckedUpload:
    """The real type of an upload (PDF, JPEG or PNG) and the bytes to keep, or a `ValidationError` saying
    what to do."""
    name = safe_file_name(uploaded_file.name, fallback=_("không tên"))
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError(
            _("Tệp “%(name)s” trống. Hãy chọn lại tệp ảnh chụp hoặc bản quét giấy tờ.") % {"name": name},
            code="file_empty",
        )
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("Tệp “%(name)s” nặng %(size)s; mỗi tệp tối đa %(max)s. Hãy chụp lại với độ phân giải thấp hơn.")
            % {"name": name, "size": megabytes(size), "max": megabytes(settings.ATTACHMENT_MAX_BYTES)},
            code="file_size",
        )
    uploaded_file.seek(0)
    content = uploaded_file.read()
    uploaded_file.seek(0)
    content_type = next((kind for magic, kind in _MAGIC if content.startswith(magic)), None)
    if content_type is None:
        raise _not_genuine(name)
    if content_type == PDF:
        _check_pdf(content, name)
    else:
        content = _image_without_metadata(content, content_type, name)
    return CheckedUpload(content_type=content_type, content=content, name=name)


def _check_editable(dossier: Dossier, user) -> None:
    # Whoever may answer a supplement request (the owner; the one-stop officer for counter-assisted
    # dossiers) is who may change the files of a draft too.
    if not can_resubmit(dossier, user):
        raise DossierActionError(_("Bạn không có quyền thay đổi tệp của hồ sơ này."))
    if dossier.status not in EDITABLE_STATUSES:
        raise DossierActionError(
            _("Hồ sơ đang ở trạng thái “%(status)s”, không thay đổi tệp đính kèm được nữa.")
            % {"status": dossier.get_status_display()}
        )


def attachment_add(*, dossier: Dossier, document: str, uploaded_file: UploadedFile, user) -> Attachment:
    """Check an upload and keep it (a photo without its metadata) under a random name; the dossier must be a
    draft or awaiting a supplement.

    Raises `ValidationError` for a fake, empty, oversized or unsafe file or when the dossier's total would pass
    DOSSIER_ATTACHMENTS_MAX_BYTES, and `DossierActionError` when the dossier may not be edited by `user`.
    """
    checked = attachment_check(uploaded_file)
    # Re-encoding is deterministic, so the same photo sent twice still has one digest.
    sha256 = hashlib.sha256(checked.content).hexdigest()
    with transaction.atomic():
        # The row lock serialises two uploads to the same dossier, so both cannot pass the total check.
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        _check_editable(locked, user)
        existing = locked.attachments.filter(document=document, sha256=sha256).first()
        if existing is not None:
            return existing
        used = locked.attachments.aggregate(total=Sum("size"))["total"] or 0
        limit = settings.DOSSIER_ATTACHMENTS_MAX_BYTES
        if used + len(checked.content) > limit:
            raise ValidationError(
                _(
                    "Tệp “%(name)s” không thêm được: các tệp của một hồ sơ tối đa %(max)s, hồ sơ đã có "
                    "%(used)s. Hãy xóa bớt tệp không cần hoặc chụp lại với độ phân giải thấp hơn."
                )
                % {"name": checked.name, "max": megabytes(limit), "used": megabytes(used)},
                code="dossier_size",
            )
        attachment = Attachment(
            dossier=locked,
            document=document,
            original_name=safe_file_name(
                uploaded_file.name, fallback=document, extensions=ATTACHMENT_EXTENSIONS[checked.content_type]
            ),
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=sha256,
            uploaded_by=user,
        )
        attachment.file.save("upload", ContentFile(checked.content), save=False)
        # A failed insert must not leave an orphan file on disk.
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def attachment_remove(*, attachment: Attachment, user) -> None:
    """Delete an attachment and its stored file; allowed while the dossier may be edited by `user`."""
    with transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=attachment.dossier_id)
        _check_editable(locked, user)
        storage, name = attachment.file.storage, attachment.file.name
        attachment.delete()
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(name))
