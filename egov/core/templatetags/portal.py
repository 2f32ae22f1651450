"""Template helpers shared by the portal's pages: the current-page marker for navigation, unit names and the notice
of an account that reads history only."""

from django import template
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from egov.accounts.jurisdiction import history_only
from egov.units.models import AdministrativeUnit

register = template.Library()


@register.simple_tag(takes_context=True)
def aria_current(context: template.Context, view_name: str) -> SafeString | str:
    """Mark the navigation link of the page being shown, so screen readers announce "current page"."""
    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == view_name:
        return mark_safe('aria-current="page"')  # noqa: S308 - a constant, nothing from the request
    return ""


@register.filter
def unit_with_parent(unit: AdministrativeUnit | None) -> str:
    """'Phường Phúc Xá, Quận Ba Đình': a commune name alone is ambiguous across the city."""
    if unit is None:
        return ""
    if unit.parent_id is None:
        return str(unit)
    return f"{unit}, {unit.parent}"


@register.inclusion_tag("includes/history_notice.html", takes_context=True)
def history_notice(context: template.Context) -> dict:
    """The notice an account of a unit that no longer exists sees wherever it would expect to act: it reads the
    records of before the reform, acts on nothing, and who holds its unit's records now (nothing for others)."""
    user = context.get("user")
    return {"notice": history_only(user) if user is not None else None}
