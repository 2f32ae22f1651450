"""Admin for city staff: the unit tree (city → district → commune), the old→new mapping and the rollout dates."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from egov.units.models import AdministrativeUnit, DistrictRollout, UnitLevel, UnitSuccession


class DistrictFilter(admin.SimpleListFilter):
    """Units of one district-level unit (the district itself is not listed, only what it contains)."""

    title = _("đơn vị cấp huyện")
    parameter_name = "district"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(str(d.pk), f"{d.code} {d.name}") for d in AdministrativeUnit.objects.districts().order_by("code")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(parent_id=self.value())
        return queryset


class ValidityFilter(admin.SimpleListFilter):
    title = _("hiệu lực")
    parameter_name = "validity"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("current", _("còn hiệu lực")), ("ended", _("hết hiệu lực"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.valid_on(today)
        if self.value() == "ended":
            return queryset.filter(valid_to__lt=today)
        return queryset


class ChildInline(admin.TabularInline):
    """The units directly below: read-only, because the tree is reloaded from data, not typed in."""

    model = AdministrativeUnit
    fk_name = "parent"
    fields = ("code", "name", "kind", "level", "valid_from", "valid_to")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("đơn vị trực thuộc")
    verbose_name_plural = _("đơn vị trực thuộc")

    def has_add_permission(self, request: HttpRequest, obj: AdministrativeUnit | None = None) -> bool:
        return False


class SuccessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "old_unit"
    fields = ("new_unit",)
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("đơn vị mới (sau sắp xếp)")
    verbose_name_plural = _("đơn vị mới (sau sắp xếp)")

    def has_add_permission(self, request: HttpRequest, obj: AdministrativeUnit | None = None) -> bool:
        return False


class PredecessorInline(SuccessorInline):
    fk_name = "new_unit"
    fields = ("old_unit",)
    readonly_fields = fields
    verbose_name = _("đơn vị cũ (trước sắp xếp)")
    verbose_name_plural = _("đơn vị cũ (trước sắp xếp)")


class RolloutInline(admin.StackedInline):
    model = DistrictRollout
    extra = 0
    max_num = 1


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "level", "parent", "valid_from", "valid_to", "children_link")
    list_display_links = ("code", "name")
    list_filter = ("level", "kind", DistrictFilter, ValidityFilter)
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    list_per_page = 100
    ordering = ("level", "code", "valid_from")
    raw_id_fields = ("parent",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(children_count=Count("children"))

    def get_inlines(self, request: HttpRequest, obj: AdministrativeUnit | None) -> list:
        # Each inline only where it can have rows: a commune has no children, only a district has a rollout.
        if obj is None:
            return []
        inlines = []
        if obj.level != UnitLevel.COMMUNE:
            inlines.append(ChildInline)
        if obj.level == UnitLevel.DISTRICT:
            inlines.append(RolloutInline)
        if obj.level != UnitLevel.CITY:
            inlines += [SuccessorInline, PredecessorInline]
        return inlines

    @admin.display(description=_("đơn vị trực thuộc"), ordering="children_count")
    def children_link(self, unit: AdministrativeUnit) -> str:
        if not unit.children_count:
            return "—"
        url = reverse("admin:units_administrativeunit_changelist") + f"?parent__id__exact={unit.pk}"
        return format_html('<a href="{}">{}</a>', url, unit.children_count)


@admin.register(DistrictRollout)
class DistrictRolloutAdmin(admin.ModelAdmin):
    list_display = ("district_code", "district", "trial_start", "official_start")
    list_filter = ("official_start",)
    search_fields = ("district__name", "district__code")
    list_select_related = ("district",)
    ordering = ("official_start", "district__code")
    date_hierarchy = "official_start"

    @admin.display(description=_("mã"), ordering="district__code")
    def district_code(self, rollout: DistrictRollout) -> str:
        return rollout.district.code

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "district":
            kwargs["queryset"] = AdministrativeUnit.objects.districts().order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ("old_code", "old_unit", "new_code", "new_unit")
    search_fields = ("old_unit__name", "old_unit__code", "new_unit__name", "new_unit__code")
    list_select_related = ("old_unit", "new_unit")
    raw_id_fields = ("old_unit", "new_unit")

    @admin.display(description=_("mã cũ"), ordering="old_unit__code")
    def old_code(self, link: UnitSuccession) -> str:
        return link.old_unit.code

    @admin.display(description=_("mã mới"), ordering="new_unit__code")
    def new_code(self, link: UnitSuccession) -> str:
        return link.new_unit.code
