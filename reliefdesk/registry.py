"""Registries the apps fill from their ``AppConfig.ready()``.

The core never names an app: history labels, navigation entries, role
start pages, background-job runners, ledger sources and demo loaders are
registered by the app that owns them when Django starts. A module an app
names in its ``ready()`` that does not exist stops the start-up with an
ImportError; nothing is looked up lazily or swallowed.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

V = TypeVar("V")


class Registry(Generic[V]):
    """Keys to values, in registration order; the same key twice with another value is a mistake."""

    def __init__(self, what: str):
        self.what = what
        self._items: dict[str, V] = {}

    def register(self, key: str, value: V) -> None:
        if key in self._items and self._items[key] != value:
            raise ImproperlyConfigured(f"{self.what} {key!r} is registered twice with different values")
        self._items[key] = value

    def update(self, items: dict[str, V]) -> None:
        for key, value in items.items():
            self.register(key, value)

    def get(self, key: str, default: V | None = None) -> V | None:
        return self._items.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __getitem__(self, key: str) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def items(self):
        return self._items.items()

    def values(self):
        return self._items.values()
