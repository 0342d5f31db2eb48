"""Finding a name by a piece inside it ("悟空" in "孙悟空") with core PostgreSQL only.

No pg_trgm on the servers we run on: a GIN index on an array of the name's distinct two-character pieces
(upper-cased) finds the candidates, and a plain ``icontains`` on them keeps the real matches.
"""
from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class NameBigrams(models.Func):
    """The two-character pieces of a text, upper-cased (SQL ``reliefdesk_name_bigrams``, core 0010)."""

    function = "reliefdesk_name_bigrams"
    output_field = ArrayField(models.TextField())


def name_pieces(text: str) -> list[str]:
    """What ``NameBigrams`` gives for ``text``: a name holding ``text`` holds all of these pieces."""
    return sorted({text[i:i + 2].upper() for i in range(len(text) - 1)})
