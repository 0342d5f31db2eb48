from __future__ import annotations

from importlib import import_module

from django.urls import reverse

from reliefdesk.scope import assignment_of, role_of

_NAV_MODULES = ("reliefdesk.nav", "funds.nav", "cases.nav", "donations.nav", "reliefdesk.reports.nav")


def _all_items():
    items = []
    for module_name in _NAV_MODULES:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError:
            continue
        items.extend(getattr(module, "NAV_ITEMS", []))
    return sorted(items, key=lambda item: item.order)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of(user)
    entries = []
    current = request.path
    for item in _all_items():
        if role not in item.roles:
            continue
        url = reverse(item.url_name)
        active = current == url if url == "/" else current.startswith(url)
        entries.append({"url": url, "label": item.label, "active": active})
    return {"nav_entries": entries, "user_role": role, "user_assignment": assignment_of(user)}
