"""Masking for lists and public notices: 张*明, 110113********1234."""
from __future__ import annotations


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(id_number: str) -> str:
    id_number = (id_number or "").strip()
    if len(id_number) <= 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_card(card: str) -> str:
    card = (card or "").strip()
    if len(card) <= 4:
        return card
    return "*" * (len(card) - 4) + card[-4:]
