"""Navigation entries and each role's start page, registered by the apps.

Each app lists its entries (URL name, label, roles) in its ``nav.py`` and
registers them from ``AppConfig.ready()``; the context processor shows each
role its own entries, so no app edits another's template.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role
from reliefdesk.registry import Registry


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: tuple[str, ...]
    order: int = 50


ALL_ROLES = tuple(Role.values)

NAV_ITEMS = [
    NavItem("home", _("Home"), ALL_ROLES, order=0),
    NavItem("holiday-years", _("Holidays"), (Role.ADMIN,), order=90),
    NavItem("admin:index", _("Administration"), (Role.ADMIN,), order=99),
]

_ITEMS: Registry[NavItem] = Registry("navigation entry")
# Where each role lands after logging in: role → URL name.
ROLE_HOMES: Registry[str] = Registry("start page of role")


def register_nav_items(items) -> None:
    for item in items:
        _ITEMS.register(f"{item.url_name}|{','.join(item.roles)}", item)


def register_role_homes(homes: dict[str, str]) -> None:
    ROLE_HOMES.update(homes)


def nav_items() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda item: item.order)
