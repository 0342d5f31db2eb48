"""Forms of the donation pages. ``status`` is never a form field: it moves through services."""
from __future__ import annotations

from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from donations.models import Campaign, Donation, Donor
from donations.selectors import campaigns_visible_to, donor_search, donors_visible_to, funds_for_donations
from donations.services import received_on_error
from reliefdesk.models import District
from reliefdesk.scope import employers_visible_to, is_admin
from reliefdesk.xlsx import validate_xlsx_upload

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def _preselect_only_fund(form) -> None:
    """Finance of a district usually has one fund: choose it for him."""
    if "fund" not in form.initial:
        funds = list(form.fields["fund"].queryset[:2])
        if len(funds) == 1:
            form.initial["fund"] = funds[0]


def donor_label(donor: Donor) -> str:
    """A donor as the picker lists him: the name, the unit he gave through, his kind."""
    parts = [donor.name, donor.unit_name, donor.get_kind_display()]
    return " · ".join(str(part) for part in parts if part)


class DonorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return donor_label(obj)


class DonationForm(forms.Form):
    """A donation as finance enters it. A district holds tens of thousands of donors, so the donor is
    chosen from the few that match what is typed in ``donor_q``: as it is typed (static/js/donor_search.js
    asks donations:donor-search), or, without a script, by the search button, which shows the form again
    with the matches and everything typed kept."""

    SEARCH = "search_donors"  # the name of the search button

    fund = forms.ModelChoiceField(label=_("fund"), queryset=None)
    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=None, required=False)
    donor_q = forms.CharField(label=_("find a known donor"), max_length=200, required=False,
                              help_text=_("A name or unit, or a part of one."))
    donor = DonorChoiceField(label=_("donor"), queryset=None, required=False,
                             help_text=_("Pick a known donor, or enter a new one below. Leave both empty "
                                         "for an anonymous donation."))
    new_donor_name = forms.CharField(label=_("new donor's name"), max_length=200, required=False)
    new_donor_kind = forms.ChoiceField(label=_("new donor's kind"), choices=Donor.Kind.choices,
                                       initial=Donor.Kind.INDIVIDUAL, required=False)
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=12, decimal_places=2, min_value=0.01)
    received_on = forms.DateField(label=_("date received"), widget=DATE_INPUT)
    channel = forms.ChoiceField(label=_("channel"), choices=Donation.Channel.choices)
    external_reference = forms.CharField(label=_("transaction number"), max_length=64, required=False,
                                         help_text=_("The bank or QR-code transaction number, where there is one."))
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    confirm = forms.BooleanField(label=_("Confirm immediately (credits the fund)"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds_for_donations(user=user).filter(district__isnull=False)
        _preselect_only_fund(self)
        self.fields["campaign"].queryset = campaigns_visible_to(user=user)
        donors = donors_visible_to(user=user)
        self.fields["donor"].queryset = donors  # what a posted donor is checked against: one lookup
        # What is offered: the donor chosen, then those matching the search, never the whole district.
        chosen = self._value("donor")
        shown = list(donors.filter(pk=chosen)) if str(chosen or "").isdigit() else []
        shown += [d for d in donor_search(user=user, text=self._value("donor_q") or "")
                  if all(d.pk != c.pk for c in shown)]
        self.fields["donor"].widget.choices = [("", "---------")] + [(d.pk, donor_label(d)) for d in shown]
        self.fields["donor_q"].widget.attrs.update({
            "autocomplete": "off", "data-donor-search": reverse("donations:donor-search"),
            "data-donor-target": self["donor"].auto_id,
        })
        self.helper = _helper(_("Record donation"))
        self.helper.layout = Layout(
            "fund", "campaign",
            FieldWithButtons("donor_q", StrictButton(_("Search"), type="submit", name=self.SEARCH, value="1",
                                                     formnovalidate="formnovalidate",
                                                     css_class="btn-outline-secondary")),
            "donor", "new_donor_name", "new_donor_kind", "amount", "received_on", "channel", "external_reference",
            "note", "confirm",
        )

    def _value(self, name):
        """The field's value as typed (bound) or given (initial)."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        value = self.initial.get(name)
        return value.pk if isinstance(value, Donor) else value

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        problem = received_on_error(received_on)
        if problem:
            raise forms.ValidationError(problem)
        return received_on

    def clean(self):
        data = super().clean()
        if data.get("donor") and data.get("new_donor_name"):
            self.add_error("new_donor_name", _("Pick a known donor or enter a new one, not both."))
        campaign, fund = data.get("campaign"), data.get("fund")
        if campaign and fund and campaign.fund_id != fund.pk:
            self.add_error("campaign", _("This campaign belongs to another fund."))
        return data


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DonorForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Donor.Kind.choices)
    name = forms.CharField(label=_("name"), max_length=200)
    unit_name = forms.CharField(label=_("Organization"), max_length=200, required=False,
                                help_text=_("For an individual: the unit through which he gave."))
    employer = forms.ModelChoiceField(label=_("employer"), queryset=None, required=False)
    contact = forms.CharField(label=_("contact"), max_length=200, required=False)
    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.all(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers_visible_to(user=user)
        if not is_admin(user):
            del self.fields["district"]
        self.helper = _helper(_("Save"))


class CampaignForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("fund"), queryset=None)
    name = forms.CharField(label=_("name"), max_length=200)
    starts_on = forms.DateField(label=_("starts"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("ends"), widget=DATE_INPUT, required=False)
    target = forms.DecimalField(label=_("target amount"), max_digits=12, decimal_places=2, required=False)
    channel_notes = forms.CharField(label=_("channel notes"), widget=forms.Textarea(attrs={"rows": 3}),
                                    required=False, help_text=_("E.g. the dedicated QR code and bank account."))

    def __init__(self, *args, user, editing: Campaign | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds_for_donations(user=user)
        if editing is not None:
            del self.fields["fund"]
        self.helper = _helper(_("Save"))


class ImportCommitForm(forms.Form):
    """What the import's preview asks before its rows go in."""

    confirm = forms.BooleanField(label=_("Confirm the donations at once (credits the fund)"), required=False,
                                 initial=True)
    repeats_confirmed = forms.BooleanField(
        label=_("These are new donations, not the ones already recorded"), required=False,
        help_text=_("The rows listed above have the same donor, amount and date as a donation already recorded."))


class ImportUploadForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("fund"), queryset=None)
    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=None, required=False)
    file = forms.FileField(label=_("spreadsheet (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds_for_donations(user=user).filter(district__isnull=False)
        _preselect_only_fund(self)
        self.fields["campaign"].queryset = campaigns_visible_to(user=user)
        self.helper = _helper(_("Upload and check"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an .xlsx spreadsheet (use the template)."))
        validate_xlsx_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        campaign, fund = data.get("campaign"), data.get("fund")
        if campaign and fund and campaign.fund_id != fund.pk:
            self.add_error("campaign", _("This campaign belongs to another fund."))
        return data
