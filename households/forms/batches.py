"""Forms of filing batches (the meeting's form is the award batches' one)."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.forms.file import DATE_WIDGET
from households.models import Household
from households.services.batches import NOTICE_DAYS
from reliefdesk.models import District
from reliefdesk.scope import district_of


class FilingBatchForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=100, help_text=_("For example: 2024年第2批建档"))
    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.all(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if district_of(user) is not None:
            del self.fields["district"]


class NoticeForm(forms.Form):
    start = forms.DateField(label=_("notice starts"), widget=DATE_WIDGET)
    days = forms.IntegerField(label=_("notice working days"), min_value=1, max_value=60)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"start": timezone.localdate(), "days": NOTICE_DAYS})
        super().__init__(*args, **kwargs)


class AddHouseholdsForm(forms.Form):
    households = forms.ModelMultipleChoiceField(label=_("households"), queryset=Household.objects.none(),
                                                error_messages={"required": _("Tick at least one household.")})

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = queryset
