"""The one exception that carries an HTTP status, raised anywhere a request cannot be answered."""

from __future__ import annotations


class Problem(Exception):
    """A request that cannot be answered: an HTTP status and a message for people and programs."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
