"""Stores: the interface in `base`, one module per backend, chosen here and nowhere else."""

from __future__ import annotations

from ..core.config import Settings
from .base import Backend


def open_backend(settings: Settings) -> Backend:
    """The backend that `settings.backend` names."""
    if settings.backend == "oxigraph":
        from .oxigraph import OxigraphBackend

        return OxigraphBackend(
            settings.store_path,
            settings.workers,
            settings.query_timeout,
            settings.publish_sensitive,
        )
    raise ValueError(f"unknown backend {settings.backend!r}; known: oxigraph")
