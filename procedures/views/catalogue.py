"""Public catalogue pages: every procedure, what to bring, how long it takes, what it costs."""

from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from egov.accounts.gates import public
from procedures.models import Agency, FormKind, Procedure, ProcedureLevel
from procedures.selectors import procedures_active

# The catalogue page groups procedures by the life event they are about, as a citizen looks for them.
CATALOGUE_GROUPS: tuple[tuple[Promise, frozenset[str]], ...] = (
    (gettext_lazy("Khi có trẻ mới sinh"), frozenset({FormKind.BIRTH, FormKind.BIRTH_3IN1})),
    (gettext_lazy("Khi có người mất"), frozenset({FormKind.DEATH, FormKind.DEATH_RESIDENCE})),
    (gettext_lazy("Kết hôn"), frozenset({FormKind.MARRIAGE, FormKind.MARITAL_STATUS})),
    (gettext_lazy("Xin bản sao giấy tờ hộ tịch"), frozenset({FormKind.EXTRACT_COPY})),
)
OTHER_GROUP = gettext_lazy("Thủ tục khác")

# How the registration deadline reads for each kind of event; procedures without a deadline say nothing.
DEADLINE_TEXT: dict[str, Promise] = {
    FormKind.BIRTH: gettext_lazy("Hãy đăng ký trong %(days)d ngày kể từ ngày trẻ được sinh ra."),
    FormKind.BIRTH_3IN1: gettext_lazy("Hãy đăng ký trong %(days)d ngày kể từ ngày trẻ được sinh ra."),
    FormKind.DEATH: gettext_lazy("Hãy đăng ký trong %(days)d ngày kể từ ngày người thân mất."),
    FormKind.DEATH_RESIDENCE: gettext_lazy("Hãy đăng ký trong %(days)d ngày kể từ ngày người thân mất."),
}

LEVEL_SHORT: dict[int, Promise] = {
    ProcedureLevel.FULL: gettext_lazy("Làm hoàn toàn trực tuyến"),
    ProcedureLevel.PARTIAL: gettext_lazy("Nộp trực tuyến, nhận kết quả tại xã, phường"),
}
LEVEL_TEXT: dict[int, Promise] = {
    ProcedureLevel.FULL: gettext_lazy(
        "Bạn làm toàn bộ trên cổng: nộp hồ sơ, nộp lệ phí (nếu có) và nhận kết quả điện tử. "
        "Bạn chỉ đến xã, phường khi được yêu cầu đối chiếu giấy tờ hoặc khi muốn nhận bản giấy."
    ),
    ProcedureLevel.PARTIAL: gettext_lazy(
        "Bạn nộp hồ sơ trên cổng, không phải xếp hàng nộp giấy. Khi có kết quả, bạn nhận tin nhắn và mang "
        "giấy tờ tùy thân đến bộ phận một cửa của xã, phường để nhận."
    ),
}

# Agencies as a citizen names them, not as the law does.
AGENCY_NAME: dict[str, Promise] = {
    Agency.POLICE: gettext_lazy("công an"),
    Agency.SOCIAL_INSURANCE: gettext_lazy("bảo hiểm xã hội"),
}
# What each agency does with the dossier the commune sends it, per procedure; otherwise the agency's label.
AGENCY_WORK: dict[tuple[str, str], Promise] = {
    (FormKind.BIRTH_3IN1, Agency.POLICE): gettext_lazy("Công an đăng ký thường trú cho trẻ."),
    (FormKind.BIRTH_3IN1, Agency.SOCIAL_INSURANCE): gettext_lazy(
        "Bảo hiểm xã hội cấp thẻ bảo hiểm y tế cho trẻ; bạn nhận thẻ cùng giấy khai sinh."
    ),
    (FormKind.DEATH_RESIDENCE, Agency.POLICE): gettext_lazy("Công an xóa đăng ký thường trú của người mất."),
}


def days_text(days: Decimal) -> str:
    """'trong ngày…' for 0, else '2,5 ngày làm việc' in the reader's number format."""
    if days == 0:
        return _("trong ngày; nếu nộp sau 15 giờ thì trả trong ngày làm việc tiếp theo")
    # Decimal("3.00") should read "3", and "2.50" "2,5"; :f avoids the exponent normalize() gives 10.
    plain = Decimal(f"{days.normalize():f}")
    return _("%(days)s ngày làm việc") % {"days": number_format(plain, use_l10n=True)}


def processing_time_text(procedure: Procedure) -> str:
    urban, rural = procedure.processing_days_urban, procedure.processing_days_rural
    if urban == rural:
        return days_text(urban)
    # Since the 2025 reform a commune's own kind decides: a phường follows the urban limit, a xã the rural one.
    return _("%(urban)s nếu nộp tại phường; %(rural)s nếu nộp tại xã") % {
        "urban": days_text(urban),
        "rural": days_text(rural),
    }


def money_text(amount: int) -> str:
    if amount == 0:
        return _("miễn phí")
    return _("%(amount)s đồng") % {"amount": number_format(amount, use_l10n=True, force_grouping=True)}


def fee_text(procedure: Procedure) -> str:
    """The fee in one plain sentence; the rule's shapes are those `procedures.catalogue` accepts."""
    rule = procedure.fee_rule or {}
    if "per_copy" in rule:
        return _("%(amount)s cho mỗi bản sao") % {"amount": money_text(rule["per_copy"])}
    if "late" in rule:
        on_time, late = money_text(rule.get("on_time", 0)), money_text(rule["late"])
        if procedure.deadline_days:
            return _("%(on_time)s nếu đăng ký đúng hạn (trong %(days)d ngày); đăng ký muộn hơn: %(late)s") % {
                "on_time": on_time,
                "days": procedure.deadline_days,
                "late": late,
            }
        return _("%(on_time)s nếu đăng ký đúng hạn; đăng ký quá hạn: %(late)s") % {"on_time": on_time, "late": late}
    return money_text(rule.get("amount", 0))


@dataclass(frozen=True)
class ProcedurePage:
    """What the catalogue and the procedure page say about one procedure, already in plain words."""

    procedure: Procedure
    lead: str
    who: str
    time: str
    fee: str
    level_short: str
    level_text: str
    deadline: str
    agencies: str
    agency_work: tuple[str, ...]

    @classmethod
    def of(cls, procedure: Procedure) -> "ProcedurePage":
        # The data's summary: the first paragraph is the lead, the rest says who may use the procedure.
        lead, _sep, who = procedure.summary.strip().partition("\n\n")
        deadline = DEADLINE_TEXT.get(procedure.form_kind)
        agencies = [AGENCY_NAME[a] for a in procedure.agencies]
        return cls(
            procedure=procedure,
            lead=lead.strip(),
            who=who.strip(),
            time=processing_time_text(procedure),
            fee=fee_text(procedure),
            level_short=str(LEVEL_SHORT.get(procedure.level, "")),
            level_text=str(LEVEL_TEXT.get(procedure.level, "")),
            deadline=deadline % {"days": procedure.deadline_days} if deadline and procedure.deadline_days else "",
            agencies=_(" và ").join(str(a) for a in agencies),
            agency_work=tuple(
                str(AGENCY_WORK.get((procedure.form_kind, a), Agency(a).label)) for a in procedure.agencies
            ),
        )


@dataclass(frozen=True)
class CatalogueGroup:
    title: Promise
    pages: list[ProcedurePage]


def catalogue_groups(procedures: list[Procedure]) -> list[CatalogueGroup]:
    """The procedures by life event, each group in catalogue order; empty groups are left out."""
    pages = [ProcedurePage.of(p) for p in procedures]
    groups = [
        CatalogueGroup(title, [p for p in pages if p.procedure.form_kind in kinds]) for title, kinds in CATALOGUE_GROUPS
    ]
    grouped = {p.procedure.form_kind for g in groups for p in g.pages}
    groups.append(CatalogueGroup(OTHER_GROUP, [p for p in pages if p.procedure.form_kind not in grouped]))
    return [group for group in groups if group.pages]


@public
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    return render(
        request, "procedures/catalogue/catalogue.html", {"groups": catalogue_groups(list(procedures_active()))}
    )


@public
@require_GET
def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = get_object_or_404(procedures_active(), slug=slug)
    return render(request, "procedures/catalogue/procedure_detail.html", {"page": ProcedurePage.of(procedure)})


urlpatterns = [
    path("thu-tuc/", catalogue, name="catalogue"),
    path("thu-tuc/<slug:slug>/", procedure_detail, name="procedure-detail"),
]
