"""Template helpers shared by the portal's pages: the current-page marker for navigation and unit names."""

from django import template
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

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
