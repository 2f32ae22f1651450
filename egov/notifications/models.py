"""The notification outbox: one row per SMS or e-mail, written with the event it announces, sent by a worker."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    SMS = "sms", _("Tin nhắn SMS")
    EMAIL = "email", _("Thư điện tử")


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")


class Notification(models.Model):
    """One message to the requester of a dossier about one of its events, on one channel.

    Written in the transaction of the event as `pending` (the outbox), so a committed event never lacks its
    message and a rolled-back one never sends one. The text is rendered then, as of the event. `next_attempt_at`
    is when a worker may next take the row: the next try of a pending row, the end of the lease of a row being
    sent (egov.notifications.services explains the lease and why a message may, rarely, go twice).
    """

    dossier = models.ForeignKey(
        "procedures.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="notifications"
    )
    # The dossier's action this message announces (submit, receive, …): the template it was rendered from.
    action = models.CharField(_("sự kiện"), max_length=30)
    channel = models.CharField(_("kênh"), max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    text = models.TextField(_("nội dung"))
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
        db_index=True,
    )
    # Tries since the row was written or last re-sent; the last allowed one marks it failed.
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("lần gửi tiếp theo"), null=True, blank=True)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    last_error = models.CharField(_("lỗi lần gửi gần nhất"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.action} – {self.dossier}"
