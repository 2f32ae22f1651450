"""The user model: citizens (identified by their personal ID number or phone) and officers (role + unit)."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.accounts.id_number import Sex, validate_id_number
from egov.accounts.phone import validate_mobile_phone
from egov.units.models import AdministrativeUnit, UnitLevel


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    ONE_STOP = "one_stop", _("Cán bộ một cửa")
    JUSTICE = "justice", _("Công chức tư pháp – hộ tịch")
    LEADER = "leader", _("Lãnh đạo UBND xã")
    POLICE = "police", _("Cán bộ công an")
    SOCIAL_INSURANCE = "social_insurance", _("Cán bộ bảo hiểm xã hội")
    DISTRICT = "district", _("Cán bộ cấp huyện")
    CITY = "city", _("Cán bộ cấp thành phố")


# The unit levels each officer role may work at, the usual one first; a citizen has no unit. Police and social
# insurance were organised by district until the 2025 reform and are assigned to today's communes since.
ROLE_UNIT_LEVELS = {
    Role.ONE_STOP: (UnitLevel.COMMUNE,),
    Role.JUSTICE: (UnitLevel.COMMUNE,),
    Role.LEADER: (UnitLevel.COMMUNE,),
    Role.POLICE: (UnitLevel.COMMUNE, UnitLevel.DISTRICT),
    Role.SOCIAL_INSURANCE: (UnitLevel.COMMUNE, UnitLevel.DISTRICT),
    Role.DISTRICT: (UnitLevel.DISTRICT,),
    Role.CITY: (UnitLevel.CITY,),
}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **fields):
        if not username:
            raise ValueError("username is required")
        user = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields):
        fields.setdefault("role", Role.CITY)
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """One account. Citizens' username is their ID number; officers get a login name from the city."""

    username = models.CharField(_("tên đăng nhập"), max_length=64, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    id_number = models.CharField(
        _("số định danh cá nhân"), max_length=12, unique=True, null=True, blank=True, validators=[validate_id_number]
    )
    phone = models.CharField(
        _("số điện thoại"), max_length=15, unique=True, null=True, blank=True, validators=[validate_mobile_phone]
    )
    # Kept because the ID number is checked against them, and later forms prefill the requester with them.
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị công tác"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    is_staff = models.BooleanField(_("được vào trang quản trị"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    date_joined = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="citizen") | models.Q(unit__isnull=False) | models.Q(is_superuser=True),
                name="officer_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        """An officer works in exactly one unit of the level their role needs; a citizen has no unit."""
        super().clean()
        if self.role == Role.CITIZEN:
            if self.unit_id is not None:
                raise ValidationError({"unit": _("Tài khoản công dân không có đơn vị công tác. Bỏ trống ô này.")})
            return
        levels = ROLE_UNIT_LEVELS[Role(self.role)]
        needed = _(" hoặc ").join(str(UnitLevel(level).label).lower() for level in levels)
        if self.unit_id is None:
            if not self.is_superuser:
                raise ValidationError({"unit": _("Chọn đơn vị công tác (%(level)s) cho cán bộ.") % {"level": needed}})
            return
        if self.unit.level not in levels:
            raise ValidationError(
                {
                    "unit": _("Vai trò “%(role)s” làm việc ở %(level)s. Chọn một đơn vị %(level)s.")
                    % {"role": self.get_role_display(), "level": needed}
                }
            )

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN

    @property
    def is_officer(self) -> bool:
        return self.role != Role.CITIZEN
