"""Forms and the queue filter of district review."""
from __future__ import annotations

import django_filters
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.models import Application
from cases.services.review import OVERRIDE_CODES, checklist_items, exception_limit_of
from reliefdesk.money import format_money
from funds.models import AidCategory
from reliefdesk.scope import stations_visible_to

S = Application.Status


class ReviewQueueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"),
                                         choices=[(S.SUBMITTED, S.SUBMITTED.label), (S.IN_REVIEW, S.IN_REVIEW.label)])
    station = django_filters.ModelChoiceFilter(label=_("service station"), queryset=None)
    category = django_filters.ModelChoiceFilter(label=_("Aid category"), queryset=AidCategory.objects.all())
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="only_mine", widget=forms.CheckboxInput)

    class Meta:
        model = Application
        fields = ["status", "station", "category", "mine"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["station"].queryset = stations_visible_to(user=user)

    def only_mine(self, queryset, name, value):
        return queryset.filter(assigned_reviewer=self.user) if value else queryset


class ReviewForm(forms.Form):
    """The checklist and the amount. Blank amount: the amount the rule computes."""

    checklist = forms.MultipleChoiceField(label=_("verification checklist"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    amount = forms.DecimalField(label=_("proposed amount"), required=False, max_digits=12, decimal_places=2,
                                min_value=0,
                                help_text=_("Leave empty for the amount the rule computes. For a range tier enter "
                                            "the amount chosen; outside what the rule allows it is an exception."))
    amount_reason = forms.CharField(label=_("reason for the amount"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("Required for an amount chosen within a range and for an exception."))
    override_code = forms.ChoiceField(label=_("exception reason code"), required=False,
                                      choices=[("", "—"), *OVERRIDE_CODES.items()])

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault("initial", {
            "checklist": [code for code, ticked in (application.checklist or {}).items() if ticked],
            "amount": application.proposed_amount if application.proposed_amount is not None else None,
            "amount_reason": application.amount_reason,
            "override_code": application.override_code,
        })
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = checklist_items(application=application)
        limit = exception_limit_of(application)
        if limit is not None:
            self.fields["amount"].help_text = format_lazy(
                "{} {}", self.fields["amount"].help_text,
                _("An exception amount may be at most %(limit)s yuan (set for this fund by an administrator); the "
                  "approver still confirms it.") % {"limit": format_money(limit.amount)})


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("A reason is required."))
        return reason
