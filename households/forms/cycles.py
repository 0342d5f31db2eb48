"""Forms of programmes and cycles: a programme's settings, the cycle list's filter, generating, removing a line."""
from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funds.models import AidCategory, Programme
from funds.selectors import funds_visible_to
from households.forms.file import DATE_WIDGET
from households.models import Cycle, SchoolLevel
from households.services.cycles import HOLIDAY_CHOICES
from reliefdesk.models import Role
from reliefdesk.scope import districts_visible_to, role_of

SCHOOL_LEVELS = [(code, label) for code, label in SchoolLevel.choices if code]


def funds_for_programmes(*, user):
    """The funds whose programmes ``user`` runs: an administrator all, an approver his district's own funds."""
    funds = funds_visible_to(user=user)
    if role_of(user) == Role.ADMIN:
        return funds
    if role_of(user) == Role.APPROVER:
        return funds.filter(district__isnull=False)
    return funds.none()


class ProgrammeForm(forms.Form):
    """A programme's settings; a new one also names its fund (which never changes afterwards)."""

    fund = forms.ModelChoiceField(label=_("fund"), queryset=None)
    code = forms.SlugField(label=_("code"), max_length=40, help_text=_("Letters, digits and hyphens, e.g. living-monthly"))
    name = forms.CharField(label=_("name"), max_length=100, help_text=_("For example: 生活补贴"))
    name_en = forms.CharField(label=_("English name"), max_length=150, required=False)
    category = forms.ModelChoiceField(label=_("aid category"), queryset=AidCategory.objects.all())
    schedule = forms.ChoiceField(label=_("schedule"), choices=Programme.Schedule.choices)
    enrolment = forms.ChoiceField(label=_("who is enrolled"), choices=Programme.Enrolment.choices)
    unit = forms.ChoiceField(label=_("paid per"), choices=Programme.Unit.choices,
                             help_text=_("Per pupil for a programme that enrols pupils in school; else per household."))
    school_levels = forms.MultipleChoiceField(label=_("school levels"), choices=SCHOOL_LEVELS, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=_("Only for a programme that enrols pupils in school."))
    single_parent_widening = forms.BooleanField(
        label=_("children of single parents from pre-school to university"), required=False)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)
    description = forms.CharField(label=_("description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, programme: Programme | None = None, **kwargs):
        if programme is not None:
            kwargs.setdefault("initial", {name: getattr(programme, name) for name in (
                "code", "name", "name_en", "schedule", "enrolment", "unit", "school_levels",
                "single_parent_widening", "active", "description")} | {"category": programme.category_id})
        super().__init__(*args, **kwargs)
        if programme is None:
            self.fields["fund"].queryset = funds_for_programmes(user=user).order_by("slug")
        else:
            del self.fields["fund"]

    def clean(self):
        data = super().clean()
        enrolment, unit = data.get("enrolment"), data.get("unit")
        if enrolment == Programme.Enrolment.SCHOOL:
            if not data.get("school_levels"):
                self.add_error("school_levels", _("Name the school levels whose pupils the programme pays."))
            if unit and unit != Programme.Unit.PUPIL:
                self.add_error("unit", _("A programme that enrols pupils in school pays per pupil."))
        elif enrolment and unit == Programme.Unit.PUPIL:
            self.add_error("unit", _("Only a programme that enrols pupils in school pays per pupil."))
        if enrolment and enrolment != Programme.Enrolment.SCHOOL:
            data["school_levels"] = []
        return data

    def values(self) -> dict:
        """The cleaned settings, as the programme services take them."""
        return {name: self.cleaned_data[name] for name in (
            "code", "name", "name_en", "category", "schedule", "unit", "enrolment", "school_levels",
            "single_parent_widening", "active", "description")}


class CycleFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(label=_("programme"), queryset=Programme.objects.none())
    status = django_filters.ChoiceFilter(label=_("status"), choices=Cycle.Status.choices)
    district = django_filters.ModelChoiceFilter(label=_("district"), queryset=None)
    date_from = django_filters.DateFilter(label=_("cycle date from"), field_name="cycle_date", lookup_expr="gte",
                                          widget=DATE_WIDGET)
    date_to = django_filters.DateFilter(label=_("cycle date until"), field_name="cycle_date", lookup_expr="lte",
                                        widget=DATE_WIDGET)

    class Meta:
        model = Cycle
        fields = ["programme", "status", "district", "date_from", "date_to"]

    def __init__(self, *args, user, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["programme"].queryset = programmes
        districts = districts_visible_to(user=user)
        self.filters["district"].queryset = districts
        if len(districts) <= 1:
            del self.filters["district"]


class CycleGenerateForm(forms.Form):
    """A programme and the cycle's date: its households or pupils are judged as they stand on that day."""

    programme = forms.ModelChoiceField(label=_("programme"), queryset=Programme.objects.none())
    cycle_date = forms.DateField(label=_("cycle date"), widget=DATE_WIDGET,
                                 help_text=_("Who qualifies, and the rule set and 低保标准 in force, are those of this day."))
    holiday = forms.ChoiceField(label=_("holiday"), required=False,
                                help_text=_("Only for holiday visits; empty: the holiday of the date's month."))
    district = forms.ModelChoiceField(label=_("district"), queryset=None, required=False,
                                      help_text=_("Whose households: needed only for a city-wide fund's programme."))

    def __init__(self, *args, user, programmes, **kwargs):
        kwargs.setdefault("initial", {"cycle_date": timezone.localdate().replace(day=1)})
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["holiday"].choices = [("", "—"), *HOLIDAY_CHOICES]
        districts = districts_visible_to(user=user)
        if len(districts) <= 1:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = districts

    def clean_cycle_date(self):
        day = self.cleaned_data["cycle_date"]
        if day < dt.date(2000, 1, 1) or day > timezone.localdate() + dt.timedelta(days=366):
            raise forms.ValidationError(_("Choose a date from 2000 until a year from today."), code="out_of_range")
        return day


class RemoveLineForm(forms.Form):
    reason = forms.CharField(label=_("why the line is removed"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Give the reason for removing the line.")})


class DiscardCycleForm(forms.Form):
    reason = forms.CharField(label=_("why the cycle is discarded"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Give the reason for discarding the cycle.")})
