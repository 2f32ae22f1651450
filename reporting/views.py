"""Dashboards of district and city staff: one page per unit and period, drilling city → district → commune, and
every table of the page as CSV or XLSX."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from egov.accounts.gates import dashboards
from egov.accounts.jurisdiction import in_jurisdiction, reads_history_only
from egov.units.models import AdministrativeUnit, UnitLevel

from .charts import dashboard_charts
from .dashboards import dashboard_read
from .exports import download_response
from .forms import ReportForm, period_params
from .periods import Period, period_of
from .tables import dashboard_tables

# Parameters of a download, left out of the page's own links.
ONE_OFF = ("format", "table")
# What moving to the previous or next period keeps.
KEPT = ("procedure", "sort", "dir", "current", "compare")


def _unit_watched(request: HttpRequest, unit_id: int) -> AdministrativeUnit:
    """The unit of a report, if it is in the reader's jurisdiction (a district's staff see their district and its
    communes, city staff everything); any other gets a 403."""
    # Asked before looking the unit up, so a 404 does not tell which units exist elsewhere.
    if not in_jurisdiction(request.user, unit_id):
        raise PermissionDenied(_("Đơn vị này không thuộc phạm vi theo dõi của bạn."))
    return get_object_or_404(AdministrativeUnit.objects.select_related("parent__parent"), pk=unit_id)


@dashboards
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The report of the officer's own unit (the city for an administrator of the city without one). The account of
    a unit abolished since (a district, before the 2025 reform) lands on its last month, when the unit still existed:
    the months after it have no units below it."""
    unit = request.user.unit
    if unit is None:
        unit = get_object_or_404(AdministrativeUnit.objects.filter(level=UnitLevel.CITY).order_by("code")[:1])
    url = reverse("reporting:unit", args=[unit.pk])
    if unit.valid_to is not None and unit.valid_to < timezone.localdate():
        query = QueryDict(mutable=True)
        query.update(period_params(period_of("month", unit.valid_to)))
        url += f"?{query.urlencode()}"
    return redirect(url)


def _link(unit_id: int, params: QueryDict, **changes: str) -> str:
    query = params.copy()
    for key, value in changes.items():
        query[key] = value
    encoded = query.urlencode()
    return reverse("reporting:unit", args=[unit_id]) + (f"?{encoded}" if encoded else "")


@dashboards
@require_GET
def unit_report(request: HttpRequest, unit_id: int) -> HttpResponse:
    """One unit over one period: headline figures, charts, the lists of units to watch and the tables."""
    unit = _unit_watched(request, unit_id)
    regroup = unit.level == UnitLevel.CITY
    form = ReportForm(request.GET or None, regroup=regroup)
    period = form.period()
    procedure = form.chosen_procedure()
    sort_key, descending = form.sorting()
    reaggregate, compare_year = form.options()
    dashboard = dashboard_read(
        unit=unit, period=period, procedure=procedure, reaggregate=reaggregate, compare_year=compare_year
    )
    params = request.GET.copy()
    for key in ONE_OFF:
        params.pop(key, None)

    def sort_href(key: str, desc: bool) -> str:
        return _link(unit.pk, params, sort=key, dir="desc" if desc else "asc")

    tables = dashboard_tables(
        dashboard,
        sort_key=sort_key,
        descending=descending,
        sort_href=sort_href,
        unit_href=lambda figures: _link(figures.unit.pk, params),
        procedure_href=lambda figures: _link(unit.pk, params, procedure=figures.extra["procedure"].code),
    )
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        table = tables.get(request.GET.get("table", ""))
        if table is None:
            raise Http404
        return download_response(table=table, unit=unit, period=period, procedure=procedure, extension=export)

    for name, table in tables.items():
        table.csv_href = _link(unit.pk, params, table=name, format="csv")
        table.xlsx_href = _link(unit.pk, params, table=name, format="xlsx")
    city_label = _("Bình quân thành phố")
    charts = dashboard_charts(dashboard, reference_label=city_label)
    several = len(dashboard.parts) > 1
    parts = [
        {
            "part": part,
            "number": number,
            # The heading names the units already: its label says the days.
            "label": part.days_label if dashboard.parts_labelled else "",
            "chart": charts[f"rates-{number}"],
            "chart_note": charts[f"rates-{number}-note"],
            "summary": tables[f"tong-hop-{number}" if several else "tong-hop"],
            "one_stop": tables[f"mot-cua-{number}" if several else "mot-cua"],
        }
        for number, part in enumerate(dashboard.parts, start=1)
    ]

    def period_link(other: Period) -> str:
        query = QueryDict(mutable=True)
        query.update(period_params(other))
        for key in KEPT:
            if key in params:
                query.setlist(key, params.getlist(key))
        return _link(unit.pk, query)

    return render(
        request,
        "reporting/unit.html",
        {
            "dashboard": dashboard,
            "unit": unit,
            "period": period,
            "form": form if form.is_bound else ReportForm(initial=period_params(period), regroup=regroup),
            **{f"{name.replace('-', '_')}_table": table for name, table in tables.items()},
            "charts": charts,
            "parts": parts,
            "reform_links": _reform_links(unit, params, dashboard),
            "history_only": unit.valid_to is not None and unit.valid_to < period.end,
            # The account of an abolished unit reads its history only, and every report page says so.
            "account_unit": request.user.unit if reads_history_only(request.user) else None,
            "crumbs": [(u, in_jurisdiction(request.user, u)) for u in dashboard.ancestors],
            "previous": period_link(period.previous()),
            "previous_period": period.previous(),
            "next": period_link(period.next()),
            "next_period": period.next(),
            "today": timezone.localdate(),
            "online_base": settings.REPORTING_ONLINE_RATE_BASE,
            "query": params.urlencode(),
        },
    )


def _reform_links(unit: AdministrativeUnit, params: QueryDict, dashboard) -> dict[str, str]:
    """Links between the two views of a period across a reform: in parts, or re-aggregated onto today's communes."""
    if unit.level != UnitLevel.CITY:
        return {}
    if dashboard.reaggregated:
        query = params.copy()
        query.pop("current", None)
        return {"parts": _link(unit.pk, query)}
    if len(dashboard.parts) > 1:
        return {"current": _link(unit.pk, params, current="on")}
    return {}


urlpatterns = [
    path("bao-cao/", home, name="home"),
    path("bao-cao/don-vi/<int:unit_id>/", unit_report, name="unit"),
]
