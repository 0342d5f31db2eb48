"""Forms of the annual review, leaving hardship, and the due list's filter."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.forms.file import DATE_WIDGET, VisitForm
from households.models import ExitReason, HomeVisit
from reliefdesk.scope import stations_visible_to

EXIT_CHOICES = [("", "—"), *ExitReason.choices]


class ReviewVisitForm(VisitForm):
    """The annual visit: the filing visit's fields, the decision, and why it leaves when it does."""

    decision = forms.ChoiceField(label=_("decision"), widget=forms.RadioSelect, required=False,
                                 choices=[(HomeVisit.Decision.KEEP, HomeVisit.Decision.KEEP.label),
                                          (HomeVisit.Decision.LEAVE, HomeVisit.Decision.LEAVE.label)])
    exit_reason = forms.ChoiceField(label=_("why it leaves"), choices=EXIT_CHOICES, required=False,
                                    help_text=_("Only when it leaves hardship."))
    exit_note = forms.CharField(label=_("about leaving"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 2}))


class ExitForm(forms.Form):
    """Leaving hardship by the district's review or at the worker's own request (解困脱困)."""

    exit_reason = forms.ChoiceField(label=_("why it leaves"), choices=EXIT_CHOICES, required=False)
    exit_note = forms.CharField(label=_("about leaving"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 3}))
    left_on = forms.DateField(label=_("left hardship on"), widget=DATE_WIDGET, required=False)
    request_file = forms.FileField(
        label=_("signed request to leave"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        help_text=_("Required at the worker's own request: his signed request, photographed or scanned."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"left_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


WITHIN_CHOICES = [("0", _("Overdue and due today")), ("30", _("Due within 30 days")), ("90", _("Due within 90 days"))]


class DueFilterForm(forms.Form):
    station = forms.ModelChoiceField(label=_("service station"), queryset=None, required=False)
    within = forms.ChoiceField(label=_("due"), choices=WITHIN_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations_visible_to(user=user)

    def window(self) -> int:
        return int(self.cleaned_data.get("within") or 30)
