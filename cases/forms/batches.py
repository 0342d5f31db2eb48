"""Forms and filters of approval batches."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Application, Batch
from funds.models import AidCategory, Fund
from funds.selectors import funds_visible_to
from reliefdesk.models import District, Role
from reliefdesk.scope import role_of, stations_visible_to

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=Batch.Status.choices)
    fund = django_filters.ModelChoiceFilter(label=_("fund"), queryset=Fund.objects.none())

    class Meta:
        model = Batch
        fields = ["status", "fund"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["fund"].queryset = funds_visible_to(user=user)


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Application number or name"))
    station = django_filters.ModelChoiceFilter(label=_("service station"), queryset=None)
    category = django_filters.ModelChoiceFilter(label=_("Aid category"), queryset=AidCategory.objects.all())
    verified_until = django_filters.DateFilter(label=_("verified until"), field_name="verified_at",
                                               lookup_expr="date__lte", widget=DATE_WIDGET)

    class Meta:
        model = Application
        fields = ["q", "station", "category", "verified_until"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["station"].queryset = stations_visible_to(user=user)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(beneficiary_name__contains=value)
                               | Q(member__name__contains=value))


class BatchCreateForm(forms.Form):
    """A new batch of one fund. A city-wide fund's batch is a district's (the reviewer's; an administrator
    names it), approved against that district's part of the fund."""

    fund = forms.ModelChoiceField(label=_("fund"), queryset=Fund.objects.none())
    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.all(), required=False,
                                      help_text=_("Only for a city-wide fund: whose cases the batch holds."))
    title = forms.CharField(label=_("title"), max_length=100, help_text=_("For example: 2022 Q1, batch 3"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        funds = funds_visible_to(user=user).filter(active=True)
        self.fields["fund"].queryset = funds
        if funds.count() == 1:
            self.fields["fund"].initial = funds.first()
        if role_of(user) != Role.ADMIN:
            del self.fields["district"]


class NoticeForm(forms.Form):
    start = forms.DateField(label=_("notice starts"), widget=DATE_WIDGET)
    days = forms.IntegerField(label=_("notice working days"), min_value=1, max_value=60)

    def __init__(self, *args, batch: Batch, **kwargs):
        kwargs.setdefault("initial", {"start": timezone.localdate(), "days": batch.fund.notice_days})
        super().__init__(*args, **kwargs)


class ApproveForm(forms.Form):
    meeting_date = forms.DateField(label=_("meeting date"), widget=DATE_WIDGET)
    minutes_reference = forms.CharField(label=_("minutes reference"), max_length=100)
    attendees = forms.CharField(label=_("attendees"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"meeting_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AddApplicationsForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(label=_("applications"), queryset=Application.objects.none(),
                                                  error_messages={"required": _("Tick at least one application.")})

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = queryset
