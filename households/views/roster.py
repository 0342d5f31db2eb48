"""The civil-affairs list: upload, the check's preview, the import, and the differences found."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from households.forms.roster import RosterUploadForm
from households.models import CivilRoster, CivilRosterMatch
from households.selectors import civil_roster_matches_visible_to, civil_rosters_visible_to
from households.services import roster as services
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.importing import needs_background
from reliefdesk.jobs import start_job
from reliefdesk.scope import get_or_404, require_role
from reliefdesk.xlsx import xlsx_response

PAGE_SIZE = 50
K = CivilRosterMatch.Kind


@require_http_methods(["GET", "POST"])
def roster_upload(request):
    require_role(request.user, *services.ROSTER_ROLES)
    form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            roster = services.civil_roster_upload(actor=request.user, as_of=data["as_of"], upload=data["file"],
                                                  district=data.get("district"))
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            detail = reverse("households:roster-detail", args=[roster.pk])
            rows = services.estimated_rows(roster)
            if needs_background(rows):
                job = start_job(kind="civil_roster_validate", actor=request.user, total=rows,
                                params={"roster_id": roster.pk, "next_url": detail,
                                        "title": _("Checking %(name)s") % {"name": roster.original_name}})
                CivilRoster.objects.filter(pk=roster.pk).update(job=job)
                return redirect("job-detail", pk=job.pk)
            services.civil_roster_validate(roster=roster)
            return HttpResponseRedirect(detail)
    recent = civil_rosters_visible_to(user=request.user)[:10]
    return render(request, "households/roster_upload.html", {"form": form, "recent": recent},
                  status=400 if request.method == "POST" else 200)


@require_GET
def roster_template(request):
    require_role(request.user, *services.ROSTER_ROLES)
    return xlsx_response([services.template_sheet()], "civil-affairs-list-template.xlsx")


@require_GET
def roster_detail(request, pk: int):
    require_role(request.user, *services.ROSTER_ROLES)
    roster = get_or_404(civil_rosters_visible_to(user=request.user), pk=pk)
    context = {
        "roster": roster,
        "file_errors": [e for e in roster.errors if not e.get("row")],
        "row_errors": [e for e in roster.errors if e.get("row")],
        "bad_rows": len({e["row"] for e in roster.errors if e.get("row")}),
    }
    if roster.status == CivilRoster.Status.COMMITTED:
        kind = request.GET.get("kind") if request.GET.get("kind") in K.values else K.NEW
        matches = civil_roster_matches_visible_to(user=request.user).filter(roster=roster)
        counts = {(row["kind"], row["status"]): row["n"]
                  for row in matches.order_by().values("kind", "status").annotate(n=Count("id"))}
        listed = (matches.filter(kind=kind).select_related("household__head", "household__station", "person", "entry",
                                                           "decided_by")
                  .order_by("status", "household__reference", "id"))
        context.update({
            "kind": kind,
            "kinds": [(code, label, counts.get((code, CivilRosterMatch.Status.OPEN), 0),
                       sum(n for (k, _s), n in counts.items() if k == code)) for code, label in K.choices],
            "page_obj": Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page")),
        })
    return render(request, "households/roster_detail.html", context)


@require_POST
def roster_commit(request, pk: int):
    require_role(request.user, *services.ROSTER_ROLES)
    roster = get_or_404(civil_rosters_visible_to(user=request.user), pk=pk)
    detail = reverse("households:roster-detail", args=[roster.pk])
    if roster.status == CivilRoster.Status.VALIDATED and roster.rows_ok > settings.BACKGROUND_ROWS_THRESHOLD:
        job = start_job(kind="civil_roster_commit", actor=request.user, total=roster.rows_ok,
                        params={"roster_id": roster.pk, "next_url": detail,
                                "title": _("Importing %(name)s") % {"name": roster.original_name}})
        CivilRoster.objects.filter(pk=roster.pk).update(job=job)
        return redirect("job-detail", pk=job.pk)
    try:
        roster = services.civil_roster_commit(roster=roster, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s rows imported and matched with the files.") % {"n": roster.rows_ok})
    return HttpResponseRedirect(detail)


def _back_to(match_pk: int, request):
    match = get_or_404(civil_roster_matches_visible_to(user=request.user), pk=match_pk)
    return match, f"{reverse('households:roster-detail', args=[match.roster_id])}?kind={match.kind}"


@require_POST
def match_accept(request, pk: int):
    require_role(request.user, *services.ROSTER_ROLES)
    match, back = _back_to(pk, request)
    try:
        services.roster_match_accept(actor=request.user, match=match)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(ref)s follows the list now.") % {"ref": match.household.reference})
    return HttpResponseRedirect(back)


@require_POST
def match_dismiss(request, pk: int):
    require_role(request.user, *services.ROSTER_ROLES)
    match, back = _back_to(pk, request)
    try:
        services.roster_match_dismiss(actor=request.user, match=match)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(ref)s stays as it is.") % {"ref": match.household.reference})
    return HttpResponseRedirect(back)


@require_POST
def matches_accept_all(request, pk: int):
    require_role(request.user, *services.ROSTER_ROLES)
    roster = get_or_404(civil_rosters_visible_to(user=request.user), pk=pk)
    kind = request.POST.get("kind", "")
    try:
        count = services.roster_matches_accept_all(actor=request.user, roster=roster, kind=kind)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s differences accepted.") % {"n": count})
    return HttpResponseRedirect(f"{reverse('households:roster-detail', args=[roster.pk])}?kind={kind}")
