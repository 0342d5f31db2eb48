"""The form of the civil-affairs list's upload."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.forms.file import DATE_WIDGET
from reliefdesk.models import District
from reliefdesk.scope import district_of
from reliefdesk.xlsx import validate_xlsx_upload


class RosterUploadForm(forms.Form):
    as_of = forms.DateField(label=_("list dated"), widget=DATE_WIDGET,
                            help_text=_("The day the civil-affairs bureau drew up the list."))
    file = forms.FileField(label=_("file"), validators=[validate_xlsx_upload],
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                           help_text=_("Columns 姓名, 身份证号, 类别 (低保 or 低收入), 起始日期, 截止日期."))
    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.all(), required=False)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"as_of": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if district_of(user) is not None:
            del self.fields["district"]
