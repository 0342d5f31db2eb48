"""Forms and the list filter of intake. Labels are the Chinese ones the stations know."""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases import validators
from cases.models import Application, Document, FamilyMember, Member, NameBigrams
from cases.estimate import submission_date_of
from funds.models import AidCategory, Disease, Fund, RuleSet
from funds.selectors import funds_visible_to
from reliefdesk.models import Employer, Role, Station
from reliefdesk.search import name_pieces
from reliefdesk.scope import employers_visible_to, role_of, stations_visible_to

MONEY_FIELD = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0"),
               "validators": [validators.validate_money_not_negative]}


def _money(label, *, required=True):
    return forms.DecimalField(label=label, required=required, localize=False,
                              widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
                              **MONEY_FIELD)


class IdNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("ID number"))
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        return validators.parse_id_number(value).id_number


class MemberFindForm(forms.Form):
    id_number = IdNumberField(help_text=_("18 characters; the last may be X."))


def _station_field(form, user, *, name="station"):
    """The station choice of a liaison with several stations (an administrator may leave it empty); with one
    station the field goes and the service takes his station."""
    if user is None:
        del form.fields[name]
        return
    stations = stations_visible_to(user=user).filter(active=True)
    if role_of(user) == Role.ADMIN:
        form.fields[name].queryset = stations
        return
    if stations.count() <= 1:
        del form.fields[name]
        return
    form.fields[name].queryset = stations
    form.fields[name].required = True


class MemberForm(forms.Form):
    id_number = IdNumberField()
    name = forms.CharField(label=_("Name"), max_length=50)
    station = forms.ModelChoiceField(label=_("registered at"), queryset=Station.objects.none(), required=False,
                                     help_text=_("The station the member belongs to from now on."))
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False, validators=[validators.validate_mobile])
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Employer.objects.none(), required=False)
    card_number = forms.CharField(label=_("Card number"), max_length=30, required=False,
                                  validators=[validators.validate_card_number],
                                  help_text=_("The union service card or bank card the aid is paid to."))
    bank_name = forms.CharField(label=_("Bank"), max_length=100, required=False)
    member_since = forms.DateField(label=_("union member since"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers_visible_to(user=user)
        _station_field(self, user)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("card_number") and not cleaned.get("bank_name"):
            self.add_error("bank_name", _("Name the bank of the card."))
        return cleaned


class MemberEditForm(forms.Form):
    """A member's contact and payment details; the ID number (and so birth date and sex) never changes."""

    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False,
                            validators=[validators.validate_mobile])
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Employer.objects.none(), required=False)
    is_union_member = forms.BooleanField(label=_("union member"), required=False)
    member_since = forms.DateField(label=_("union member since"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    card_number = forms.CharField(label=_("Card number"), max_length=30, required=False,
                                  validators=[validators.validate_card_number],
                                  help_text=_("A new card reaches payouts already approved only when finance "
                                              "applies it to them."))
    bank_name = forms.CharField(label=_("Bank"), max_length=100, required=False)

    def __init__(self, *args, member, user, **kwargs):
        kwargs.setdefault("initial", {name: getattr(member, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        # His current employer stays choosable even when it belongs to another district.
        self.fields["employer"].queryset = Employer.objects.filter(
            Q(pk__in=employers_visible_to(user=user).values("pk")) | Q(pk=member.employer_id)).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("card_number") and not cleaned.get("bank_name"):
            self.add_error("bank_name", _("Name the bank of the card."))
        return cleaned


class RegisterHereForm(forms.Form):
    """Register a member on file elsewhere at the liaison's station: his full ID number and why."""

    id_number = IdNumberField(widget=forms.HiddenInput)
    station = forms.ModelChoiceField(label=_("register him at"), queryset=Station.objects.none(), required=False)
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("For example: he now works for an employer of our district."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _station_field(self, user)


class FamilyMemberForm(forms.Form):
    relation = forms.ChoiceField(label=_("relation"), choices=FamilyMember.Relation.choices)
    family_name = forms.CharField(label=_("Name"), max_length=50)
    family_id_number = IdNumberField()


class BeneficiaryForm(forms.Form):
    """Who receives the aid, and (for a new case) at which station it is entered."""

    beneficiary = forms.ChoiceField(label=_("Beneficiary"), widget=forms.RadioSelect)
    station = forms.ModelChoiceField(label=_("service station"), queryset=None, required=False)

    def __init__(self, *args, member, user, with_station=True, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("self", _("%(name)s (the member himself)") % {"name": member.name})]
        choices += [(str(fm.pk), f"{fm.name}（{fm.get_relation_display()}）") for fm in member.family.all()]
        self.fields["beneficiary"].choices = choices
        self.family = {str(fm.pk): fm for fm in member.family.all()}
        stations = stations_visible_to(user=user).filter(active=True)
        if with_station:
            self.fields["station"].queryset = stations
            self.fields["station"].required = True
            if len(stations) == 1:
                self.fields["station"].initial = stations[0].pk
        else:
            del self.fields["station"]

    def clean_beneficiary(self):
        value = self.cleaned_data["beneficiary"]
        return None if value == "self" else self.family[value]


MEDICAL_AMOUNTS = ("total_cost", "reimbursed", "other_aid")


def offered_rule_sets(funds) -> list[RuleSet]:
    """The active rule sets of ``funds``: what decides which categories and which amounts the facts step asks."""
    return list(RuleSet.objects.filter(fund__in=funds, status=RuleSet.Status.ACTIVE, programme__isnull=True)
                .select_related("category").order_by("category__sort_order", "category__code", "effective_from"))


def rule_set_on_file(rule_sets, *, fund_id, category_id, event_date, submission_date) -> RuleSet | None:
    """The rule set of ``rule_sets`` in force for the fund and category on its deciding date (as rule_set_for)."""
    for rule_set in rule_sets:
        if rule_set.fund_id != fund_id or rule_set.category_id != category_id:
            continue
        day = submission_date if rule_set.date_basis == RuleSet.DateBasis.SUBMISSION else \
            (event_date or submission_date)
        if rule_set.effective_from <= day and (rule_set.effective_to is None or day <= rule_set.effective_to):
            return rule_set
    return None


class FactsForm(forms.Form):
    """The event and its amounts. Only categories with a rule set in force for the fund are offered, and only
    the amounts the rule set's basis uses are asked: none of the medical amounts for 助学 or 生活救助."""

    fund = forms.ModelChoiceField(label=_("fund"), queryset=Fund.objects.none())
    category = forms.ModelChoiceField(label=_("Aid category"), queryset=AidCategory.objects.none())
    event_date = forms.DateField(label=pgettext_lazy("application", "Event date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 validators=[validators.validate_event_date])
    disease = forms.ModelChoiceField(label=_("Disease"), queryset=Disease.objects.all(), required=False)
    total_cost = _money(_("Total medical cost"), required=False)
    reimbursed = _money(_("Medical insurance reimbursement"), required=False)
    other_aid = _money(_("Other aid"), required=False)
    self_paid = forms.DecimalField(label=_("Self-paid amount"), required=False, disabled=True,
                                   help_text=_("Total medical cost minus reimbursed minus other aid."))
    assessed_loss = _money(_("assessed loss"), required=False)
    narrative = forms.CharField(label=_("Description of circumstances"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        district_id = application.district_id
        funds = Fund.objects.filter(active=True).filter(Q(district_id=district_id) | Q(district__isnull=True))
        self.fields["fund"].queryset = funds
        self.fields["self_paid"].initial = application.self_paid
        self.fields["assessed_loss"].help_text = _("Only for sudden events and disasters.")
        self.submission_date = submission_date_of(application)
        self.rule_sets = offered_rule_sets(funds)
        categories = {rs.category_id: rs.category for rs in self.rule_sets}
        if self.is_bound:
            # Any category some fund offers; clean() says when it has no rule set for the fund and date.
            offered = list(categories)
        else:
            # Those in force for the case's fund on its date; the current category stays shown (clean() will
            # say if it no longer applies) and intake.js re-offers them as fund and date change.
            fund_id = self.initial.get("fund").pk if self.initial.get("fund") else None
            offered = [cid for cid in categories if self._rule_set(fund_id, cid, self.initial.get("event_date"))]
            if application.category_id:
                offered.append(application.category_id)
        self.fields["category"].queryset = AidCategory.objects.filter(pk__in=offered)
        self.basis = self._initial_basis()

    def _rule_set(self, fund_id, category_id, event_date):
        return rule_set_on_file(self.rule_sets, fund_id=fund_id, category_id=category_id, event_date=event_date,
                                submission_date=self.submission_date)

    def _initial_basis(self) -> str:
        if self.is_bound:
            fund, category, event_date = (self.data.get(self.add_prefix(n)) for n in ("fund", "category", "event_date"))
            try:
                fund_id, category_id = int(fund), int(category)
                day = dt.date.fromisoformat(event_date) if event_date else None
            except (TypeError, ValueError):
                return RuleSet.Basis.SELF_PAID
        else:
            fund_id = self.initial.get("fund").pk if self.initial.get("fund") else None
            category_id = self.initial.get("category").pk if self.initial.get("category") else None
            day = self.initial.get("event_date")
        rule_set = self._rule_set(fund_id, category_id, day)
        return rule_set.basis if rule_set else RuleSet.Basis.SELF_PAID

    def rule_sets_data(self) -> str:
        """For the browser (intake.js): which categories each fund offers when, and the amounts each asks."""
        return json.dumps([{"fund": rs.fund_id, "category": rs.category_id, "from": rs.effective_from.isoformat(),
                            "to": rs.effective_to.isoformat() if rs.effective_to else None, "basis": rs.basis,
                            "date_basis": rs.date_basis} for rs in self.rule_sets])

    def categories_data(self) -> str:
        seen = {}
        for rs in self.rule_sets:
            seen.setdefault(rs.category_id, rs.category)
        return json.dumps([{"id": c.pk, "name": str(c)} for c in seen.values()], ensure_ascii=False)

    def clean(self):
        cleaned = super().clean()
        fund, category = cleaned.get("fund"), cleaned.get("category")
        basis = None
        if fund is not None and category is not None and "event_date" not in self.errors:
            rule_set = self._rule_set(fund.pk, category.pk, cleaned.get("event_date"))
            if rule_set is None:
                day = cleaned.get("event_date") or self.submission_date
                self.add_error("category", _("%(fund)s has no rule set for %(category)s in force on %(date)s: choose "
                                             "another category or check the event date.")
                               % {"fund": fund, "category": category, "date": day.isoformat()})
            else:
                basis = rule_set.basis
        if basis is not None and basis != RuleSet.Basis.SELF_PAID:
            # Not asked for this category: whatever came in is neither checked nor kept.
            for name in MEDICAL_AMOUNTS:
                self.errors.pop(name, None)
                cleaned[name] = Decimal("0.00")
        elif basis == RuleSet.Basis.SELF_PAID:
            for name in MEDICAL_AMOUNTS:
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, forms.Field.default_error_messages["required"])
        if basis is not None and basis != RuleSet.Basis.ASSESSED_LOSS:
            self.errors.pop("assessed_loss", None)
            cleaned["assessed_loss"] = None
        total, reimbursed, other = (cleaned.get(k) for k in MEDICAL_AMOUNTS)
        if None not in (total, reimbursed, other) and not any(k in self.errors for k in MEDICAL_AMOUNTS):
            try:
                validators.validate_amounts(total, reimbursed, other)
            except forms.ValidationError as exc:
                self.add_error("reimbursed", exc)
        return cleaned


class EstimateForm(forms.Form):
    """The facts as typed on the facts step, for the live estimate; empty amounts count as zero."""

    fund = forms.ModelChoiceField(queryset=Fund.objects.none(), required=False)
    category = forms.ModelChoiceField(queryset=AidCategory.objects.all(), required=False)
    event_date = forms.DateField(required=False)
    disease = forms.ModelChoiceField(queryset=Disease.objects.all(), required=False)
    total_cost = forms.DecimalField(required=False, **MONEY_FIELD)
    reimbursed = forms.DecimalField(required=False, **MONEY_FIELD)
    other_aid = forms.DecimalField(required=False, **MONEY_FIELD)
    assessed_loss = forms.DecimalField(required=False, **MONEY_FIELD)

    def __init__(self, *args, application: Application, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The funds the facts step offers, and only those the user may see.
        self.fields["fund"].queryset = funds_visible_to(user=user).filter(active=True).filter(
            Q(district_id=application.district_id) | Q(district__isnull=True))
        self.application = application

    def clean(self):
        cleaned = super().clean()
        for name in ("total_cost", "reimbursed", "other_aid"):
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = Decimal("0.00")
        for name, current in (("fund", self.application.fund), ("category", self.application.category),
                              ("event_date", self.application.event_date)):
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = current
        return cleaned


class DocumentsForm(forms.Form):
    """One file input per document kind, what an "other" document is, and the invoice numbers."""

    invoice_numbers = forms.CharField(
        label=_("Invoice numbers"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The numbers of the medical invoices, one per line or separated by commas."),
    )
    description_other = forms.CharField(
        label=_("What is the other document?"), required=False, max_length=100,
        help_text=_("Required with a file under “Other”, e.g. admission letter, student card, household register."))

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        required = application.category.required_documents
        kinds = [k for k in Document.Kind.values if k in required] + \
                [k for k in Document.Kind.values if k not in required]
        labels = dict(Document.Kind.choices)
        self.kinds = kinds
        for kind in kinds:
            self.fields[f"file_{kind}"] = forms.FileField(
                label=labels[kind], required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}),
            )
        self.required_kinds = [k for k in kinds if k in required]

    def files_by_kind(self):
        return [(kind, self.cleaned_data.get(f"file_{kind}")) for kind in self.kinds
                if self.cleaned_data.get(f"file_{kind}")]

    def description_for(self, kind: str) -> str:
        return self.cleaned_data.get("description_other", "") if kind == Document.Kind.OTHER else ""


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


# What a search box value is: a whole ID number, a whole application number, part of either, or a name.
_WHOLE_ID = re.compile(r"^\d{17}[\dX]$")
_PART_OF_ID = re.compile(r"^\d{3,17}X?$")
_WHOLE_REFERENCE = re.compile(r"^[A-Z]{2,4}-\d{4}-\d{5,}$")
_PART_OF_REFERENCE = re.compile(r"^[A-Z]{2,4}-[\d-]*$")


def application_search(queryset, value: str):
    """The applications of ``queryset`` that ``value`` finds, each kind of value through its own index.

    * a whole ID number: the case of that beneficiary or of that member, by an exact lookup;
    * a whole application number: that case, exactly; its beginning (``SY-2022-``): a prefix match;
    * digits (3 or more): ID numbers that begin or end with them (the last six digits, say);
    * one character: names that begin with it (a Chinese name begins with the surname);
    * anything longer: names that contain it, through the GIN index on their two-character pieces.

    ``queryset`` is already the user's scope, so a match in another district is never listed.
    """
    text = (value or "").strip()
    if not text:
        return queryset
    code = validators.normalise_id_number(text)
    if _WHOLE_ID.match(code):
        member_ids = list(Member.objects.filter(id_number=code).values_list("pk", flat=True))
        return queryset.filter(Q(beneficiary_id_number=code) | Q(member_id__in=member_ids))
    if _WHOLE_REFERENCE.match(code):
        return queryset.filter(reference=code)
    if _PART_OF_REFERENCE.match(code):
        return queryset.filter(reference__startswith=code)
    if _PART_OF_ID.match(code):
        return queryset.alias(id_number_reversed=Reverse("beneficiary_id_number")).filter(
            Q(beneficiary_id_number__startswith=code) | Q(id_number_reversed__startswith=code[::-1]))
    if len(text) == 1:
        return queryset.filter(beneficiary_name__startswith=text)
    return queryset.alias(name_bigrams=NameBigrams("beneficiary_name")).filter(
        name_bigrams__contains=name_pieces(text), beneficiary_name__icontains=text)


class _LocalDayFilter(django_filters.DateFilter):
    """From (or to) a local day, as a range on the creation time: the list's indexes serve it."""

    def __init__(self, *args, until=False, **kwargs):
        self.until = until
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        start = timezone.make_aware(dt.datetime.combine(value, dt.time.min))
        if self.until:
            return qs.filter(**{f"{self.field_name}__lt": start + dt.timedelta(days=1)})
        return qs.filter(**{f"{self.field_name}__gte": start})


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  help_text=_("Name, ID number or application number"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=Application.Status.choices)
    category = django_filters.ModelChoiceFilter(label=_("Aid category"), queryset=AidCategory.objects.all())
    station = django_filters.ModelChoiceFilter(label=_("service station"), queryset=None)
    fund = django_filters.ModelChoiceFilter(label=_("fund"), queryset=Fund.objects.all())
    created_from = _LocalDayFilter(label=_("created from"), field_name="created_at",
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    created_to = _LocalDayFilter(label=_("created to"), field_name="created_at", until=True,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    class Meta:
        model = Application
        fields = ["q", "status", "category", "station", "fund", "created_from", "created_to"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["station"].queryset = stations_visible_to(user=user)
        self.filters["fund"].queryset = funds_visible_to(user=user).order_by("slug")

    def search(self, queryset, name, value):
        return application_search(queryset, value)
