"""The citizen's view of a dossier's linked records (residence, health card), loaded by name on the citizen's
dossier page so that `procedures` does not import `interconnect`."""

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from interconnect.models import RecordKind
from interconnect.payloads import record_kinds
from interconnect.selectors import is_late, linked_records_of_dossier, result_summary
from procedures.models import Dossier

register = template.Library()

# What each record is about, in the citizen's words (the section title joins them).
SUBJECT: dict[str, Promise] = {
    RecordKind.REGISTER_RESIDENCE: _("đăng ký thường trú"),
    RecordKind.HEALTH_CARD: _("thẻ bảo hiểm y tế"),
    RecordKind.REMOVE_RESIDENCE: _("xóa đăng ký thường trú"),
}
# The agency as a citizen names it.
AGENCY_SHORT: dict[str, Promise] = {
    "police": _("công an"),
    "social_insurance": _("bảo hiểm xã hội"),
}


@register.inclusion_tag("interconnect/_citizen_records.html")
def citizen_linked_records(dossier: Dossier) -> dict:
    """One line per record in plain Vietnamese: being sent, sent and waiting, done (with the number and dates),
    or refused with the agency's reason. Nothing for a procedure without interconnections."""
    kinds = [kind for _agency, kind in record_kinds(dossier.procedure)]
    records = linked_records_of_dossier(dossier)
    for record in records:
        record.subject = SUBJECT.get(record.kind, record.get_kind_display())
        record.agency_short = AGENCY_SHORT.get(record.agency, record.get_agency_display())
        record.summary = result_summary(record)
        record.late = is_late(record)
    subjects = [SUBJECT.get(kind, kind) for kind in dict.fromkeys([*kinds, *(record.kind for record in records)])]
    return {
        "dossier": dossier,
        # A refused or withdrawn dossier will send nothing: no promise about it.
        "shown": bool(subjects) and (bool(records) or not dossier.is_final),
        "title": ", ".join(str(subject) for subject in subjects),
        "records": records,
        "agencies": ", ".join(str(AGENCY_SHORT.get(agency, agency)) for agency in dossier.procedure.agencies),
    }
