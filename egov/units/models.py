"""The administrative-unit trees (before and after a reform), the old→new links between them, and the rollout dates."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    CITY = "city", _("Tỉnh/thành phố")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class UnitKind(models.TextChoices):
    CENTRAL_CITY = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    PROVINCE = "tinh", _("Tỉnh")
    URBAN_DISTRICT = "quan", _("Quận")
    RURAL_DISTRICT = "huyen", _("Huyện")
    TOWN = "thi_xa", _("Thị xã")
    PROVINCIAL_CITY = "thanh_pho", _("Thành phố thuộc tỉnh")
    WARD = "phuong", _("Phường")
    COMMUNE = "xa", _("Xã")
    TOWNLET = "thi_tran", _("Thị trấn")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")


# District-level kinds whose time limits follow the urban rules (e.g. social insurance 2.5 days in Hanoi).
URBAN_DISTRICT_KINDS = frozenset({UnitKind.URBAN_DISTRICT, UnitKind.TOWN, UnitKind.PROVINCIAL_CITY})
# Commune-level kinds that are urban by themselves, where no district level stands above them (since 07/2025).
URBAN_COMMUNE_KINDS = frozenset({UnitKind.WARD})


class AdministrativeUnitQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.valid_during(day, day)

    def valid_during(self, start, end):
        """The units that existed on at least one day from `start` to `end`."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=end),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=start),
        )

    def communes(self):
        return self.filter(level=UnitLevel.COMMUNE)

    def districts(self):
        return self.filter(level=UnitLevel.DISTRICT)


class AdministrativeUnit(models.Model):
    """A city, district-level or commune-level unit with its official (GSO) code, valid over a period."""

    code = models.CharField(_("mã đơn vị (GSO)"), max_length=10)
    name = models.CharField(_("tên"), max_length=120)
    kind = models.CharField(_("loại"), max_length=16, choices=UnitKind.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "valid_from"], name="unit_code_unique_per_period"),
            models.UniqueConstraint(
                fields=["level", "code"], condition=models.Q(valid_from__isnull=True), name="unit_code_unique_undated"
            ),
        ]
        indexes = [models.Index(fields=["parent", "level"])]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: date) -> bool:
        """The in-memory twin of `AdministrativeUnit.objects.valid_on(day)`."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_urban(self) -> bool:
        """Whether the unit follows the urban time limits: a commune under a district (before the 2025 reform) as
        its district did then; a commune directly under the city by its own kind (a *phường* is urban, a *xã*
        rural)."""
        district = self.district
        if district is not None:
            return district.kind in URBAN_DISTRICT_KINDS
        return self.level == UnitLevel.COMMUNE and self.kind in URBAN_COMMUNE_KINDS

    @property
    def district(self) -> "AdministrativeUnit | None":
        """The district-level unit this unit is or belongs to; None for the city and for a commune directly under it
        (the structure since 1/7/2025)."""
        if self.level == UnitLevel.DISTRICT:
            return self
        if self.level == UnitLevel.COMMUNE and self.parent is not None and self.parent.level == UnitLevel.DISTRICT:
            return self.parent
        return None


class UnitRollout(models.Model):
    """When a unit started the online service: trial first, then official (rates count from then).

    Recorded per district in 2016; a commune without a record of its own inherits its district's, and a commune
    formed by a reform the earliest of its predecessors' (egov.units.selectors.rollouts_effective).
    """

    unit = models.OneToOneField(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="rollout"
    )
    trial_start = models.DateField(_("ngày bắt đầu thử nghiệm"), null=True, blank=True)
    official_start = models.DateField(_("ngày chính thức triển khai"))

    class Meta:
        verbose_name = _("lộ trình triển khai")
        verbose_name_plural = _("lộ trình triển khai")
        ordering = ["official_start", "unit__code"]

    def __str__(self) -> str:
        return f"{self.unit} ({self.official_start:%d/%m/%Y})"

    def clean(self) -> None:
        if self.unit_id and self.unit.level == UnitLevel.CITY:
            raise ValidationError({"unit": _("Lộ trình triển khai ghi cho đơn vị cấp huyện hoặc cấp xã.")})
        if self.trial_start and self.official_start and self.trial_start > self.official_start:
            raise ValidationError(
                {"trial_start": _("Ngày bắt đầu thử nghiệm phải trước hoặc cùng ngày chính thức triển khai.")}
            )


class UnitSuccession(models.Model):
    """One old→new link of a reorganisation: (part of) the old unit's territory now belongs to the new unit.

    An old unit split between several new units has several rows, and exactly one of them holds its records: that
    successor keeps its dossiers and register books, and reports re-aggregate its history there (ADR 0011).
    """

    old_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị cũ"), on_delete=models.CASCADE, related_name="successor_links"
    )
    new_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị mới"), on_delete=models.CASCADE, related_name="predecessor_links"
    )
    holds_records = models.BooleanField(
        _("giữ hồ sơ, sổ hộ tịch"),
        default=False,
        help_text=_(
            "Đơn vị mới tiếp nhận hồ sơ, sổ hộ tịch và số liệu báo cáo của đơn vị cũ; mỗi đơn vị cũ có đúng một."
        ),
    )

    class Meta:
        verbose_name = _("chuyển đổi đơn vị hành chính")
        verbose_name_plural = _("chuyển đổi đơn vị hành chính")
        ordering = ["new_unit__code", "old_unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["old_unit", "new_unit"], name="unit_succession_unique"),
            models.UniqueConstraint(
                fields=["old_unit"], condition=models.Q(holds_records=True), name="one_record_holder_per_old_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_unit} → {self.new_unit}"
