"""Forms of the assistance plan."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from households.forms.file import DATE_WIDGET, money_input
from households.models import PlanHeading, PlanMeasure


class MeasureForm(forms.Form):
    heading = forms.ChoiceField(label=_("heading"), choices=[("", "—"), *PlanHeading.choices], required=False)
    planned = forms.CharField(label=_("what is planned"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.CharField(label=_("responsible person"), max_length=100)
    due_on = forms.DateField(label=_("due on"), widget=DATE_WIDGET)

    def __init__(self, *args, measure: PlanMeasure | None = None, **kwargs):
        if measure is not None:
            kwargs.setdefault("initial", {"heading": measure.heading, "planned": measure.planned,
                                          "responsible": measure.responsible, "due_on": measure.due_on})
        super().__init__(*args, **kwargs)


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(label=_("outcome"), widget=forms.RadioSelect,
                               choices=[(PlanMeasure.Status.DONE, PlanMeasure.Status.DONE.label),
                                        (PlanMeasure.Status.DROPPED, PlanMeasure.Status.DROPPED.label)])
    done_on = forms.DateField(label=_("done on"), required=False, widget=DATE_WIDGET)
    outcome = forms.CharField(label=_("what came of it"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    job_found = forms.BooleanField(label=_("job found"), required=False)
    amount_paid = money_input(_("training subsidy paid (yuan)"), required=False)

    def __init__(self, *args, measure: PlanMeasure, **kwargs):
        super().__init__(*args, **kwargs)
        if measure.heading != PlanHeading.EMPLOYMENT:
            del self.fields["job_found"]
            del self.fields["amount_paid"]
