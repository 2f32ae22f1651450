"""Numbers on the report pages written as the tables write them (1.234; 12,5 %; a dash when there is none)."""

from django import template

from reporting.tables import display

register = template.Library()


@register.filter
def report(value: object, kind: str = "int") -> str:
    """`{{ figures.online_rate|report:"pct" }}`; kinds: int, pct, days, date, text."""
    return display(value, kind)
