"""Errors of the rules app, each with a Chinese message for operators and an English one for
the API (`ApiError` carries both)."""

from __future__ import annotations


class ClockError(ValueError):
    """A clock cannot be computed or extended as asked."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en


class RuleNotFound(ClockError, LookupError):
    """No clock rule applies to the code, region and date asked about."""
