"""Linked records sent to the police and social insurance (the outbox), their attempts and the agencies' callbacks."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency, Dossier


class RecordKind(models.TextChoices):
    """What the agency is asked to do (the `kind` of the protocol)."""

    REGISTER_RESIDENCE = "register_residence", _("Đăng ký thường trú cho trẻ")
    REMOVE_RESIDENCE = "remove_residence", _("Xóa đăng ký thường trú của người đã mất")
    HEALTH_CARD = "health_card", _("Cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi")


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi, chờ cơ quan trả lời")
    COMPLETED = "completed", _("Cơ quan đã giải quyết")
    REJECTED = "rejected", _("Cơ quan từ chối")
    FAILED = "failed", _("Gửi không được, cần gửi lại")


# The agency has answered: nothing more will happen to the record. A failed record is not final: it can be re-sent.
FINAL_RECORD_STATUSES = frozenset({RecordStatus.COMPLETED, RecordStatus.REJECTED})


class LinkedRecord(models.Model):
    """One request to one agency opened when a 3-in-1 dossier is approved; its UUID is the idempotency key.

    Written in the approval transaction as `pending` (the outbox), then pushed by a worker. `next_attempt_at`
    is when a worker may next touch it: the next push of a pending record (a lease while a push is under way),
    or the next poll of a sent one.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="linked_records"
    )
    agency = models.CharField(_("cơ quan"), max_length=20, choices=Agency.choices)
    kind = models.CharField(_("nội dung liên thông"), max_length=30, choices=RecordKind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.PENDING, db_index=True
    )
    # The request body exactly as the protocol defines it, built from the declaration at approval.
    payload = models.JSONField(_("dữ liệu gửi"))
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    # Why the agency rejected or refused the record, or why it could not be sent; shown to the officer.
    reason = models.TextField(_("lý do"), blank=True)
    agency_ref = models.CharField(_("mã tiếp nhận của cơ quan"), max_length=100, blank=True)
    # Push attempts since the record was opened or last re-sent; the last allowed one marks it failed.
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("lần xử lý tiếp theo"), null=True, blank=True)
    sent_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)
    answered_at = models.DateTimeField(_("ngày cơ quan trả lời"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn cơ quan giải quyết"), null=True, blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi lại"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resent_at = models.DateTimeField(_("ngày gửi lại"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ liên thông")
        verbose_name_plural = _("hồ sơ liên thông")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["dossier", "kind"], name="one_linked_record_per_kind")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.dossier}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_RECORD_STATUSES


class LinkedRecordAttempt(models.Model):
    """Append-only log of every request the portal made to an agency about a record (pushes and polls)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Cơ quan đã nhận")
        ANSWERED = "answered", _("Cơ quan cho biết trạng thái")
        UNAVAILABLE = "unavailable", _("Không liên lạc được, sẽ thử lại")
        REFUSED = "refused", _("Cơ quan không nhận: dữ liệu chưa hợp lệ")
        MISCONFIGURED = "misconfigured", _("Sai cấu hình kết nối")
        UNKNOWN = "unknown", _("Cơ quan không có hồ sơ này")

    record = models.ForeignKey(LinkedRecord, on_delete=models.CASCADE, related_name="attempts_log")
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    request = models.CharField(_("yêu cầu"), max_length=200)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(_("mã HTTP"), null=True, blank=True)
    # "timeout", "connection", "bad_response"… when no usable HTTP answer came back.
    error = models.CharField(_("lỗi"), max_length=40, blank=True)
    response_excerpt = models.TextField(_("trích nội dung trả lời"), blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"))

    class Meta:
        verbose_name = _("lần gửi liên thông")
        verbose_name_plural = _("lần gửi liên thông")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.request} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("linked record attempts are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("linked record attempts are append-only")


class AgencyCallback(models.Model):
    """A signed answer an agency posted about a record: applied, or ignored and why. Its event id makes repeats
    harmless. Only signed answers are kept: a post whose signature fails is refused before anything is stored."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Đã ghi nhận")
        IGNORED = "ignored", _("Bỏ qua")

    event_id = models.UUIDField(_("mã sự kiện"), unique=True)
    record = models.ForeignKey(LinkedRecord, on_delete=models.CASCADE, related_name="callbacks")
    received_at = models.DateTimeField(_("thời điểm nhận"), db_index=True)
    body = models.TextField(_("nội dung"))
    outcome = models.CharField(_("xử lý"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    # How many more times the agency delivered this same event (each answered 200 and ignored).
    repeats = models.PositiveIntegerField(_("số lần gửi lặp"), default=0)

    class Meta:
        verbose_name = _("trả lời của cơ quan liên thông")
        verbose_name_plural = _("trả lời của cơ quan liên thông")
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.event_id} {self.outcome}"
