"""The period picker: month, quarter, year or custom dates, and optionally one fund."""
from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports import periods
from reports.periods import BEIJING, Period
from reports.selectors import report_funds

KIND_CHOICES = [
    (periods.MONTH, _("Month")),
    (periods.QUARTER, _("Quarter")),
    (periods.YEAR, _("Year")),
    (periods.CUSTOM, _("Custom dates")),
]
QUARTER_CHOICES = [(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))]
MONTH_CHOICES = [(m, str(m)) for m in range(1, 13)]
FIRST_YEAR = 2000
LONGEST_CUSTOM_DAYS = 366 * 10


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=KIND_CHOICES, initial=periods.QUARTER)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTER_CHOICES, coerce=int, required=False)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTH_CHOICES, coerce=int, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=None, required=False, empty_label=_("All funds"))

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["fund"].queryset = report_funds(user)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = True
        self.helper.disable_csrf = True
        self.helper.attrs = {"data-testid": "period-form"}
        self.helper.layout = Layout(
            Row(
                Column("kind", css_class="col-6 col-md-2"),
                Column("year", css_class="col-6 col-md-2"),
                Column("quarter", css_class="col-6 col-md-1"),
                Column("month", css_class="col-6 col-md-1"),
                Column("start", css_class="col-6 col-md-2"),
                Column("end", css_class="col-6 col-md-2"),
                Column("fund", css_class="col-12 col-md-2"),
            ),
            Submit("show", _("Show"), css_class="btn-primary"),
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in (periods.MONTH, periods.QUARTER, periods.YEAR) and not cleaned.get("year"):
            if "year" not in self.errors:
                self.add_error("year", _("Enter the year."))
        if kind == periods.QUARTER and not cleaned.get("quarter"):
            self.add_error("quarter", _("Choose the quarter."))
        if kind == periods.MONTH and not cleaned.get("month"):
            self.add_error("month", _("Choose the month."))
        if kind == periods.CUSTOM:
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start and "start" not in self.errors:
                self.add_error("start", _("Enter the first day."))
            if not end and "end" not in self.errors:
                self.add_error("end", _("Enter the last day."))
            if start and end:
                if end < start:
                    self.add_error("end", _("The last day must not be before the first day."))
                elif (end - start).days > LONGEST_CUSTOM_DAYS:
                    self.add_error("end", _("Choose at most ten years."))
                elif start.year < FIRST_YEAR:
                    self.add_error("start", _("Choose a date from the year 2000 on."))
        return cleaned

    def period(self) -> Period:
        """The chosen period (call after is_valid())."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == periods.YEAR:
            return Period.year(data["year"])
        if kind == periods.QUARTER:
            return Period.quarter(data["year"], data["quarter"])
        if kind == periods.MONTH:
            return Period.month(data["year"], data["month"])
        return Period.custom(data["start"], data["end"])


def period_form(request) -> PeriodForm:
    """Bound to the query string when it has one; else the current quarter."""
    if "kind" in request.GET:
        return PeriodForm(request.GET, user=request.user)
    return PeriodForm(_defaults(), user=request.user)


def _defaults() -> dict:
    today: dt.date = timezone.localdate(timezone=BEIJING)
    return {"kind": periods.QUARTER, "year": today.year, "quarter": (today.month - 1) // 3 + 1,
            "month": today.month}
