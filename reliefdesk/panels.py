"""Blocks that other apps add to a page of a lower app, registered from their ``AppConfig.ready()``.

A page (the member page of ``cases``) names itself and renders whatever was
registered for it, in order, without importing any app above it: the
payouts app adds the payouts waiting for a member's new card, a households
app would add his household file. Each panel decides for itself whether it
has something to show this user (its ``context`` returns None when not).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from reliefdesk.registry import Registry


@dataclass(frozen=True)
class Panel:
    key: str  # unique on its page: "payouts-card"
    title: str  # the block's heading
    template: str  # rendered with the context's values, ``subject`` and ``panel``
    context: Callable[..., dict | None]  # context(request=..., subject=...): None hides the panel
    order: int = 50


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    title: str
    html: SafeString


# "page:key" → Panel
PANELS: Registry[Panel] = Registry("page panel")


def register_panels(panels: dict[str, Iterable[Panel]]) -> None:
    """``{"member": [Panel(...), ...]}``: the panels an app adds to the pages it names."""
    for page, items in panels.items():
        for panel in items:
            PANELS.register(f"{page}:{panel.key}", panel)


def panels_of(page: str) -> list[Panel]:
    prefix = f"{page}:"
    return sorted((panel for key, panel in PANELS.items() if key.startswith(prefix)),
                  key=lambda panel: (panel.order, panel.key))


def panels_for(page: str, *, request, subject) -> list[RenderedPanel]:
    """The registered panels of ``page`` that have something to show, rendered for ``request``."""
    rendered = []
    for panel in panels_of(page):
        context = panel.context(request=request, subject=subject)
        if context is None:
            continue
        html = render_to_string(panel.template, {**context, "subject": subject, "panel": panel}, request=request)
        rendered.append(RenderedPanel(key=panel.key, title=str(panel.title), html=html))
    return rendered
