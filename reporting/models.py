"""Reporting rollups: one fact row per reported dossier and additive counters per unit, procedure and period.

A dossier's fact says on which day each countable thing happened to it (received, resolved, withdrawn, due…).
The rollup holds, for every unit of the levels above the dossier (commune, district before the 2025 reform, city),
procedure, grain (day, month, year) and period, how many facts fall in the period for each flow. Any period is a
sum of a few rollup rows, and any stock (in progress, overdue, not collected) at a day is a difference of
cumulative flows, so a dashboard reads a number of rows that does not grow with the number of dossiers. See
docs/adr/0009-reporting-rollups.md.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.units.models import AdministrativeUnit
from procedures.models import Channel, Dossier, Procedure


class Grain(models.TextChoices):
    DAY = "d", _("Ngày")
    MONTH = "m", _("Tháng")
    YEAR = "y", _("Năm")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class DossierFact(models.Model):
    """What the reports count of one dossier, as of its last change. Only dossiers counted by the reports
    (received or refused on or after their unit's official start, own or inherited) have a fact."""

    dossier = models.OneToOneField(Dossier, primary_key=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    # None for a commune directly under the city (the structure since 1/7/2025).
    district = models.ForeignKey(AdministrativeUnit, null=True, on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    # The working day the clock started on (online dossiers sent after hours count from the next one).
    receipt_day = models.DateField()
    received_day = models.DateField(null=True)
    refused_day = models.DateField(null=True)
    # The due time as it stands; none while the clock is paused for a supplement.
    due_at = models.DateTimeField(null=True)
    due_day = models.DateField(null=True)
    resolved_day = models.DateField(null=True)
    timeliness = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)
    rejected = models.BooleanField(default=False)
    processing_days = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    withdrawn_day = models.DateField(null=True)
    # The day a received dossier left the office's hands: resolved or withdrawn.
    closed_day = models.DateField(null=True)
    # max(due_day, closed_day) of a closed dossier that had a due day: from then on it no longer counts
    # as "overdue at the end of the day" (overdue(D) = due up to D − closed-due keys up to D).
    due_closed_day = models.DateField(null=True)
    delivered_day = models.DateField(null=True)
    settled_day = models.DateField(null=True)
    interconnect_days = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    linked_day = models.DateField(null=True)
    linked_opened = models.PositiveSmallIntegerField(default=0)
    linked_failed = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            # The live figures ("now") read only the dossiers received and still open. A refusal at receipt is never
            # closed either: without received_day the index would keep every refusal ever made and grow with them.
            models.Index(
                fields=["unit"],
                condition=models.Q(closed_day__isnull=True, received_day__isnull=False),
                name="fact_open_by_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"fact {self.dossier_id}"


class Rollup(models.Model):
    """Counters of the facts whose day of each flow falls in one period, for one unit and procedure."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    grain = models.CharField(max_length=1, choices=Grain.choices)
    period_start = models.DateField()

    received_online_self = models.IntegerField(db_default=0)
    received_online_assisted = models.IntegerField(db_default=0)
    received_counter = models.IntegerField(db_default=0)
    received_post = models.IntegerField(db_default=0)
    refused = models.IntegerField(db_default=0)
    resolved_early = models.IntegerField(db_default=0)
    resolved_on_time = models.IntegerField(db_default=0)
    resolved_late = models.IntegerField(db_default=0)
    rejected = models.IntegerField(db_default=0)
    processing_days_sum = models.DecimalField(max_digits=14, decimal_places=2, db_default=0)
    withdrawn = models.IntegerField(db_default=0)
    delivered = models.IntegerField(db_default=0)
    due = models.IntegerField(db_default=0)
    due_closed = models.IntegerField(db_default=0)
    settled_interconnect = models.IntegerField(db_default=0)
    interconnect_days_sum = models.DecimalField(max_digits=14, decimal_places=2, db_default=0)
    linked_opened = models.IntegerField(db_default=0)
    linked_failed = models.IntegerField(db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "grain", "period_start", "procedure"], name="rollup_bucket_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.procedure_id} {self.grain} {self.period_start}"


class DirtyDossier(models.Model):
    """A dossier whose fact may be stale: written in the same transaction as its event, consumed by the refresh."""

    dossier_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"dirty {self.dossier_id}"


class WeeklyReport(models.Model):
    """The city's weekly PDF report (Monday to Sunday), generated by beat on Monday and kept for download."""

    week_start = models.DateField(_("tuần bắt đầu"), unique=True)
    pdf = models.FileField(_("tệp PDF"), upload_to="reports/weekly/")
    generated_at = models.DateTimeField(_("thời điểm lập"), auto_now=True)

    class Meta:
        verbose_name = _("báo cáo tuần")
        verbose_name_plural = _("báo cáo tuần")
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return f"{self.week_start:%d/%m/%Y}"
