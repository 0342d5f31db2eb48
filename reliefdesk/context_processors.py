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
        entries.append({"url": reverse(item.url_name), "label": item.label, "active": False})
    # The entry whose address is the longest prefix of the page is the active one.
    matching = [e for e in entries if current == e["url"] or (e["url"] != "/" and current.startswith(e["url"]))]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    return {"nav_entries": entries, "user_role": role, "user_assignment": assignment_of(user)}
