"""Filters of the ledger list."""
from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from funds.models import LedgerEntry

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class LedgerFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=LedgerEntry.Kind.choices)
    booked_from = django_filters.DateFilter(label=_("from"), field_name="booked_on", lookup_expr="gte",
                                            widget=DATE_INPUT)
    booked_to = django_filters.DateFilter(label=_("to"), field_name="booked_on", lookup_expr="lte", widget=DATE_INPUT)
    q = django_filters.CharFilter(label=_("description or reason"), method="filter_text")

    class Meta:
        model = LedgerEntry
        fields = ["kind"]

    def filter_text(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(description__icontains=value) | Q(reason__icontains=value))
