"""Forms and the list filter of the payouts area (finance)."""
from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.models import Batch
from cases.selectors.batches import batches_visible_to
from cases.validators import normalise_card_number, validate_card_number
from funds.models import Fund
from funds.selectors import funds_visible_to
from payouts.models import Payout
from payouts.selectors import payouts_visible_to
from payouts.services import RESULT_COLUMNS, RESULT_FAILED, RESULT_PAID
from reliefdesk.xlsx import validate_xlsx_upload


class PayoutFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  help_text=_("Application number, payee, last digits of the card"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=Payout.Status.choices)
    fund = django_filters.ModelChoiceFilter(label=_("fund"), queryset=Fund.objects.none())
    batch = django_filters.ModelChoiceFilter(label=_("Approval batch"), queryset=Batch.objects.none())
    created_from = django_filters.DateFilter(label=_("approved from"), field_name="created_at", lookup_expr="date__gte",
                                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    created_to = django_filters.DateFilter(label=_("approved until"), field_name="created_at", lookup_expr="date__lte",
                                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    class Meta:
        model = Payout
        fields = ["q", "status", "fund", "batch", "created_from", "created_to"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["fund"].queryset = funds_visible_to(user=user)
        self.filters["batch"].queryset = (batches_visible_to(user=user)
                                          .filter(status=Batch.Status.APPROVED).order_by("-approved_at", "-id"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value) | Q(payee_name__icontains=value)
            | Q(card_number__endswith=value) | Q(bank_reference__iexact=value)
        )


class PayoutSelectionForm(forms.Form):
    """Several payouts ticked on a list (one form for several)."""

    payouts = forms.ModelMultipleChoiceField(label=_("payouts"), queryset=Payout.objects.none(),
                                             widget=forms.CheckboxSelectMultiple,
                                             error_messages={"required": _("Select at least one payout.")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payouts"].queryset = payouts_visible_to(user=user)


class MarkPaidForm(PayoutSelectionForm):
    paid_on = forms.DateField(label=_("paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              initial=timezone.localdate)
    bank_reference = forms.CharField(label=_("bank reference"), max_length=64)


class MarkFailedForm(PayoutSelectionForm):
    reason = forms.CharField(label=_("failure reason"), max_length=500)


class SheetCancelForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        button = Submit("submit", _("Cancel the sheet"))
        button.field_classes = "btn btn-outline-danger"
        self.helper.add_input(button)


class ResultUploadForm(forms.Form):
    file = forms.FileField(label=_("The bank's result file (.xlsx)"),
                           help_text=format_lazy(_("Columns: {reference} (application number), {result} (result: {paid}/{failed}), "
                                                   "{bank_reference} (bank reference), {reason} (failure reason), "
                                                   "optional {amount} (amount in yuan)."),
                                                 paid=RESULT_PAID, failed=RESULT_FAILED, **RESULT_COLUMNS),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    paid_on = forms.DateField(label=_("paid on"), initial=timezone.localdate,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              help_text=_("The bank's value date for the paid rows."))

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("submit", _("Check the file")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the bank's result as an .xlsx file."))
        validate_xlsx_upload(upload)
        return upload

    def clean_paid_on(self):
        value = self.cleaned_data["paid_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The payment date cannot be in the future."))
        return value


class ReissueForm(forms.Form):
    card_number = forms.CharField(label=_("Card number"), max_length=30, validators=[validate_card_number])
    bank_name = forms.CharField(label=_("Bank"), max_length=100)

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("submit", _("Reissue the payout")))

    def clean_card_number(self):
        return normalise_card_number(self.cleaned_data["card_number"])
