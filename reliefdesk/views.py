from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reliefdesk.jobs import recover_if_lost
from reliefdesk.models import Job
from reliefdesk.nav import ROLE_HOMES
from reliefdesk.scope import districts_visible_to, get_or_404, jobs_visible_to, role_of, stations_visible_to
from reliefdesk.xlsx import file_response


@require_GET
def home(request):
    """Each role's starting page: what needs his attention, and where to go."""
    role = role_of(request.user)
    url_name = ROLE_HOMES.get(role) if role else None
    if url_name:
        return redirect(url_name)
    context = {
        "role": role,
        "districts": districts_visible_to(user=request.user),
        "stations": stations_visible_to(user=request.user)[:50],
    }
    return render(request, "reliefdesk/home.html", context)


def error_400(request, exception=None):
    """A request we cannot read; a ``BadRequest`` raised by our own code carries a message for the user."""
    message = str(exception) if isinstance(exception, BadRequest) and str(exception) else ""
    return render(request, "400.html", {"message": message}, status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)


def _visible_job(request, pk: int):
    return get_or_404(jobs_visible_to(user=request.user), pk=pk)


@require_GET
def job_detail(request, pk: int):
    """A background job's progress; the page polls ?format=json until it is done or failed."""
    job = recover_if_lost(_visible_job(request, pk))
    next_url = job.params.get("next_url", "")
    if request.GET.get("format") == "json":
        return JsonResponse({"status": job.status, "done": job.done, "total": job.total, "percent": job.percent,
                             "message": job.message, "next_url": next_url if job.status == Job.Status.DONE else "",
                             "heartbeat_at": job.heartbeat_at.isoformat() if job.heartbeat_at else None})
    return render(request, "reliefdesk/job_detail.html", {"job": job, "next_url": next_url})


@require_POST
def job_retry(request, pk: int):
    """Queue a failed job again, from its page."""
    from reliefdesk.errors import DomainError
    from reliefdesk.jobs import job_retry as retry

    job = _visible_job(request, pk)
    try:
        retry(job=job, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The job is queued again."))
    return redirect("job-detail", pk=job.pk)


@require_GET
def job_download(request, pk: int):
    """The file a finished export job produced (only for the user who started it)."""
    job = Job.objects.filter(pk=pk, created_by=request.user, status=Job.Status.DONE).first()
    if job is None or not job.result_file or not Path(job.result_file).exists():
        raise Http404
    response = file_response(job.result_file, job.result_name or Path(job.result_file).name)
    if job.params.get("download_once"):
        # A file that must leave only once (the bank's original): the open stream keeps it readable (POSIX),
        # and the job page no longer offers it; a new download is a new export.
        Path(job.result_file).unlink(missing_ok=True)
        Job.objects.filter(pk=job.pk).update(result_file="")
    return response


@require_GET
def holiday_years(request):
    """The years whose holiday arrangement is in the calendar, and the next one to enter."""
    from django.db.models import Count, Max, Q
    from django.db.models.functions import ExtractYear

    from reliefdesk.models import Holiday, HolidayYear, Role
    from reliefdesk.scope import require_role

    require_role(request.user, Role.ADMIN)
    counts = {row["year"]: row for row in Holiday.objects.annotate(year=ExtractYear("date")).values("year")
              .annotate(off=Count("id", filter=Q(is_workday=False)), worked=Count("id", filter=Q(is_workday=True)))}
    years = list(HolidayYear.objects.select_related("entered_by").order_by("-year"))
    for arrangement in years:
        arrangement.days_off = counts.get(arrangement.year, {}).get("off", 0)
        arrangement.workdays = counts.get(arrangement.year, {}).get("worked", 0)
    latest = HolidayYear.objects.aggregate(latest=Max("year"))["latest"]
    return render(request, "reliefdesk/holiday_years.html", {"years": years, "next_year": (latest or 2003) + 1})


@require_http_methods(["GET", "POST"])
def holiday_year_new(request):
    """An administrator enters a new year's arrangement (typed in or as an xlsx)."""
    from django.db.models import Max

    from reliefdesk.errors import DomainError, add_to_form
    from reliefdesk.forms import HolidayYearForm
    from reliefdesk.holidays import holiday_year_enter
    from reliefdesk.models import HolidayYear, Role
    from reliefdesk.scope import require_role

    require_role(request.user, Role.ADMIN)
    latest = HolidayYear.objects.aggregate(latest=Max("year"))["latest"]
    form = HolidayYearForm(request.POST or None, request.FILES or None, initial={"year": (latest or 2003) + 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            arrangement = holiday_year_enter(actor=request.user, year=data["year"], source=data["source"],
                                             lines=data["lines"])
        except DomainError as exc:
            if exc.field == "days":
                exc.field = data["field"]
            add_to_form(form, exc)
        else:
            messages.success(request, _("The holiday arrangement for %(year)d is in the calendar.")
                             % {"year": arrangement.year})
            return redirect("holiday-years")
    return render(request, "reliefdesk/holiday_year_form.html", {"form": form})
