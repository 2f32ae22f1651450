"""City staff maintain the extra days off and make-up working days here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from egov.workcal.calendar import get_calendar
from egov.workcal.models import CalendarException

WEEKDAY_NAMES = (_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật"))


class YearListFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "public_holiday", "note", "updated_at"]
    list_filter = ["kind", YearListFilter]
    search_fields = ["note"]
    date_hierarchy = "date"
    ordering = ["date"]
    fields = ["date", "kind", "note"]

    @admin.display(description=_("thứ"))
    def weekday(self, obj: CalendarException) -> str:
        return str(WEEKDAY_NAMES[obj.date.weekday()])

    @admin.display(description=_("ngày lễ theo quy định"))
    def public_holiday(self, obj: CalendarException) -> str:
        # Shows staff which statutory holiday, if any, their entry overrides.
        return get_calendar().holiday_name(obj.date) or "—"
