"""Badges beside a member's name on pages of apps that cannot know where they come from.

An application page shows that its member (or its beneficiary) belongs to
a needy-worker household on file, but cases never imports households: the
app that knows registers a function from its ``AppConfig.ready()``, and
the pages render what :func:`member_badges` gathers (the template tag
``{% member_badges id_number … %}``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reliefdesk.registry import Registry


@dataclass(frozen=True)
class MemberBadge:
    label: str
    url: str = ""  # empty when the user may not open what the badge names
    title: str = ""  # a longer text for the tooltip
    kind: str = "info"  # a Bootstrap colour: info, warning, secondary …
    code: str = ""  # for tests and scripts: data-badge="…"


# Name → ``func(*, user, id_numbers: list[str]) -> list[MemberBadge]``, one query at most.
MEMBER_BADGES: Registry[Callable[..., list[MemberBadge]]] = Registry("member badge")


def register_member_badges(badges: dict[str, Callable[..., list[MemberBadge]]]) -> None:
    MEMBER_BADGES.update(badges)


def member_badges(*, user, id_numbers: Iterable[str]) -> list[MemberBadge]:
    """Every registered badge of the people with these ID numbers, as ``user`` may see them."""
    numbers = sorted({number for number in id_numbers if number})
    if not numbers:
        return []
    badges: list[MemberBadge] = []
    for provider in MEMBER_BADGES.values():
        badges.extend(provider(user=user, id_numbers=numbers))
    return badges
