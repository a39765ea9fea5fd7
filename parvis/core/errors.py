"""The one base class of Parvis domain errors: views turn them into clear 4xx answers."""

from __future__ import annotations


class ParvisError(Exception):
    """A domain error whose message is safe to show to the person who caused it."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
