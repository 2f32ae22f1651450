"""Attachments of a dossier: checking uploads by their content, keeping them privately, adding and removing them.

Decisions:
- The type comes from the bytes (magic numbers, then a full decode for images and the end marker for PDFs),
  never from the name or the browser's Content-Type, which a renamed file would fake.
- A document slot (`document`, e.g. "giay-chung-sinh") may hold several files, because a phone photo is one
  page and a paper may have two sides. Uploading the very same file (same SHA-256) to the same slot again
  returns the existing attachment instead of storing a copy, so going back a step and re-sending the form
  does not eat the dossier's quota. To replace a file, remove it and add the new one.
- File errors are `ValidationError` (a form shows them beside the field and keeps the other answers);
  a dossier that may not be edited now, or by this user, is a `DossierActionError`.
"""

import hashlib
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from procedures.models import Attachment, Dossier, Status, can_resubmit
from procedures.services import DossierActionError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
ALLOWED_CONTENT_TYPES = (PDF, JPEG, PNG)

_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
# Scanners and phone apps append a little after %%EOF (a newline, sometimes an incremental-update
# trailer); a file whose marker is nowhere near the end was cut off during upload.
_PDF_TAIL_BYTES = 2048
_MAX_DECODED_PIXELS = 25_000_000
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.NEEDS_SUPPLEMENT})


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


def _image_decodes(stream: IO[bytes]) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        stream.seek(0)
        with Image.open(stream) as image:
            image.verify()
        # verify() checks the structure only; decoding catches a truncated photo. A JPEG decodes at 1/8
        # scale (cheap, and every block is still read); a PNG whose pixels would take more memory than a
        # web worker should spend is left with the structural check.
        stream.seek(0)
        with Image.open(stream) as image:
            image.draft("RGB", (image.width // 8 or 1, image.height // 8 or 1))
            if image.width * image.height <= _MAX_DECODED_PIXELS:
                image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def _pdf_complete(stream: IO[bytes], size: int) -> bool:
    stream.seek(max(0, size - _PDF_TAIL_BYTES))
    return b"%%EOF" in stream.read()


def attachment_check(uploaded_file: UploadedFile) -> str:
    """The real content type of an upload (PDF, JPEG or PNG), or a `ValidationError` saying what to do."""
    name = uploaded_file.name or _("không tên")
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
    head = uploaded_file.read(8)
    content_type = next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)
    genuine = content_type is not None and (
        _pdf_complete(uploaded_file, size) if content_type == PDF else _image_decodes(uploaded_file)
    )
    uploaded_file.seek(0)
    if not genuine:
        raise _not_genuine(name)
    return content_type


def _sha256(uploaded_file: UploadedFile) -> str:
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


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
    """Check an upload and keep it under a random name; the dossier must be a draft or awaiting a supplement.

    Raises `ValidationError` for a fake, empty or oversized file or when the dossier's total would pass
    DOSSIER_ATTACHMENTS_MAX_BYTES, and `DossierActionError` when the dossier may not be edited by `user`.
    """
    content_type = attachment_check(uploaded_file)
    sha256 = _sha256(uploaded_file)
    with transaction.atomic():
        # The row lock serialises two uploads to the same dossier, so both cannot pass the total check.
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        _check_editable(locked, user)
        existing = locked.attachments.filter(document=document, sha256=sha256).first()
        if existing is not None:
            return existing
        used = locked.attachments.aggregate(total=Sum("size"))["total"] or 0
        limit = settings.DOSSIER_ATTACHMENTS_MAX_BYTES
        if used + uploaded_file.size > limit:
            raise ValidationError(
                _(
                    "Tệp “%(name)s” không thêm được: các tệp của một hồ sơ tối đa %(max)s, hồ sơ đã có "
                    "%(used)s. Hãy xóa bớt tệp không cần hoặc chụp lại với độ phân giải thấp hơn."
                )
                % {"name": uploaded_file.name, "max": megabytes(limit), "used": megabytes(used)},
                code="dossier_size",
            )
        attachment = Attachment(
            dossier=locked,
            document=document,
            original_name=(uploaded_file.name or "")[:255],
            content_type=content_type,
            size=uploaded_file.size,
            sha256=sha256,
            uploaded_by=user,
        )
        attachment.file.save("upload", uploaded_file, save=False)
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
