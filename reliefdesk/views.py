from __future__ import annotations

from pathlib import Path

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

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


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)


@require_GET
def job_detail(request, pk: int):
    """A background job's progress; the page polls ?format=json until it is done."""
    job = get_or_404(jobs_visible_to(user=request.user), pk=pk)
    next_url = job.params.get("next_url", "")
    if request.GET.get("format") == "json":
        return JsonResponse({"status": job.status, "done": job.done, "total": job.total, "percent": job.percent,
                             "message": job.message, "next_url": next_url if job.status == Job.Status.DONE else ""})
    return render(request, "reliefdesk/job_detail.html", {"job": job, "next_url": next_url})


@require_GET
def job_download(request, pk: int):
    """The file a finished export job produced (only for the user who started it)."""
    job = Job.objects.filter(pk=pk, created_by=request.user, status=Job.Status.DONE).first()
    if job is None or not job.result_file or not Path(job.result_file).exists():
        raise Http404
    return file_response(job.result_file, job.result_name or Path(job.result_file).name)
