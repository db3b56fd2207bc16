"""Showing domain errors on Django forms."""

from __future__ import annotations

from django import forms

from lockstep.errors import LockstepError


def add_errors(form: forms.Form, error: LockstepError) -> None:
    """Put a domain error's per-field messages on the form's fields, the rest at the top."""
    if not error.fields:
        form.add_error(None, error.message)
        return
    for name, messages in error.fields.items():
        form.add_error(name if name in form.fields else None, messages)
