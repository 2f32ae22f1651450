"""The step forms of the declarations; each kind of declaration is an ordered choice of these steps."""

import datetime
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from egov.accounts.forms import PortalFormMixin
from egov.accounts.id_number import IdNumberField, Sex, id_number_mismatches, parse_id_number
from egov.units.models import AdministrativeUnit
from egov.units.selectors import CommuneMatch, communes_current
from procedures.declarations.fields import (
    DayField,
    DayOrYearField,
    TimeOfDayField,
    ethnicity_field,
    format_dmy,
    nationality_field,
    year_of,
)

EMPTY = "—"


class StepForm(PortalFormMixin, forms.Form):
    """One page of a declaration. Answers are kept in `dossier.data[slug]` as JSON-safe values."""

    slug: ClassVar[str]
    title: ClassVar[Promise]
    intro: ClassVar[Promise | str] = ""

    @classmethod
    def initial_for(cls, user) -> dict[str, Any]:
        """Answers to suggest on a first visit (e.g. the requester's own name and ID number)."""
        return {}

    @classmethod
    def to_input(cls, stored: dict[str, Any]) -> dict[str, Any]:
        """Stored answers as the strings a person would have typed, to refill or re-check the form."""
        values: dict[str, Any] = {}
        for name, field in cls.base_fields.items():
            value = stored.get(name)
            if value is None or value == "":
                continue
            if isinstance(field, DayField):
                values[name] = format_dmy(value)
            elif isinstance(field, forms.BooleanField):
                if value:
                    values[name] = "on"
            else:
                values[name] = str(value)
        return values

    def to_stored(self) -> dict[str, Any]:
        """The cleaned answers (only the valid ones when the form has errors), as JSON-safe values."""
        stored: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, datetime.time):
                value = value.strftime("%H:%M")
            stored[name] = value
        return stored

    @classmethod
    def display(cls, stored: dict[str, Any]) -> list[tuple[str, str]]:
        """(label, value) rows for the review page: dates as dd/mm/yyyy, choices by their label."""
        rows = []
        for name, field in cls.base_fields.items():
            value = stored.get(name)
            if isinstance(field, DayField):
                shown = format_dmy(value)
            elif isinstance(field, forms.BooleanField):
                shown = str(_("Có") if value else _("Không"))
            elif isinstance(field, forms.ChoiceField) and value not in (None, ""):
                shown = str(dict(field.choices).get(value, value))
            else:
                shown = "" if value is None else str(value)
            rows.append((str(field.label), shown or EMPTY))
        return rows

    def add_errors(self, errors: dict[str, list[str]]) -> None:
        """Add errors found outside the form (checks across steps), marked on the inputs like its own."""
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name, message)
            attrs = self.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{attrs.get('aria-describedby', '')} {self[name].auto_id}_error".strip()

    def check_id_number(self, *, sex: str | None, birth: "datetime.date | str | None") -> None:
        """Put an ID number that disagrees with the stated sex or birth year beside the ID field."""
        number = self.cleaned_data.get("id_number")
        if not number:
            return
        birth_year = birth.year if isinstance(birth, datetime.date) else year_of(birth)
        for problem in id_number_mismatches(parse_id_number(number), sex=sex, birth_year=birth_year):
            self.add_error("id_number", problem)


def _text(label: Promise, required_message: Promise, *, help_text: Promise | str = "", **kwargs) -> forms.CharField:
    kwargs.setdefault("max_length", 200)
    return forms.CharField(label=label, help_text=help_text, error_messages={"required": required_message}, **kwargs)


def _name(label: Promise, required_message: Promise, **kwargs) -> forms.CharField:
    kwargs.setdefault("help_text", _("Viết có dấu, đúng như trên giấy tờ."))
    return _text(label, required_message, max_length=120, **kwargs)


def _address(label: Promise, required_message: Promise, **kwargs) -> forms.CharField:
    # Since 1/7/2025 a commune sits directly under its province or city: an address names no district.
    kwargs.setdefault(
        "help_text",
        _("Số nhà, đường/thôn, xã/phường, tỉnh/thành phố, ví dụ: số 12 phố Phúc Xá, phường Hồng Hà, Hà Nội."),
    )
    # Two lines, so a whole address shows on a phone instead of scrolling inside one line.
    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}))
    return _text(label, required_message, max_length=255, **kwargs)


def _sex(label: Promise, required_message: Promise) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=Sex.choices, widget=forms.RadioSelect, error_messages={"required": required_message}
    )


def _optional_id(help_text: Promise) -> IdNumberField:
    return IdNumberField(required=False, help_text=help_text)


# --- The person who files ---------------------------------------------------------------------------------


class RequesterForm(StepForm):
    slug = "nguoi-yeu-cau"
    title = _("Người đi đăng ký")
    intro = _("Người làm thủ tục (người yêu cầu). Chúng tôi đã điền sẵn theo tài khoản của bạn; sửa nếu cần.")

    full_name = _name(_("Họ và tên người yêu cầu"), _("Nhập họ và tên của người yêu cầu."))
    id_number = IdNumberField(error_messages={"required": _("Nhập số định danh cá nhân 12 chữ số.")})
    residence = _address(_("Nơi cư trú"), _("Nhập nơi cư trú, ví dụ: số 12 phố Phúc Xá, phường Hồng Hà, Hà Nội."))

    @classmethod
    def initial_for(cls, user) -> dict[str, Any]:
        return {"full_name": getattr(user, "full_name", ""), "id_number": getattr(user, "id_number", "") or ""}


class BirthRequesterForm(RequesterForm):
    relationship = forms.ChoiceField(
        label=_("Quan hệ với trẻ"),
        choices=[
            ("cha", _("Cha")),
            ("me", _("Mẹ")),
            ("ong-ba", _("Ông hoặc bà")),
            ("nguoi-than", _("Người thân khác")),
            ("nguoi-nuoi-duong", _("Người nuôi dưỡng")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn quan hệ của bạn với trẻ.")},
    )


class DeathRequesterForm(RequesterForm):
    relationship = _text(
        _("Quan hệ với người đã mất"),
        _("Nhập quan hệ của bạn với người đã mất, ví dụ: con, vợ, chồng."),
        help_text=_("Ví dụ: con, vợ, chồng, cháu, hoặc đại diện cơ quan, đơn vị."),
        max_length=60,
    )


# --- Birth ------------------------------------------------------------------------------------------------


class ChildForm(StepForm):
    slug = "tre-em"
    title = _("Thông tin của trẻ")

    full_name = _name(
        _("Họ, chữ đệm và tên của trẻ"),
        _("Nhập họ và tên của trẻ."),
        help_text=_("Viết có dấu, ví dụ: Nguyễn Minh Anh."),
    )
    sex = _sex(_("Giới tính"), _("Chọn giới tính của trẻ."))
    birth_date = DayField(
        label=_("Ngày sinh"),
        help_text=_("Ngày/tháng/năm, như trên giấy chứng sinh, ví dụ 15/12/2016."),
        error_messages={"required": _("Nhập ngày sinh của trẻ, ví dụ 15/12/2016.")},
    )
    birth_place = _text(
        _("Nơi sinh"),
        _("Nhập nơi sinh, ví dụ: Bệnh viện Phụ sản Hà Nội."),
        help_text=_("Tên cơ sở y tế như trên giấy chứng sinh, hoặc địa chỉ nếu sinh ở nhà."),
    )
    hometown = _text(
        _("Quê quán"),
        _("Nhập quê quán của trẻ, ví dụ: xã Ba Vì, Hà Nội."),
        help_text=_("Thường là quê của cha (hoặc của mẹ, nếu cha mẹ thỏa thuận)."),
    )
    ethnicity = ethnicity_field()
    nationality = nationality_field()


class ParentForm(StepForm):
    sex: ClassVar[str]
    full_name = _name(_("Họ và tên"), _("Nhập họ và tên."))
    birth_date = DayOrYearField(label=_("Ngày sinh"), error_messages={"required": _("Nhập ngày sinh hoặc năm sinh.")})
    ethnicity = ethnicity_field()
    nationality = nationality_field()
    residence = _address(_("Nơi cư trú"), _("Nhập nơi cư trú."))
    id_number = _optional_id(_("12 chữ số trên thẻ căn cước hoặc VNeID. Bỏ trống nếu chưa có."))

    def clean(self) -> dict:
        cleaned = super().clean()
        self.check_id_number(sex=self.sex, birth=cleaned.get("birth_date"))
        return cleaned


class MotherForm(ParentForm):
    slug = "me"
    title = _("Thông tin người mẹ")
    sex = Sex.FEMALE


class FatherForm(ParentForm):
    slug = "cha"
    title = _("Thông tin người cha")
    intro = _("Bỏ trống cả trang nếu chưa xác định được người cha; khi đó chỉ bấm “Lưu và tiếp tục”.")
    sex = Sex.MALE

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("full_name", "birth_date", "residence"):
            self.fields[name].required = False

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("full_name"):
            for name, message in (
                ("birth_date", _("Nhập ngày sinh hoặc năm sinh của người cha.")),
                ("residence", _("Nhập nơi cư trú của người cha.")),
            ):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        elif cleaned.get("birth_date") or cleaned.get("residence") or cleaned.get("id_number"):
            self.add_error("full_name", _("Nhập họ và tên người cha, hoặc xóa các ô khác nếu không khai cha."))
        return cleaned


class _HouseholdStep(StepForm):
    """The household a residence change is made in (the 3-in-1 groups register or remove a resident)."""

    household_head = _name(_("Họ và tên chủ hộ"), _("Nhập họ và tên chủ hộ."))
    household_address = _address(_("Địa chỉ thường trú của hộ"), _("Nhập địa chỉ thường trú của hộ."))
    register_number = _text(
        _("Số sổ hộ khẩu hoặc mã hộ gia đình"),
        "",
        required=False,
        max_length=40,
        help_text=_("In trên sổ hộ khẩu cũ hoặc xem trên VNeID. Bỏ trống nếu không có."),
    )


class HouseholdForm(_HouseholdStep):
    slug = "thuong-tru-bhyt"
    title = _("Đăng ký thường trú và thẻ bảo hiểm y tế")
    intro = _("Trẻ sẽ được đăng ký thường trú vào hộ này và được cấp thẻ bảo hiểm y tế (miễn phí cho trẻ dưới 6 tuổi).")

    relationship_to_head = _text(
        _("Quan hệ của trẻ với chủ hộ"),
        _("Nhập quan hệ của trẻ với chủ hộ, ví dụ: con, cháu."),
        help_text=_("Ví dụ: con, cháu nội, cháu ngoại."),
        max_length=60,
    )
    health_facility = _text(
        _("Nơi đăng ký khám chữa bệnh ban đầu"),
        _("Nhập nơi khám chữa bệnh ban đầu, ví dụ: Trạm y tế phường Hồng Hà."),
        help_text=_("Trạm y tế hoặc bệnh viện gần nhà, ghi trên thẻ bảo hiểm y tế của trẻ."),
    )


# --- Death ------------------------------------------------------------------------------------------------


class DeceasedForm(StepForm):
    slug = "nguoi-da-mat"
    title = _("Thông tin người đã mất")

    full_name = _name(_("Họ và tên người đã mất"), _("Nhập họ và tên người đã mất."))
    sex = _sex(_("Giới tính"), _("Chọn giới tính của người đã mất."))
    birth_date = DayOrYearField(
        label=_("Ngày sinh"), error_messages={"required": _("Nhập ngày sinh hoặc năm sinh của người đã mất.")}
    )
    ethnicity = ethnicity_field()
    nationality = nationality_field()
    id_number = _optional_id(_("12 chữ số trên thẻ căn cước của người đã mất. Bỏ trống nếu không có."))
    last_residence = _address(_("Nơi cư trú cuối cùng"), _("Nhập nơi cư trú cuối cùng của người đã mất."))

    def clean(self) -> dict:
        cleaned = super().clean()
        self.check_id_number(sex=cleaned.get("sex"), birth=cleaned.get("birth_date"))
        return cleaned


class DeathForm(StepForm):
    slug = "viec-tu"
    title = _("Thời gian, nơi mất và giấy báo tử")

    death_date = DayField(label=_("Ngày mất"), error_messages={"required": _("Nhập ngày mất, như trên giấy báo tử.")})
    death_time = TimeOfDayField(label=_("Giờ mất"), required=False)
    death_place = _text(
        _("Nơi mất"),
        _("Nhập nơi mất, ví dụ: tại nhà, hoặc tên bệnh viện."),
        help_text=_("Địa chỉ nơi mất, hoặc tên bệnh viện."),
    )
    death_cause = _text(
        _("Nguyên nhân mất"), _("Nhập nguyên nhân mất, như trên giấy báo tử."), help_text=_("Như trên giấy báo tử.")
    )
    notice_number = _text(_("Số giấy báo tử"), _("Nhập số giấy báo tử (in ở góc trên giấy)."), max_length=40)
    notice_issuer = _text(
        _("Nơi cấp giấy báo tử"),
        _("Nhập nơi cấp giấy báo tử, ví dụ: Bệnh viện Bạch Mai."),
        help_text=_("Bệnh viện, hoặc UBND xã, phường, hoặc cơ quan công an."),
    )
    notice_date = DayField(
        label=_("Ngày cấp giấy báo tử"), error_messages={"required": _("Nhập ngày cấp giấy báo tử.")}
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        death, notice = cleaned.get("death_date"), cleaned.get("notice_date")
        if death and notice and notice < death:
            self.add_error("notice_date", _("Giấy báo tử không thể cấp trước ngày mất. Kiểm tra lại hai ngày này."))
        return cleaned


class ResidenceRemovalForm(_HouseholdStep):
    slug = "xoa-thuong-tru"
    title = _("Xóa đăng ký thường trú")
    intro = _("Cơ quan công an sẽ xóa đăng ký thường trú của người đã mất khỏi hộ này.")

    relationship_to_head = _text(
        _("Quan hệ của người đã mất với chủ hộ"),
        _("Nhập quan hệ với chủ hộ, ví dụ: bố, mẹ, vợ, hoặc “là chủ hộ”."),
        max_length=60,
    )


# --- Marriage and marital status ------------------------------------------------------------------------------

MARITAL_STATUSES = [
    ("single", _("Chưa kết hôn lần nào")),
    ("divorced", _("Đã ly hôn")),
    ("widowed", _("Vợ hoặc chồng đã mất")),
]


class PartyForm(StepForm):
    sex: ClassVar[str]
    minimum_age: ClassVar[int]

    full_name = _name(_("Họ và tên"), _("Nhập họ và tên."))
    birth_date = DayField(
        label=_("Ngày sinh"), example="03/04/1995", error_messages={"required": _("Nhập ngày sinh, ví dụ 03/04/1995.")}
    )
    ethnicity = ethnicity_field()
    nationality = nationality_field()
    residence = _address(_("Nơi cư trú"), _("Nhập nơi cư trú."))
    id_number = IdNumberField(error_messages={"required": _("Nhập số định danh cá nhân 12 chữ số.")})
    marital_status = forms.ChoiceField(
        label=_("Tình trạng hôn nhân hiện nay"),
        choices=MARITAL_STATUSES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn tình trạng hôn nhân.")},
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        birth = cleaned.get("birth_date")
        self.check_id_number(sex=self.sex, birth=birth)
        if birth and _age_on(birth, timezone.localdate()) < self.minimum_age:
            self.add_error(
                "birth_date",
                _("Theo Luật Hôn nhân và gia đình, %(who)s phải từ đủ %(age)s tuổi. Kiểm tra lại ngày sinh.")
                % {"who": self.title_short, "age": self.minimum_age},
            )
        return cleaned


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class BrideForm(PartyForm):
    slug = "ben-nu"
    title = _("Thông tin bên nữ")
    title_short = _("bên nữ")
    sex = Sex.FEMALE
    minimum_age = 18


class GroomForm(PartyForm):
    slug = "ben-nam"
    title = _("Thông tin bên nam")
    title_short = _("bên nam")
    sex = Sex.MALE
    minimum_age = 20


class MaritalStatusForm(StepForm):
    slug = "xac-nhan"
    title = _("Nội dung cần xác nhận")

    marital_status = forms.ChoiceField(
        label=_("Tình trạng hôn nhân hiện nay"),
        choices=[*MARITAL_STATUSES, ("married", _("Đang có vợ hoặc chồng"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn tình trạng hôn nhân hiện nay của bạn.")},
    )
    purpose = _text(
        _("Mục đích sử dụng giấy xác nhận"),
        _("Nhập mục đích, ví dụ: để đăng ký kết hôn."),
        help_text=_("Ví dụ: để đăng ký kết hôn, để làm thủ tục mua bán nhà đất."),
    )
    period_from = DayField(
        label=_("Xác nhận từ ngày"),
        example="01/01/2010",
        help_text=_("Thời gian cần xác nhận bắt đầu từ ngày nào, ví dụ 01/01/2010."),
        error_messages={"required": _("Nhập ngày bắt đầu thời gian cần xác nhận, ví dụ 01/01/2010.")},
    )
    period_to = DayField(
        label=_("Đến ngày"),
        required=False,
        example="31/12/2015",
        help_text=_("Bỏ trống nếu cần xác nhận đến nay."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("Ngày kết thúc phải sau ngày bắt đầu. Kiểm tra lại hai ngày này."))
        return cleaned


# --- Copy of an extract -----------------------------------------------------------------------------------


class ExtractForm(StepForm):
    slug = "trich-luc"
    title = _("Bản trích lục cần cấp")
    intro = _("Cho biết việc hộ tịch đã đăng ký trước đây, để cán bộ tìm đúng trang sổ.")

    register_kind = forms.ChoiceField(
        label=_("Loại việc hộ tịch"),
        choices=[
            ("birth", _("Khai sinh")),
            ("death", _("Khai tử")),
            ("marriage", _("Kết hôn")),
            ("parentage", _("Nhận cha, mẹ, con")),
            ("change", _("Thay đổi, cải chính hộ tịch")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn loại việc hộ tịch cần trích lục.")},
    )
    person_name = _name(_("Họ và tên người được đăng ký"), _("Nhập họ và tên người có tên trong sổ hộ tịch."))
    registration_date = DayField(
        label=_("Ngày đăng ký"), required=False, help_text=_("Ngày ghi trên giấy khai sinh, giấy chứng tử… nếu biết.")
    )
    register_entry = _text(
        _("Số, quyển số"),
        "",
        required=False,
        max_length=40,
        help_text=_("Ví dụ: số 125, quyển số 01/2016. Bỏ trống nếu không biết."),
    )
    registered_at = _text(
        _("Nơi đã đăng ký"),
        _("Nhập nơi đã đăng ký, ví dụ: UBND phường Hồng Hà, Hà Nội."),
        # A register entry keeps the name of the office of its day, before or after the 2025 reform.
        help_text=_(
            "Tên cơ quan như ghi trên giấy tờ lúc đăng ký, ví dụ: UBND phường Hồng Hà, Hà Nội; "
            "trước 01/07/2025: UBND phường Phúc Xá, quận Ba Đình."
        ),
    )
    copies = forms.IntegerField(
        label=_("Số bản sao cần cấp"),
        min_value=1,
        max_value=10,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Nhập số bản sao, từ 1 đến 10."),
            "invalid": _("Nhập số bản sao bằng chữ số, từ 1 đến 10."),
            "min_value": _("Nhập số bản sao, từ 1 đến 10."),
            "max_value": _("Mỗi lần cấp tối đa 10 bản sao. Nhập số từ 1 đến 10."),
        },
    )


# --- Where to file, and the uploads ----------------------------------------------------------------------


def commune_label(unit: AdministrativeUnit) -> str:
    """A commune as a citizen reads it: its name, and its district's when it has one ("Phường Phúc Xá, Quận Ba
    Đình" before the 2025 reform; "Phường Hồng Hà" since, directly under the city)."""
    district = unit.district
    return f"{unit.name}, {district.name}" if district is not None else unit.name


def predecessors_text(match: CommuneMatch) -> str:
    """What a search found of a commune's past: the old communes it took over whose name matched."""
    parts = [
        (_("gồm một phần %(old)s trước đây") if partly else _("trước đây: %(old)s")) % {"old": commune_label(old)}
        for old, partly in match.old
    ]
    return capfirst("; ".join(parts))


class HintedRadioSelect(forms.RadioSelect):
    """Radio buttons, each with an optional hint under its label, tied to its input (GOV.UK "radio item hints")."""

    def __init__(self, *args, hints: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hints = hints

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        hint = self.hints.get(str(value))
        if hint:
            option["hint"] = hint
            described = f"{option['attrs'].get('aria-describedby', '')} {option['attrs']['id']}_hint"
            option["attrs"]["aria-describedby"] = described.strip()
        return option


class CommuneSearchForm(PortalFormMixin, forms.Form):
    """Part of a commune's name, today's or an old one, with or without marks (a GET form: no script needed)."""

    q = forms.CharField(
        label=_("Tìm xã, phường theo tên"),
        help_text=_(
            "Gõ một phần tên, có dấu hoặc không dấu, ví dụ: phuc xa. "
            "Tên xã, phường trước khi sắp xếp (trước 01/07/2025) cũng tìm được."
        ),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )

    def query(self) -> str:
        """The text to look for; nothing when none was typed or it is too long to be a name."""
        return self.cleaned_data["q"] if self.is_valid() else ""


class ReceivingUnitForm(PortalFormMixin, forms.Form):
    """The commune that receives the dossier, among those that exist on `day`: the whole list in a select, or the
    communes a search found (`matches`) as radio buttons, each saying which old commune it took over."""

    def __init__(self, *args, day: datetime.date, matches: list[CommuneMatch] | None = None, **kwargs) -> None:
        # The field exists before the mixin's __init__, so it gets the classes of its widget (select or radios).
        self.base_fields = {"commune": self._commune_field(day, matches)}
        self.matches = matches or []
        super().__init__(*args, **kwargs)

    @staticmethod
    def _commune_field(day: datetime.date, matches: list[CommuneMatch] | None) -> forms.ModelChoiceField:
        # Whatever is shown, any commune that exists on `day` is accepted, and nothing else.
        field = forms.ModelChoiceField(
            label=_("Xã, phường nhận hồ sơ"),
            help_text=_("Thường là xã, phường nơi bạn (hoặc cha, mẹ của trẻ, hoặc người đã mất) cư trú."),
            queryset=AdministrativeUnit.objects.communes().valid_on(day),
            widget=(
                HintedRadioSelect(hints={str(match.unit.pk): predecessors_text(match) for match in matches})
                if matches
                else forms.Select
            ),
            error_messages={
                "required": _("Chọn xã, phường nhận hồ sơ."),
                "invalid_choice": _("Chọn lại xã, phường nhận hồ sơ trong danh sách các xã, phường hiện nay."),
            },
        )
        if matches:
            field.choices = [(match.unit.pk, commune_label(match.unit)) for match in matches]
        else:
            units = communes_current(day)
            field.choices = [("", _("— Chọn xã, phường —")), *((unit.pk, commune_label(unit)) for unit in units)]
        return field

    def split_communes(self) -> list[str]:
        """The old communes found whose territory went to several of the communes listed."""
        return sorted({commune_label(old) for match in self.matches for old, partly in match.old if partly})


class AttachmentsForm(PortalFormMixin, forms.Form):
    """One file input per paper; an input is required while its paper is needed and has no file yet."""

    def __init__(self, *args, documents, uploaded: set[str], **kwargs) -> None:
        # The fields exist before the mixin's __init__, so they get its classes and hint ids like any field.
        self.base_fields = {
            document.slug: self._file_field(document, document.slug in uploaded) for document in documents
        }
        super().__init__(*args, **kwargs)

    @staticmethod
    def _file_field(document, has_file: bool) -> forms.FileField:
        if has_file:
            hint = _("Đã có tệp (xem bên dưới). Chọn thêm tệp nếu giấy tờ có nhiều trang.")
        else:
            hint = _("Ảnh chụp (JPEG, PNG) hoặc bản quét PDF, rõ nét, đủ bốn góc, tối đa 5 MB.")
        return forms.FileField(
            label=document.name,
            # Not required once a file is there, so "(không bắt buộc)" tells the truth.
            required=document.required and not has_file,
            help_text=hint,
            widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
            error_messages={
                "required": _("Tải lên ảnh chụp hoặc bản quét “%(name)s”.") % {"name": document.name},
                "empty": _("Tệp đã chọn trống. Hãy chọn lại tệp ảnh chụp hoặc bản quét."),
            },
        )
