"""The donation list's filters."""
from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from donations.models import Donation
from donations.selectors import campaigns_visible_to, donors_visible_to, funds_for_donations

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def _funds(request):
    return funds_for_donations(user=request.user) if request else Donation.objects.none()


def _campaigns(request):
    return campaigns_visible_to(user=request.user) if request else Donation.objects.none()


def _donors(request):
    return donors_visible_to(user=request.user) if request else Donation.objects.none()


class DonationFilter(django_filters.FilterSet):
    fund = django_filters.ModelChoiceFilter(label=_("fund"), queryset=_funds)
    campaign = django_filters.ModelChoiceFilter(label=_("campaign"), queryset=_campaigns)
    donor = django_filters.ModelChoiceFilter(label=_("donor"), queryset=_donors)
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=Donation.Channel.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Donation.Status.choices)
    received_from = django_filters.DateFilter(label=_("received from"), field_name="received_on",
                                              lookup_expr="gte", widget=DATE_INPUT)
    received_to = django_filters.DateFilter(label=_("received to"), field_name="received_on", lookup_expr="lte",
                                            widget=DATE_INPUT)
    q = django_filters.CharFilter(label=_("receipt or transaction number"), method="filter_number")

    class Meta:
        model = Donation
        fields = ["fund", "campaign", "donor", "channel", "status"]

    @property
    def form(self):
        form = super().form
        if not getattr(self, "_donor_offered", False):
            # A district holds tens of thousands of donors: the filter offers only the one asked for
            # (the donor list links here with ?donor=<id>), never them all.
            self._donor_offered = True
            field = form.fields["donor"]
            chosen = str(form.data.get("donor") or "") if form.is_bound else ""
            shown = list(field.queryset.filter(pk=chosen)) if chosen.isdigit() else []
            field.widget.choices = [("", "---------")] + [(d.pk, str(d)) for d in shown]
        return form

    def filter_number(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        return queryset.filter(Q(receipt_number__icontains=value) | Q(external_reference__icontains=value))
