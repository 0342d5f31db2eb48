"""Domain errors: a refused action, with a message the user can read."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action. ``field`` names the form field at fault."""

    def __init__(self, message, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


class TransitionNotAllowed(DomainError):
    """The record is not in a state from which this action is allowed."""


def add_to_form(form, error: DomainError) -> None:
    """Show a refused action next to the field it names, or above the form."""
    field = error.field if error.field in getattr(form, "fields", {}) else None
    form.add_error(field, error.message)
