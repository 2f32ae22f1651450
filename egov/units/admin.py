"""Admin for city staff: the unit trees, the old→new mapping (and who holds the old records), the rollout dates."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from egov.units.models import AdministrativeUnit, UnitLevel, UnitRollout, UnitSuccession


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


class SuccessorForm(ModelForm):
    def validate_constraints(self) -> None:
        # The one-holder constraint is checked for the links together (SuccessorFormSet), which are saved with the
        # unticked one first; checked form by form against the database, moving the records would always clash.
        pass


class SuccessorFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        rows = [f for f in self.forms if f.is_valid() and f.cleaned_data]
        if rows and sum(1 for f in rows if f.cleaned_data.get("holds_records")) != 1:
            raise ValidationError(_("Chọn đúng một đơn vị mới giữ hồ sơ, sổ hộ tịch của đơn vị cũ."))


class SuccessorInline(admin.TabularInline):
    """The new units of an old one; the city may move the records to another successor (one holds them)."""

    model = UnitSuccession
    form = SuccessorForm
    formset = SuccessorFormSet
    fk_name = "old_unit"
    fields = ("new_unit", "holds_records")
    readonly_fields = ("new_unit",)
    extra = 0
    can_delete = False
    verbose_name = _("đơn vị mới (sau sắp xếp)")
    verbose_name_plural = _("đơn vị mới (sau sắp xếp)")

    def has_add_permission(self, request: HttpRequest, obj: AdministrativeUnit | None = None) -> bool:
        return False


class PredecessorInline(SuccessorInline):
    formset = BaseInlineFormSet
    fk_name = "new_unit"
    fields = ("old_unit", "holds_records")
    readonly_fields = fields
    verbose_name = _("đơn vị cũ (trước sắp xếp)")
    verbose_name_plural = _("đơn vị cũ (trước sắp xếp)")


class RolloutInline(admin.StackedInline):
    model = UnitRollout
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
        # Each inline only where it can have rows: a commune has no children, the city no rollout of its own.
        if obj is None:
            return []
        inlines = []
        if obj.level != UnitLevel.COMMUNE:
            inlines.append(ChildInline)
        if obj.level != UnitLevel.CITY:
            inlines += [RolloutInline, SuccessorInline, PredecessorInline]
        return inlines

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        # One successor holds an old unit's records (a unique constraint): moving them saves the unticked link first.
        if formset.model is UnitSuccession:
            formset.forms.sort(key=lambda f: bool(f.cleaned_data.get("holds_records")) if f.is_valid() else False)
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("đơn vị trực thuộc"), ordering="children_count")
    def children_link(self, unit: AdministrativeUnit) -> str:
        if not unit.children_count:
            return "—"
        url = reverse("admin:units_administrativeunit_changelist") + f"?parent__id__exact={unit.pk}"
        return format_html('<a href="{}">{}</a>', url, unit.children_count)


@admin.register(UnitRollout)
class UnitRolloutAdmin(admin.ModelAdmin):
    list_display = ("unit_code", "unit", "trial_start", "official_start")
    list_filter = ("official_start", "unit__level")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit",)
    ordering = ("official_start", "unit__code")
    date_hierarchy = "official_start"
    raw_id_fields = ("unit",)

    @admin.display(description=_("mã"), ordering="unit__code")
    def unit_code(self, rollout: UnitRollout) -> str:
        return rollout.unit.code


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ("old_code", "old_unit", "new_code", "new_unit", "holds_records")
    list_filter = ("holds_records",)
    search_fields = ("old_unit__name", "old_unit__code", "new_unit__name", "new_unit__code")
    list_select_related = ("old_unit", "new_unit")
    raw_id_fields = ("old_unit", "new_unit")

    @admin.display(description=_("mã cũ"), ordering="old_unit__code")
    def old_code(self, link: UnitSuccession) -> str:
        return link.old_unit.code

    @admin.display(description=_("mã mới"), ordering="new_unit__code")
    def new_code(self, link: UnitSuccession) -> str:
        return link.new_unit.code
