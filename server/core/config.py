"""Settings: defaults, overridden by PPKG_* environment variables, overridden by flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .vocabulary import BASE

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Everything configurable; each field `x` is read from `PPKG_X`."""

    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = REPO_ROOT / "var"
    content_dir: Path = REPO_ROOT
    backend: str = "oxigraph"
    query_timeout: float = 30.0
    validation_timeout: float = 120.0  # a submission's validation, in a query worker
    workers: int = 2
    threads: int = 8
    max_query_bytes: int = 1_000_000
    publish_sensitive: bool = False
    max_upload_bytes: int = 20_000_000
    base_iri: str = BASE  # the published IRIs this server answers for, at the same paths
    result_cache_mb: int = 64  # query results kept until the store changes; 0 keeps none
    # Limits per client (a bearer token's holder, else the address): server/core/budgets.py.
    requests_per_minute: int = 600  # counted by Flask-Limiter; 0: not counted
    worker_seconds: float = 120.0  # worker time a client may use at once; 0: no budget
    worker_seconds_period: float = 600.0  # how long the worker time takes to refill from empty
    client_workers: int = 0  # query workers one client may hold at once; 0: workers - 1
    client_queue: int = 4  # more of one client's queries that may wait for its turn
    trusted_proxy: str = ""  # the one proxy address whose X-Forwarded-For names the client
    # PPKG_BACKEND=sparql: a remote engine, by the SPARQL 1.1 Protocol and the Graph Store Protocol
    sparql_engine: str = "virtuoso"  # its dialect: virtuoso or oxigraph (`oxigraph serve`)
    sparql_query_url: str = ""
    sparql_update_url: str = ""
    sparql_gsp_url: str = ""
    sparql_user: str = ""
    sparql_password: str = field(default="", repr=False)  # never logged, never shown
    sparql_auth: str = "digest"  # how the update and GSP endpoints take the user: digest or basic
    sparql_poll: float = 1.0  # seconds between looks at the engine's revision (other servers)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then `PPKG_*` variables, then the non-None `overrides` (command-line flags)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get("PPKG_" + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)

    @property
    def workers_per_client(self) -> int:
        """At most one worker fewer than there are, so one client always leaves one free."""
        if self.client_workers > 0:
            return min(self.client_workers, self.workers)
        return max(self.workers - 1, 1)

    @property
    def store_path(self) -> Path:
        return self.data_dir / "store"

    @property
    def ledger_path(self) -> Path:
        """Tokens, submissions and the change log: kept when `ppkg load` rebuilds the store."""
        return self.data_dir / "ledger.sqlite"


def _coerce(name: str, raw: str) -> Any:
    kind = type(getattr(Settings(), name))
    if kind is bool:
        if raw.lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ValueError(f"PPKG_{name.upper()}={raw!r} is not true or false")
        return raw.lower() in ("1", "true", "yes", "on")
    try:
        if issubclass(kind, Path):
            return Path(raw)
        return kind(raw)
    except ValueError as exc:
        raise ValueError(f"PPKG_{name.upper()}={raw!r} is not a valid {kind.__name__}") from exc
