"""The city's extra days off and make-up working days, on top of the public holidays."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ")
    WORKING_DAY = "working_day", _("Ngày làm việc bù")


class CalendarException(models.Model):
    """A date the city declares a day off or a (make-up) working day, overriding weekends and holidays."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại ngày"), max_length=16, choices=CalendarExceptionKind.choices)
    note = models.CharField(
        _("ghi chú"),
        max_length=255,
        blank=True,
        help_text=_("Lý do hoặc văn bản quyết định, ví dụ: Làm bù cho ngày 02/5 theo Thông báo số …"),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày điều chỉnh lịch làm việc")
        verbose_name_plural = _("ngày điều chỉnh lịch làm việc")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}"
