"""The Django admin for accounts: city staff list, add and edit officers (role + unit) and reset passwords."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User


class PortalUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("username", "full_name", "role", "unit", "email", "phone")


class PortalUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Role and unit are checked together by User.clean(), which the admin forms call."""

    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = ("username", "full_name", "role", "unit", "id_number", "phone", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", ("unit", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("unit",)
    search_fields = ("username", "full_name", "id_number", "phone", "email")
    ordering = ("role", "username")
    raw_id_fields = ("unit",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "id_number", "sex", "birth_date", "phone", "email")}),
        (_("Vai trò và đơn vị"), {"fields": ("role", "unit")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "role", "unit", "email", "phone", "password1", "password2"),
            },
        ),
    )
