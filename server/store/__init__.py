"""Stores: the interface in `base`, one module per backend, chosen here and nowhere else."""

from __future__ import annotations

from typing import Any

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
    if settings.backend == "sparql":
        from .remote import SparqlBackend

        return SparqlBackend(settings)
    raise ValueError(f"unknown backend {settings.backend!r}; known: oxigraph, sparql")


def open_reader(settings: Settings) -> Any | None:
    """The published store to read in this process (what a `Task` is given): the embedded store
    opened read-only, or a stand-in over the remote engine; None if nothing was loaded."""
    if settings.backend == "sparql":
        from .remote import RemoteStore, SparqlBackend

        backend = SparqlBackend(settings, workers=False)
        return None if backend.is_empty() else RemoteStore(backend)
    if not settings.store_path.exists():
        return None
    from pyoxigraph import Store

    return Store.read_only(str(settings.store_path))
