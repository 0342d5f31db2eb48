"""Forms and the list filter of the household file."""
from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms.intake import IdNumberField
from cases.selectors.intake import member_find
from households.models import Cause, CivilStatus, Health, Household, HouseholdDocument, HouseholdPerson, SchoolLevel
from reliefdesk.scope import stations_visible_to

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money_input(label, *, required=True, help_text=""):
    return forms.DecimalField(label=label, required=required, max_digits=12, decimal_places=2,
                              min_value=Decimal("0"), max_value=Decimal("9999999999.99"), localize=False,
                              help_text=help_text,
                              widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos or scans in one input (a phone offers its camera)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Name, ID number or file number"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=Household.Status.choices)
    cause = django_filters.ChoiceFilter(label=_("cause of hardship"), choices=Cause.choices, method="with_cause")
    civil_status = django_filters.ChoiceFilter(label=_("civil-affairs status"), choices=CivilStatus.choices)
    station = django_filters.ModelChoiceFilter(label=_("service station"), queryset=None)
    due = django_filters.BooleanFilter(label=_("Due for review"), method="due_for_review", widget=forms.CheckboxInput)
    single_parent = django_filters.BooleanFilter(label=_("single parent"), method="is_single_parent",
                                                 widget=forms.CheckboxInput)

    class Meta:
        model = Household
        fields = ["q", "status", "cause", "civil_status", "station", "due", "single_parent"]

    def __init__(self, *args, user=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.filters["station"].queryset = stations_visible_to(user=user)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(head__name__icontains=value) | Q(head__id_number__icontains=value.upper())
                               | Q(reference__icontains=value))

    def with_cause(self, queryset, name, value):
        return queryset.filter(causes__contains=[value]) if value else queryset

    def due_for_review(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status=Household.Status.ON_FILE, next_review_due__lte=self.today)

    def is_single_parent(self, queryset, name, value):
        return queryset.filter(single_parent=True) if value else queryset


class HouseholdForm(forms.Form):
    """A file's facts; a new file also names its head by his ID number."""

    head = IdNumberField(label=_("head of the household: ID number"),
                         help_text=_("The union member who heads the household; he must be registered."))
    station = forms.ModelChoiceField(label=_("service station"), queryset=None)
    monthly_income = money_input(_("monthly household income (yuan)"),
                                 help_text=_("Everyone's income together, per month."))
    causes = forms.MultipleChoiceField(label=_("causes of hardship"), choices=Cause.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    cause_note = forms.CharField(label=_("about the causes"), required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    civil_status = forms.ChoiceField(label=_("civil-affairs status"), choices=CivilStatus.choices)
    civil_status_from = forms.DateField(label=_("civil-affairs status from"), required=False, widget=DATE_WIDGET)
    civil_status_to = forms.DateField(label=_("civil-affairs status until"), required=False, widget=DATE_WIDGET)
    single_parent = forms.BooleanField(label=_("single parent"), required=False)
    narrative = forms.CharField(label=_("Circumstances"), required=False, max_length=10000,
                                widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, user, household: Household | None = None, **kwargs):
        if household is not None:
            kwargs.setdefault("initial", {
                "station": household.station_id, "monthly_income": household.monthly_income,
                "causes": household.causes, "cause_note": household.cause_note,
                "civil_status": household.civil_status, "civil_status_from": household.civil_status_from,
                "civil_status_to": household.civil_status_to, "single_parent": household.single_parent,
                "narrative": household.narrative})
        super().__init__(*args, **kwargs)
        self.user = user
        stations = stations_visible_to(user=user).filter(active=True)
        self.fields["station"].queryset = stations
        if household is not None:
            del self.fields["head"]
        if len(stations) == 1:
            self.fields["station"].initial = stations[0].pk

    def clean_head(self):
        found = member_find(user=self.user, id_number=self.cleaned_data["head"])
        if found.member is not None:
            return found.member
        if found.exists:
            raise forms.ValidationError(
                _("%(name)s is registered at another station: register him at yours first (New application → "
                  "find the member)."), code="member_elsewhere", params={"name": found.masked_name})
        raise forms.ValidationError(_("No member is registered with this ID number: register him first "
                                      "(New application → find the member)."), code="no_member")


class PersonForm(forms.Form):
    relation = forms.ChoiceField(label=_("relation"), choices=HouseholdPerson.Relation.choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = IdNumberField()
    health = forms.ChoiceField(label=_("health"), choices=Health.choices)
    health_note = forms.CharField(label=_("about the health"), max_length=200, required=False)
    school_level = forms.ChoiceField(label=_("schooling level"), choices=SchoolLevel.choices, required=False)
    in_school = forms.BooleanField(label=_("in school"), required=False)
    monthly_income = money_input(_("monthly income (yuan)"), required=False)

    def __init__(self, *args, person: HouseholdPerson | None = None, **kwargs):
        if person is not None:
            kwargs.setdefault("initial", {name: getattr(person, name) for name in (
                "relation", "name", "id_number", "health", "health_note", "school_level", "in_school",
                "monthly_income")})
        super().__init__(*args, **kwargs)


class VisitForm(forms.Form):
    """The home visit (入户调查), entered on a phone in the household's home."""

    visited_on = forms.DateField(label=_("visited on"), widget=DATE_WIDGET)
    visitors = forms.CharField(label=_("visited by"), max_length=200)
    findings = forms.CharField(label=_("findings"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    files = MultipleFileField(label=_("photos and scans"), required=False,
                              help_text=_("Photos (JPEG, PNG) or scans (PDF) of the visit; several at once."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"visited_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=HouseholdDocument.Kind.choices)
    description = forms.CharField(label=_("what it is"), max_length=200, required=False)
    file = forms.FileField(label=_("file"),
                           widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
