from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from reliefdesk.scope import districts_visible_to, role_of, stations_visible_to


@require_GET
def home(request):
    """Each role's starting page: what needs his attention, and where to go."""
    role = role_of(request.user)
    context = {
        "role": role,
        "districts": districts_visible_to(request.user),
        "stations": stations_visible_to(request.user)[:50],
    }
    try:
        from cases.selectors import home_panels  # filled in by the cases app
    except ImportError:
        home_panels = None
    if home_panels is not None:
        context["panels"] = home_panels(request.user)
    return render(request, "reliefdesk/home.html", context)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
