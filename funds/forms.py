"""Forms of the funds pages."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from funds.ledger import booked_on_error
from funds.models import MONEY, Disease, Parameter, RuleSet, Tier
from funds.services import EDITABLE_FIELDS
from reliefdesk.models import District, Role
from reliefdesk.scope import role_of

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def money_field(label, *, required=True, min_value=None):
    return forms.DecimalField(label=label, required=required, min_value=min_value, **MONEY)


class AdjustmentForm(forms.Form):
    amount = money_field(_("amount (negative for a debit)"))
    booked_on = forms.DateField(label=_("date"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    district = forms.ModelChoiceField(label=_("district's part"), queryset=District.objects.all(), required=False,
                                      empty_label=_("City level (not yet allocated)"))

    def __init__(self, *args, fund=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only an administrator names the part of a city-wide fund; district finance books on its own part.
        if fund is None or fund.district_id is not None or role_of(user) != Role.ADMIN:
            del self.fields["district"]

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("An adjustment cannot be zero."))
        return amount

    def clean_booked_on(self):
        booked_on = self.cleaned_data["booked_on"]
        problem = booked_on_error(booked_on)
        if problem:
            raise forms.ValidationError(problem)
        return booked_on


class AllocationForm(forms.Form):
    """An administrator allocates part of a city-wide fund to a district; a negative amount takes some back."""

    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.all())
    amount = money_field(_("amount (negative to take back)"))
    booked_on = forms.DateField(label=_("date"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("An allocation cannot be zero."))
        return amount

    def clean_booked_on(self):
        booked_on = self.cleaned_data["booked_on"]
        problem = booked_on_error(booked_on)
        if problem:
            raise forms.ValidationError(problem)
        return booked_on


class ReversalForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=1000)


class TryForm(forms.Form):
    basis_amount = money_field(_("basis amount (yuan)"), required=False, min_value=Decimal("0"))
    event_date = forms.DateField(label=_("event date"), widget=DATE_INPUT)
    submission_date = forms.DateField(label=_("submission date"), widget=DATE_INPUT)
    disease = forms.ModelChoiceField(label=_("disease"), queryset=Disease.objects.none(), required=False)
    is_member = forms.BooleanField(label=_("union member"), required=False, initial=True)
    awarded_this_year = money_field(_("already awarded this year"), required=False, min_value=Decimal("0"))
    awards_this_year = forms.IntegerField(label=_("awards this year"), required=False, min_value=0)

    def __init__(self, *args, rule_set: RuleSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_set = rule_set
        self.fields["disease"].queryset = (rule_set.diseases.all() if rule_set.diseases_restricted
                                           else Disease.objects.all())
        if rule_set.basis == RuleSet.Basis.NONE:
            del self.fields["basis_amount"]

    def clean(self):
        data = super().clean()
        if "basis_amount" in self.fields and data.get("basis_amount") is None and "basis_amount" not in self.errors:
            self.add_error("basis_amount", _("Enter the amount the aid is computed on."))
        event, submitted = data.get("event_date"), data.get("submission_date")
        if event and submitted and submitted < event:
            self.add_error("submission_date", _("The submission date cannot be before the event date."))
        return data


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = [*EDITABLE_FIELDS, "diseases"]
        widgets = {"effective_from": DATE_INPUT, "effective_to": DATE_INPUT,
                   "diseases": forms.CheckboxSelectMultiple, "source_note": forms.Textarea(attrs={"rows": 3})}


class TierForm(forms.ModelForm):
    class Meta:
        model = Tier
        fields = ["lower", "upper", "kind", "rate", "amount", "range_min", "range_max", "parameter", "multiplier",
                  "label"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parameter"].queryset = Parameter.objects.all()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        needs = {"rate": ["rate"], "fixed": ["amount"], "range": ["range_min", "range_max"],
                 "parameter": ["parameter", "multiplier"]}.get(kind, [])
        for name in needs:
            if data.get(name) in (None, ""):
                self.add_error(name, _("Required for this kind of tier."))
        upper, lower = data.get("upper"), data.get("lower")
        if upper is not None and lower is not None and upper <= lower:
            self.add_error("upper", _("The upper bound must be above the lower bound."))
        low, high = data.get("range_min"), data.get("range_max")
        if low is not None and high is not None and high < low:
            self.add_error("range_max", _("The range must not end below its start."))
        return data

    def validate_unique(self):
        # The tiers are replaced as a whole by the service; the rule set is not part of this form.
        pass


class BaseTierFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = sorted((f.cleaned_data for f in self.forms
                       if f.cleaned_data and not f.cleaned_data.get("DELETE")), key=lambda d: d["lower"])
        for previous, current in zip(rows, rows[1:]):
            if previous.get("upper") is None or previous["upper"] > current["lower"]:
                raise forms.ValidationError(_("Tiers overlap: each tier must start where the previous one ends "
                                              "or later."))

    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


TierFormSet = formset_factory(TierForm, formset=BaseTierFormSet, extra=2, can_delete=True)


class ActivateForm(forms.Form):
    effective_from = forms.DateField(label=_("in force from"), widget=DATE_INPUT)


class WhatIfForm(forms.Form):
    date_from = forms.DateField(label=_("from"), widget=DATE_INPUT)
    date_to = forms.DateField(label=_("to"), widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The period must not end before it starts."))
        return data
