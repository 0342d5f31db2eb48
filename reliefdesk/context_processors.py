from __future__ import annotations

from django.urls import reverse

from reliefdesk.nav import nav_items
from reliefdesk.scope import assignment_of, role_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of(user)
    entries = []
    current = request.path
    for item in nav_items():
        if role not in item.roles:
            continue
        entries.append({"url": reverse(item.url_name), "label": item.label, "active": False})
    # The entry whose address is the longest prefix of the page is the active one.
    matching = [e for e in entries if current == e["url"] or (e["url"] != "/" and current.startswith(e["url"]))]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    return {"nav_entries": entries, "user_role": role, "user_assignment": assignment_of(user)}
