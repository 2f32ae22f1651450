"""What each printed document of a dossier says, taken from its declaration, its event log and its register entry."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from egov.accounts.models import Role
from egov.core.pdf import dmy, grid, place_and_date, text
from egov.units.models import AdministrativeUnit, UnitLevel
from egov.units.selectors import holder_on
from egov.workcal.calendar import get_calendar
from interconnect.selectors import dossier_results
from onecounter.documents.layout import (
    Sheet,
    Signature,
    date_in_words,
    field_line,
    lettered,
    signature_block,
    time_and_day,
)
from procedures.declarations import documents_of
from procedures.declarations.steps import (
    EMPTY,
    BirthRequesterForm,
    BrideForm,
    ChildForm,
    DeathForm,
    DeathRequesterForm,
    DeceasedForm,
    ExtractForm,
    FatherForm,
    GroomForm,
    MaritalStatusForm,
    MotherForm,
    RequesterForm,
    StepForm,
)
from procedures.models import Agency, Dossier, DossierEvent, FormKind, RegisterEntry, Status
from procedures.transitions import event_label


def verification_url(dossier: Dossier) -> str:
    """The absolute address of the public page that confirms a document of this dossier is genuine."""
    return settings.SITE_URL.rstrip("/") + reverse("onecounter:verify", kwargs={"uuid": dossier.uuid})


def answers(dossier: Dossier, form: type[StepForm]) -> dict[str, str]:
    """One step's answers as printed: dates dd/mm/yyyy, choices by their label, blank when not given."""
    shown = (value for _label, value in form.display(dossier.data.get(form.slug) or {}))
    return {name: "" if value == EMPTY else value for name, value in zip(form.base_fields, shown, strict=True)}


# Whose name a document certifies, per declaration: (step, field) of each registered person.
REGISTERED_PEOPLE: dict[str, tuple[tuple[type[StepForm], str], ...]] = {
    FormKind.BIRTH: ((ChildForm, "full_name"),),
    FormKind.BIRTH_3IN1: ((ChildForm, "full_name"),),
    FormKind.DEATH: ((DeceasedForm, "full_name"),),
    FormKind.DEATH_RESIDENCE: ((DeceasedForm, "full_name"),),
    FormKind.MARRIAGE: ((GroomForm, "full_name"), (BrideForm, "full_name")),
    FormKind.MARITAL_STATUS: ((RequesterForm, "full_name"),),
    FormKind.EXTRACT_COPY: ((ExtractForm, "person_name"),),
}


def registered_people(dossier: Dossier) -> list[str]:
    found = [answers(dossier, form)[name] for form, name in REGISTERED_PEOPLE[dossier.procedure.form_kind]]
    return [name for name in found if name]


# --- units as the documents name them ------------------------------------------------------------------------


# The words that name a unit's kind at the start of its name, longest first ("Thị trấn" before "Thị xã").
_KIND_WORDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")


def _unit_words(unit: AdministrativeUnit) -> tuple[str, str]:
    """("phường", "Phúc Xá") from "Phường Phúc Xá"; a name that does not start with a kind word stays whole."""
    for word in _KIND_WORDS:
        if unit.name.startswith(word + " "):
            return word.lower(), unit.name[len(word) + 1 :]
    return "", unit.name


def unit_in_text(unit: AdministrativeUnit) -> str:
    """The unit as a sentence names it: phường Phúc Xá."""
    return " ".join(part for part in _unit_words(unit) if part)


def unit_place(unit: AdministrativeUnit) -> str:
    """The place name that opens the date line: Phúc Xá."""
    return _unit_words(unit)[1]


def unit_address(unit: AdministrativeUnit) -> str:
    """The unit and those above it: phường Phúc Xá, quận Ba Đình, thành phố Hà Nội."""
    parts = []
    while unit is not None:
        parts.append(unit_in_text(unit))
        unit = unit.parent
    return ", ".join(parts)


def people_committee(unit: AdministrativeUnit) -> str:
    return _("Ủy ban nhân dân %(unit)s") % {"unit": unit_in_text(unit)}


def _above(unit: AdministrativeUnit) -> str:
    """What stands above a commune's People's Committee in a result's header: its district's committee before the
    2025 reform ("UBND Quận Ba Đình"), the city itself for a commune directly under it ("Thành phố Hà Nội")."""
    parent = unit.parent
    if parent is None:
        return ""
    if parent.level == UnitLevel.CITY:
        return parent.name
    return _("UBND %(unit)s") % {"unit": parent.name}


def desk_header(unit: AdministrativeUnit) -> tuple[str, str]:
    """(parent, issuer) of a one-stop slip: the commune's committee over its desk, the direct superior only
    (Nghị định 30/2020/NĐ-CP), the same before and after the reform."""
    return _("UBND %(unit)s") % {"unit": unit.name}, _("Bộ phận một cửa")


def committee_header(unit: AdministrativeUnit) -> tuple[str, str]:
    """(parent, issuer) of a civil-status result: the commune's People's Committee under what stands above it."""
    return _above(unit), _("Ủy ban nhân dân\n%(unit)s") % {"unit": unit.name}


# --- the facts a document reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requester:
    name: str
    address: str
    phone: str
    email: str


class Facts:
    """A dossier with its events and register entry, each loaded once however many lines read them."""

    def __init__(self, dossier: Dossier) -> None:
        self.dossier = dossier
        self.kind = dossier.procedure.form_kind
        self._units: dict = {}

    def unit_on(self, moment: datetime) -> AdministrativeUnit:
        """The unit that held the dossier on the day of `moment`, which issues a document of that date: the commune
        it was filed at, or since a reform the successor holding that commune's records (ADR 0011)."""
        day = timezone.localdate(moment)
        if day not in self._units:
            self._units[day] = holder_on(self.dossier.unit, day)
        return self._units[day]

    @property
    def registrar(self) -> AdministrativeUnit:
        """The commune whose register holds the entry: it issues the result."""
        return self.entry.unit

    @cached_property
    def events(self) -> list[DossierEvent]:
        return list(self.dossier.events.select_related("actor").order_by("at", "pk"))

    def last(self, *actions: str) -> DossierEvent | None:
        return next((event for event in reversed(self.events) if event.action in actions), None)

    @cached_property
    def entry(self) -> RegisterEntry:
        return RegisterEntry.objects.select_related("signed_by", "unit__parent").get(dossier=self.dossier)

    @cached_property
    def requester(self) -> Requester:
        """Who asked: the declared requester, or the groom for a marriage (both parties file it together)."""
        form = GroomForm if self.kind == FormKind.MARRIAGE else RequesterForm
        declared = answers(self.dossier, form)
        applicant = self.dossier.applicant
        return Requester(
            name=declared.get("full_name") or self.dossier.requester_name or getattr(applicant, "full_name", ""),
            address=declared.get("residence", ""),
            phone=self.dossier.contact_phone,
            email=self.dossier.contact_email,
        )

    @property
    def requester_names(self) -> str:
        if self.kind == FormKind.MARRIAGE:
            return " – ".join(registered_people(self.dossier))
        return self.requester.name

    def actor_name(self, event: DossierEvent | None) -> str:
        return event.actor.full_name if event is not None and event.actor is not None else ""

    def sheet(
        self,
        *,
        title: str,
        body: list[Flowable],
        moment: datetime,
        unit: AdministrativeUnit,
        number: str = "",
        **kwargs,
    ) -> Sheet:
        """A sheet of this dossier issued by `unit` at `moment`; by default a slip of the unit's one-stop desk."""
        parent, issuer = desk_header(unit)
        kwargs.setdefault("issuer_parent", parent)
        kwargs.setdefault("issuer", issuer)
        return Sheet(
            title=title,
            body=body,
            number=number,
            place_date=place_and_date(unit_place(unit), moment),
            verify_url=verification_url(self.dossier),
            footer=_("Mã hồ sơ: %(code)s") % {"code": self.dossier.code},
            author=people_committee(unit),
            **kwargs,
        )

    def result_sheet(self, *, title: str, body: list[Flowable], signer_role: str, **kwargs) -> Sheet:
        """A civil-status result, issued by the People's Committee whose register holds the entry, under its
        register number and as the units stood on the day of registration."""
        entry = self.entry
        parent, issuer = committee_header(entry.unit)
        return self.sheet(
            title=title,
            body=body,
            moment=entry.registered_at,
            unit=entry.unit,
            number=_("Số: %(number)s, Quyển số: %(book)s") % {"number": entry.number, "book": entry.book_number},
            issuer_parent=parent,
            issuer=issuer,
            signatures=[
                Signature(
                    signer_role,
                    entry.signed_by.full_name,
                    _("(Ký, ghi rõ họ, chữ đệm, tên, chức vụ và đóng dấu)"),
                )
            ],
            **kwargs,
        )

    def registration_lines(self, where: str) -> list[Flowable]:
        """Where and when the event was registered, the last lines of a birth, death or marriage result."""
        unit = self.registrar
        place = people_committee(unit)
        if unit.parent is not None:
            place = f"{place}, {unit_address(unit.parent)}"
        return [field_line((where, place)), field_line((_("Ngày, tháng, năm đăng ký"), dmy(self.entry.registered_at)))]

    def request_lines(self) -> list[Flowable]:
        """Who filed what: the lines that open the receipt, the supplement request and the refusal."""
        requester, dossier = self.requester, self.dossier
        lines = [field_line((_("Ông/bà"), self.requester_names))]
        if requester.address:
            lines.append(field_line((_("Địa chỉ"), requester.address)))
        contact = [(_("Số điện thoại"), requester.phone)] if requester.phone else []
        if requester.email:
            contact.append((_("Thư điện tử"), requester.email))
        if contact:
            lines.append(field_line(*contact))
        lines += [
            field_line((_("Nội dung yêu cầu giải quyết"), dossier.procedure.name)),
            field_line((_("Mã hồ sơ"), dossier.code)),
        ]
        return lines


def _id_paper(id_number: str) -> str:
    return _("Số định danh cá nhân %(number)s") % {"number": id_number} if id_number else ""


def _gap() -> Flowable:
    return Spacer(1, 3 * mm)


# --- the one-stop slips ----------------------------------------------------------------------------------------


def _papers(facts: Facts) -> list[str]:
    """Papers received: the declaration, then the uploads by paper name, or for a paper dossier what the
    procedure asks for (the officer checked them at the counter)."""
    dossier = facts.dossier
    declaration = FormKind(facts.kind).label
    documents = documents_of(dossier.procedure)
    if not dossier.is_online:
        return [str(declaration), *(document.name for document in documents)]
    names = {document.slug: document.name for document in documents}
    counts = Counter(attachment.document for attachment in dossier.attachments.all())
    papers = [_("%(form)s (khai trực tuyến)") % {"form": declaration}]
    papers += [
        _("%(name)s (bản chụp điện tử, %(count)s tệp)") % {"name": names.get(slug, _("Giấy tờ khác")), "count": count}
        for slug, count in counts.items()
    ]
    return papers


def _time_limit(facts: Facts) -> str:
    procedure = facts.dossier.procedure
    # The limit of the commune the dossier was filed at, as its due time was computed.
    days = procedure.processing_days_for(facts.dossier.unit)
    if days == 0:
        cutoff = get_calendar().cutoff
        limit = _("Trong ngày làm việc; hồ sơ nhận sau %(hour)s giờ %(minute)s được trả trong ngày làm việc tiếp theo.")
        limit %= {"hour": f"{cutoff.hour:02d}", "minute": f"{cutoff.minute:02d}"}
    else:
        shown = format(days.normalize() if days % 1 else Decimal(int(days)), "f").replace(".", ",")
        limit = _("%(days)s ngày làm việc.") % {"days": shown}
    return f"{limit} {procedure.processing_note}".strip()


def receipt(facts: Facts) -> Sheet:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu số 01, Thông tư 01/2018/TT-VPCP)."""
    dossier = facts.dossier
    unit = facts.unit_on(dossier.received_at)
    where = _("Bộ phận một cửa, %(committee)s") % {"committee": people_committee(unit)}
    if dossier.procedure.level == 4:
        where = _("%(where)s, hoặc bản điện tử trên Cổng dịch vụ công") % {"where": where}
    body = [
        text(
            _("Bộ phận tiếp nhận và trả kết quả (bộ phận một cửa) %(committee)s đã tiếp nhận hồ sơ của:")
            % {"committee": people_committee(unit)}
        ),
        *facts.request_lines(),
        field_line((_("Hình thức nộp"), dossier.get_channel_display())),
        _gap(),
        text(_("1. Thành phần hồ sơ nộp gồm:")),
        *lettered(_papers(facts)),
        text(_("2. Số lượng hồ sơ: 01 (bộ).")),
        text(_("3. Thời gian giải quyết hồ sơ theo quy định: %(limit)s") % {"limit": _time_limit(facts)}),
        text(_("4. Thời gian nhận hồ sơ: %(moment)s.") % {"moment": time_and_day(dossier.received_at)}),
        text(_("5. Hẹn trả kết quả: %(moment)s.") % {"moment": time_and_day(dossier.due_at)}, bold=True),
        text(_("6. Nhận kết quả tại: %(where)s.") % {"where": where}),
        text(_("Tra cứu tình trạng hồ sơ trên Cổng dịch vụ công bằng mã hồ sơ và số điện thoại đã khai."), "note"),
    ]
    return facts.sheet(
        title=_("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
        body=body,
        moment=dossier.received_at,
        unit=unit,
        number=_("Số: %(code)s/TNHS") % {"code": dossier.code},
        signatures=[
            Signature(_("Người nộp hồ sơ"), facts.requester_names),
            Signature(_("Người tiếp nhận hồ sơ"), facts.actor_name(facts.last("receive"))),
        ],
    )


def supplement_request(facts: Facts) -> Sheet:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu số 02), with the reason of the last request."""
    event = facts.last("request_supplement")
    unit = facts.unit_on(event.at)
    officer = facts.actor_name(event)
    if event.from_status == Status.PROCESSING:
        paused = _("Thời hạn giải quyết hồ sơ tạm dừng từ ngày %(day)s cho đến khi ông/bà bổ sung đủ hồ sơ.")
    else:
        paused = _("Hồ sơ chưa được tiếp nhận (yêu cầu ngày %(day)s); thời hạn giải quyết tính từ khi hồ sơ đủ.")
    body = [
        *facts.request_lines(),
        _gap(),
        text(_("Yêu cầu ông/bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:")),
        text(event.reason, "quote"),
        text(paused % {"day": dmy(event.at)}),
        text(
            _(
                "Ông/bà có thể bổ sung trực tuyến tại mục “Hồ sơ của tôi” trên Cổng dịch vụ công, hoặc nộp tại "
                "bộ phận một cửa. Nếu có vướng mắc, xin liên hệ %(officer)s, bộ phận một cửa %(committee)s "
                "để được hướng dẫn."
            )
            % {"officer": officer, "committee": people_committee(unit)}
        ),
    ]
    return facts.sheet(
        title=_("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        body=body,
        moment=event.at,
        unit=unit,
        number=_("Số: %(code)s/YCBS") % {"code": facts.dossier.code},
        signatures=[Signature(_("Người hướng dẫn"), officer)],
    )


def refusal(facts: Facts) -> Sheet:
    """Phiếu từ chối tiếp nhận, giải quyết hồ sơ (mẫu số 03): refused at the counter or rejected by the leader."""
    dossier = facts.dossier
    event = facts.last("refuse", "reject")
    moment = event.at if event is not None else dossier.finished_at
    committee = people_committee(facts.unit_on(moment))
    if dossier.status == Status.REFUSED:
        decision = _("không tiếp nhận hồ sơ này")
        signature = Signature(_("Người tiếp nhận hồ sơ"), facts.actor_name(event))
    else:
        decision = _("không giải quyết hồ sơ này")
        signature = Signature(
            _("TM. Ủy ban nhân dân"), facts.actor_name(event), _("(Ký, ghi rõ họ tên, chức vụ và đóng dấu)")
        )
    body = [
        text(
            _("Bộ phận tiếp nhận và trả kết quả (bộ phận một cửa) %(committee)s đã nhận được hồ sơ của:")
            % {"committee": committee}
        ),
        *facts.request_lines(),
        _gap(),
        text(
            _("Qua xem xét, %(committee)s thông báo %(decision)s với lý do cụ thể như sau:")
            % {"committee": committee, "decision": decision}
        ),
        text(dossier.decision_reason, "quote"),
        _gap(),
        text(_("Xin thông báo cho ông/bà được biết và thực hiện./.")),
    ]
    return facts.sheet(
        title=_("PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ"),
        body=body,
        moment=moment,
        unit=facts.unit_on(moment),
        number=_("Số: %(code)s/TC") % {"code": dossier.code},
        signatures=[signature],
    )


def apology(facts: Facts) -> Sheet:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu số 04): the old and new due times come from the event."""
    dossier = facts.dossier
    event = facts.last("apologize")
    old_due = datetime.fromisoformat(event.details["old_due"])
    new_due = datetime.fromisoformat(event.details["new_due"])
    unit = facts.unit_on(dossier.apology_at)
    committee = people_committee(unit)
    # The desk that received the dossier, which a reform may have merged into the one apologising since.
    receiver = people_committee(facts.unit_on(dossier.received_at))
    body = [
        field_line((_("Kính gửi"), _("ông/bà %(name)s") % {"name": facts.requester_names})),
        _gap(),
        text(
            _("Ngày %(day)s, bộ phận một cửa %(committee)s tiếp nhận giải quyết hồ sơ của ông/bà, mã hồ sơ: %(code)s.")
            % {"day": dmy(dossier.received_at), "committee": receiver, "code": dossier.code}
        ),
        field_line((_("Nội dung yêu cầu giải quyết"), dossier.procedure.name)),
        field_line((_("Thời gian hẹn trả kết quả giải quyết hồ sơ"), time_and_day(old_due))),
        text(
            _(
                "Tuy nhiên đến nay, %(committee)s chưa trả kết quả giải quyết hồ sơ của ông/bà đúng hẹn như "
                "trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
            )
            % {"committee": committee}
        ),
        text(_("Lý do:")),
        text(event.reason, "quote"),
        text(
            _("Sự chậm trễ này đã gây phiền hà cho ông/bà. %(committee)s xin lỗi ông/bà vì sự bất tiện này.")
            % {"committee": committee}
        ),
        text(
            _("%(committee)s sẽ trả kết quả giải quyết hồ sơ cho ông/bà vào: %(moment)s.")
            % {"committee": committee, "moment": time_and_day(new_due)},
            bold=True,
        ),
        text(_("Xin trân trọng cảm ơn sự hợp tác của ông/bà./.")),
    ]
    return facts.sheet(
        title=_("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
        body=body,
        moment=dossier.apology_at,
        unit=unit,
        number=_("Số: %(code)s/XL") % {"code": dossier.code},
        signatures=[
            Signature(_("Người lập phiếu"), facts.actor_name(event)),
            Signature(_("TM. Ủy ban nhân dân"), "", _("(Ký, ghi rõ họ tên, chức vụ và đóng dấu)")),
        ],
    )


# --- the control sheet -----------------------------------------------------------------------------------------

# Statuses after which the requester holds the dossier (asked for papers, refused, finished).
_WITH_REQUESTER = frozenset(
    {Status.NEEDS_SUPPLEMENT, Status.DELIVERED, Status.REFUSED, Status.REJECTED, Status.WITHDRAWN}
)


def _person(user) -> str:
    if user is None:
        return _("Hệ thống (liên thông)")
    if user.is_citizen:
        return _("%(name)s (người nộp)") % {"name": user.full_name}
    return f"{user.full_name} ({user.get_role_display()})"


def _holder_after(facts: Facts, event: DossierEvent) -> str:
    """Whose desk the dossier is on once `event` happened."""
    dossier, status = facts.dossier, event.to_status
    if status in _WITH_REQUESTER or event.action == "apologize":
        return _("%(name)s (người nộp)") % {"name": facts.requester_names}
    if status == Status.PROCESSING and dossier.assignee is not None:
        return _person(dossier.assignee)
    if status == Status.REGISTERED and dossier.procedure.agencies:
        return ", ".join(str(Agency(agency).label) for agency in dossier.procedure.agencies)
    desks = {
        Status.RECEIVED: Role.JUSTICE,
        Status.PROCESSING: Role.JUSTICE,
        Status.AWAITING_SIGNATURE: Role.LEADER,
    }
    return str(desks.get(status, Role.ONE_STOP).label)


def _handover(facts: Facts, event: DossierEvent) -> tuple[str, str]:
    """(who gave, who received): receiving and starting are takes, every other action hands the dossier on."""
    if event.action == "receive":
        return _("%(name)s (người nộp)") % {"name": facts.requester_names}, _person(event.actor)
    if event.action == "start":
        return str(Role.ONE_STOP.label), _person(event.actor)
    return _person(event.actor), _holder_after(facts, event)


def _timeliness(facts: Facts, event: DossierEvent) -> str:
    """Early, on time or late against the due time in force then (the apology slip moved it once)."""
    dossier = facts.dossier
    if dossier.received_at is None or event.at < dossier.received_at or dossier.due_at is None:
        return ""
    apology = facts.last("apologize")
    due = dossier.due_at
    if apology is not None and event.at <= apology.at:
        due = datetime.fromisoformat(apology.details["old_due"])
    if event.at > due:
        return _("Quá hạn")
    if timezone.localtime(event.at).date() < timezone.localtime(due).date():
        return _("Trước hạn")
    return _("Đúng hạn")


def control_sheet(facts: Facts) -> Sheet:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (mẫu số 05): every handover, when, and whether on time."""
    dossier = facts.dossier
    now = timezone.now()
    unit = facts.unit_on(now)
    body: list[Flowable] = [field_line((_("Mã hồ sơ"), dossier.code))]
    if dossier.received_at:
        body.append(
            text(_("(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: %(code)s/TNHS)") % {"code": dossier.code})
        )
    body += [
        field_line((_("Người nộp hồ sơ"), facts.requester_names)),
        field_line((_("Nội dung yêu cầu giải quyết"), dossier.procedure.name)),
        field_line((_("Cơ quan giải quyết hồ sơ"), people_committee(unit))),
    ]
    if dossier.procedure.agencies:
        agencies = ", ".join(str(Agency(agency).label) for agency in dossier.procedure.agencies)
        body.append(field_line((_("Cơ quan phối hợp giải quyết"), agencies)))
    if dossier.due_at:
        body.append(field_line((_("Hẹn trả kết quả"), time_and_day(dossier.due_at))))
    rows = [[_("STT"), _("Bước"), _("Bên giao"), _("Bên nhận"), _("Thời điểm"), _("Kết quả"), _("Ghi chú")]]
    for number, event in enumerate(facts.events, start=1):
        giver, receiver = _handover(facts, event)
        at = timezone.localtime(event.at)
        rows.append(
            [
                str(number),
                event_label(event.action),
                giver,
                receiver,
                at.strftime("%H:%M %d/%m/%Y"),
                _timeliness(facts, event),
                event.reason,
            ]
        )
    body += [_gap(), grid(rows, widths=(7, 15, 21, 21, 14, 10, 19))]
    return facts.sheet(title=_("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"), body=body, moment=now, unit=unit)


# --- the results ------------------------------------------------------------------------------------------------


def _born(value: str) -> tuple[str, str]:
    """The label and value of a birth date: "Năm sinh" for a bare year, "Ngày sinh" for a full date."""
    return (_("Năm sinh") if len(value) == 4 else _("Ngày sinh")), value


def _identity_row(person: dict[str, str]) -> Flowable:
    return field_line(
        (_("Giới tính"), person["sex"]), (_("Dân tộc"), person["ethnicity"]), (_("Quốc tịch"), person["nationality"])
    )


def _parent_lines(facts: Facts, form: type[StepForm], who: str) -> list[Flowable]:
    parent = answers(facts.dossier, form)
    return [
        field_line((_("Họ, chữ đệm, tên người %(who)s") % {"who": who}, parent["full_name"])),
        field_line(
            _born(parent["birth_date"]),
            (_("Dân tộc"), parent["ethnicity"] if parent["full_name"] else ""),
            (_("Quốc tịch"), parent["nationality"] if parent["full_name"] else ""),
        ),
        field_line((_("Nơi cư trú"), parent["residence"])),
    ]


def _agency_results(facts: Facts) -> list[Flowable]:
    """Under a 3-in-1 result, what the police and social insurance gave (household number, health card, removal
    of residence); nothing before an agency has completed its record."""
    results = dossier_results(facts.dossier)
    if not results:
        return []
    lines = [_gap(), text(_("Kết quả liên thông:"), bold=True)]
    lines += [text(f"{record.get_kind_display()}: {summary}.") for record, summary in results]
    return lines


def birth_certificate(facts: Facts) -> Sheet:
    """Giấy khai sinh (bản chính), Thông tư 04/2020/TT-BTP."""
    child = answers(facts.dossier, ChildForm)
    birth = facts.dossier.data[ChildForm.slug]["birth_date"]
    requester = answers(facts.dossier, BirthRequesterForm)
    body = [
        field_line((_("Họ, chữ đệm, tên"), child["full_name"])),
        field_line((_("Ngày, tháng, năm sinh"), child["birth_date"])),
        field_line((_("Ghi bằng chữ"), date_in_words(datetime.fromisoformat(birth).date()))),
        _identity_row(child),
        field_line((_("Nơi sinh"), child["birth_place"])),
        field_line((_("Quê quán"), child["hometown"])),
        field_line((_("Số định danh cá nhân"), facts.entry.personal_id_number)),
        _gap(),
        *_parent_lines(facts, MotherForm, _("mẹ")),
        _gap(),
        *_parent_lines(facts, FatherForm, _("cha")),
        _gap(),
        field_line((_("Họ, chữ đệm, tên người đi đăng ký khai sinh"), requester["full_name"])),
        field_line((_("Giấy tờ tùy thân"), _id_paper(requester["id_number"]))),
        *facts.registration_lines(_("Nơi đăng ký khai sinh")),
        *_agency_results(facts),
    ]
    return facts.result_sheet(
        title=_("GIẤY KHAI SINH"), subtitle=_("(Bản chính)"), body=body, signer_role=_("Người ký Giấy khai sinh")
    )


def death_extract(facts: Facts) -> Sheet:
    """Trích lục khai tử (bản chính), Thông tư 04/2020/TT-BTP."""
    deceased = answers(facts.dossier, DeceasedForm)
    death = answers(facts.dossier, DeathForm)
    requester = answers(facts.dossier, DeathRequesterForm)
    when = _("ngày %(day)s") % {"day": death["death_date"]}
    if death["death_time"]:
        hour, minute = death["death_time"].split(":")
        when = _("%(hour)s giờ %(minute)s phút, %(when)s") % {"hour": hour, "minute": minute, "when": when}
    notice = _("số %(number)s do %(issuer)s cấp ngày %(day)s") % {
        "number": death["notice_number"],
        "issuer": death["notice_issuer"],
        "day": death["notice_date"],
    }
    body = [
        field_line((_("Họ, chữ đệm, tên"), deceased["full_name"])),
        field_line((_("Ngày, tháng, năm sinh"), deceased["birth_date"])),
        _identity_row(deceased),
        field_line((_("Số định danh cá nhân"), deceased["id_number"])),
        field_line((_("Nơi cư trú cuối cùng"), deceased["last_residence"])),
        _gap(),
        field_line((_("Đã chết vào lúc"), when)),
        field_line((_("Nơi chết"), death["death_place"])),
        field_line((_("Nguyên nhân chết"), death["death_cause"])),
        field_line((_("Giấy báo tử"), notice)),
        _gap(),
        field_line((_("Họ, chữ đệm, tên người đi khai tử"), requester["full_name"])),
        field_line((_("Quan hệ với người đã chết"), requester["relationship"])),
        field_line((_("Giấy tờ tùy thân"), _id_paper(requester["id_number"]))),
        *facts.registration_lines(_("Nơi đăng ký khai tử")),
        *_agency_results(facts),
    ]
    return facts.result_sheet(
        title=_("TRÍCH LỤC KHAI TỬ"), subtitle=_("(Bản chính)"), body=body, signer_role=_("Người ký Trích lục")
    )


def marriage_certificate(facts: Facts) -> Sheet:
    """Giấy chứng nhận kết hôn: husband and wife side by side, their signatures, then the commune's."""
    groom, bride = answers(facts.dossier, GroomForm), answers(facts.dossier, BrideForm)
    rows = [
        ["", _("Bên chồng"), _("Bên vợ")],
        *(
            [label, groom[name], bride[name]]
            for label, name in (
                (_("Họ, chữ đệm, tên"), "full_name"),
                (_("Ngày, tháng, năm sinh"), "birth_date"),
                (_("Dân tộc"), "ethnicity"),
                (_("Quốc tịch"), "nationality"),
                (_("Nơi cư trú"), "residence"),
            )
        ),
        [_("Giấy tờ tùy thân"), _id_paper(groom["id_number"]), _id_paper(bride["id_number"])],
    ]
    body = [
        grid(rows, widths=(30, 35, 35), style="plain", ruled=False),
        _gap(),
        *facts.registration_lines(_("Nơi đăng ký kết hôn")),
        # The spouses sign under the registration, above the commune's signer.
        signature_block(
            [
                Signature(_("Chồng"), groom["full_name"], _("(Ký, ghi rõ họ, chữ đệm, tên)")),
                Signature(_("Vợ"), bride["full_name"], _("(Ký, ghi rõ họ, chữ đệm, tên)")),
            ]
        ),
    ]
    return facts.result_sheet(
        title=_("GIẤY CHỨNG NHẬN KẾT HÔN"), body=body, signer_role=_("Người ký Giấy chứng nhận kết hôn")
    )


def marital_status_certificate(facts: Facts) -> Sheet:
    """Giấy xác nhận tình trạng hôn nhân, valid six months from issue (Nghị định 123/2015/NĐ-CP, Điều 23)."""
    person = answers(facts.dossier, RequesterForm)
    asked = answers(facts.dossier, MaritalStatusForm)
    period = _("từ ngày %(start)s đến ngày %(end)s") % {
        "start": asked["period_from"],
        "end": asked["period_to"] or dmy(facts.entry.registered_at),
    }
    body = [
        text(
            _("Xét đề nghị của ông/bà %(name)s về việc cấp Giấy xác nhận tình trạng hôn nhân,")
            % {"name": person["full_name"]}
        ),
        text(_("%(committee)s xác nhận:") % {"committee": people_committee(facts.registrar)}, "center", bold=True),
        field_line((_("Họ, chữ đệm, tên"), person["full_name"])),
        field_line((_("Giấy tờ tùy thân"), _id_paper(person["id_number"]))),
        field_line((_("Nơi cư trú"), person["residence"])),
        field_line((_("Thời gian xác nhận"), period)),
        field_line((_("Tình trạng hôn nhân"), asked["marital_status"])),
        field_line((_("Giấy này được cấp để"), asked["purpose"])),
        text(_("Giấy này có giá trị sử dụng trong thời hạn 06 tháng, kể từ ngày cấp."), "note"),
    ]
    return facts.result_sheet(
        title=_("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"), body=body, signer_role=_("Người ký Giấy xác nhận")
    )


def extract_copy(facts: Facts) -> Sheet:
    """Bản sao trích lục hộ tịch: the entry the requester pointed to, issued again from the register."""
    extract = answers(facts.dossier, ExtractForm)
    requester = answers(facts.dossier, RequesterForm)
    body = [
        field_line((_("Họ, chữ đệm, tên người được đăng ký"), extract["person_name"])),
        field_line((_("Loại việc hộ tịch"), extract["register_kind"])),
        field_line((_("Nơi đã đăng ký"), extract["registered_at"])),
    ]
    if extract["registration_date"]:
        body.append(field_line((_("Ngày đăng ký"), extract["registration_date"])))
    if extract["register_entry"]:
        body.append(field_line((_("Số, quyển số trong sổ gốc"), extract["register_entry"])))
    body += [
        _gap(),
        field_line((_("Cấp cho"), requester["full_name"])),
        field_line((_("Giấy tờ tùy thân"), _id_paper(requester["id_number"]))),
        field_line((_("Số bản sao được cấp"), extract["copies"])),
        text(
            _("Bản sao trích lục này được cấp từ sổ hộ tịch lưu tại %(committee)s.")
            % {"committee": people_committee(facts.registrar)},
            "note",
        ),
    ]
    return facts.result_sheet(
        title=_("TRÍCH LỤC %(kind)s") % {"kind": extract["register_kind"].upper()},
        subtitle=_("(Bản sao)"),
        body=body,
        signer_role=_("Người ký Trích lục"),
    )
