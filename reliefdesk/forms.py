"""Forms of the organisation core: the holiday arrangement of a new year, and a refused form told as messages."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from reliefdesk.errors import DomainError
from reliefdesk.holidays import check_arrangement, lines_from_text, lines_from_xlsx
from reliefdesk.xlsx import validate_xlsx_upload


class HolidayYearForm(forms.Form):
    """A year's arrangement as the State Council publishes it: typed in, or as an xlsx of its days."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("source"), max_length=200, required=False,
                             help_text=_("The State Council's notice, e.g. 国办发明电〔2026〕7号."))
    days = forms.CharField(
        label=_("days"), required=False, widget=forms.Textarea(attrs={"rows": 14, "class": "font-monospace"}),
        help_text=_("One day a line: “2027-01-01 元旦” for a day off, “2027-02-06 春节调休上班 上班” for a "
                    "make-up working day. List every day off, weekends inside a holiday included."))
    file = forms.FileField(
        label=_("or an xlsx of the days"), required=False, validators=[validate_xlsx_upload],
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_("Columns 日期, 名称 and 上班 (write 上班 for a make-up working day, leave it empty for a day off)."))

    def clean(self):
        data = super().clean()
        year, text, upload = data.get("year"), (data.get("days") or "").strip(), data.get("file")
        if self.errors:
            return data
        if text and upload:
            raise forms.ValidationError(_("Type the days or upload a file, not both."))
        if not text and not upload:
            self.add_error("days", _("Type the days of the arrangement or upload them as an xlsx."))
            return data
        field = "file" if upload else "days"
        try:
            lines = lines_from_xlsx(upload) if upload else lines_from_text(text)
        except DomainError as exc:
            self.add_error(field, exc.message)
            return data
        _days, problems = check_arrangement(year, lines)
        for problem in problems[:30]:
            self.add_error(field, problem)
        if len(problems) > 30:
            self.add_error(field, _("… and %(count)d more.") % {"count": len(problems) - 30})
        data["lines"] = lines
        data["field"] = field
        return data


def form_errors_as_messages(request, form: forms.Form) -> None:
    """Each error of a refused form as a message, for a POST-only action that redirects back to its page."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
