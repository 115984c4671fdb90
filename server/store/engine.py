"""Talking to a remote SPARQL engine over HTTP: the Protocol's query and update operations and the
Graph Store Protocol, with the engine's failures turned into answers people can act on.

An engine that does not answer is a 503 with Retry-After, logged once when it goes and once when
it comes back; nothing is kept that would stop the next request from trying again. Credentials
come from the settings (the environment), go only to the update and graph store endpoints, and
are never logged: URLs are logged without any user information they carry.
"""

from __future__ import annotations

import http.client
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from ..core.problem import Problem

log = logging.getLogger(__name__)
# Virtuoso answers a request naming graphs with a header per graph; Python's HTTP client gives up
# past 100 headers (http.client._MAXHEADERS, its only setting), and the engine would seem down.
http.client._MAXHEADERS = max(http.client._MAXHEADERS, 100_000)  # type: ignore[attr-defined]
RETRY = {"Retry-After": "10"}
FORM = "application/x-www-form-urlencoded; charset=utf-8"  # Virtuoso reads Latin-1 otherwise
CONNECT_TIMEOUT = 5.0


@dataclass(frozen=True)
class Endpoints:
    """Where the engine answers, and who ppkg is to it (the password never in a repr)."""

    query: str
    update: str
    gsp: str
    user: str = ""
    password: str = field(default="", repr=False)
    auth: str = "digest"

    def credentials(self) -> AuthBase | None:
        if not self.user:
            return None
        if self.auth == "basic":
            return HTTPBasicAuth(self.user, self.password)
        if self.auth == "digest":
            return HTTPDigestAuth(self.user, self.password)
        raise ValueError(f"PPKG_SPARQL_AUTH={self.auth!r}: use digest or basic")


def safe(url: str) -> str:
    """`url` without user information, for messages and logs."""
    parts = urlsplit(url)
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=host))


class Engine:
    """One engine's endpoints; a connection pool per thread (requests sessions are not shared
    safely between threads)."""

    def __init__(self, endpoints: Endpoints) -> None:
        self.endpoints = endpoints
        self._local = threading.local()
        self._down = False
        self._lock = threading.Lock()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            self._local.session = session
        return session

    def _auth(self) -> AuthBase | None:
        """One per thread: digest authentication then answers the next challenge in advance."""
        if not hasattr(self._local, "auth"):
            self._local.auth = self.endpoints.credentials()
        auth: AuthBase | None = self._local.auth
        return auth

    def query(
        self,
        text: str,
        params: list[tuple[str, str]],
        accept: str,
        timeout: float,
        what: str = "query",
    ) -> requests.Response:
        """POST the query (a form, UTF-8); the response streams and must be closed."""
        response = self._send(
            "POST",
            self.endpoints.query,
            what,
            timeout,
            data=[("query", text), *params],
            headers={"Accept": accept, "Content-Type": FORM},
            stream=True,
        )
        return response

    def update(self, body: bytes | IO[bytes], timeout: float) -> None:
        """POST an update request whose form body (`update=...`) is `body`, already encoded."""
        response = self._send(
            "POST",
            self.endpoints.update,
            "update",
            timeout,
            data=body,
            headers={"Content-Type": FORM},
            auth=self._auth(),
        )
        response.close()

    def put_graph(
        self, graph: str, body: IO[bytes], media_type: str, timeout: float, append: bool = False
    ) -> None:
        """Replace `graph` with `body` (Graph Store Protocol PUT), or add `body` to it (POST)."""
        response = self._send(
            "POST" if append else "PUT",
            self.endpoints.gsp,
            f"upload of <{graph}>",
            timeout,
            params={"graph": graph},
            data=body,
            headers={"Content-Type": media_type},
            auth=self._auth(),
        )
        response.close()

    def delete_graph(self, graph: str, timeout: float) -> None:
        response = self._send(
            "DELETE",
            self.endpoints.gsp,
            f"removal of <{graph}>",
            timeout,
            params={"graph": graph},
            auth=self._auth(),
            accept_status=(404,),
        )
        response.close()

    def _send(
        self,
        method: str,
        url: str,
        what: str,
        timeout: float,
        accept_status: Iterable[int] = (),
        **options: Any,
    ) -> requests.Response:
        try:
            response = self._session().request(
                method, url, timeout=(CONNECT_TIMEOUT, timeout), **options
            )
        except requests.ConnectionError as exc:
            self._went_down(url, exc)
            raise Problem(
                503, "the SPARQL engine is not answering; try again shortly", RETRY
            ) from None
        except requests.Timeout:
            raise Problem(
                503, f"the {what} ran longer than the limit of {timeout:g} s and was stopped"
            ) from None
        self._came_back(url)
        if response.status_code >= 400 and response.status_code not in accept_status:
            message = _message(response)
            response.close()
            raise EngineError(response.status_code, message)
        return response

    def _went_down(self, url: str, exc: Exception) -> None:
        with self._lock:
            if self._down:
                return
            self._down = True
        log.warning("the SPARQL engine at %s is not answering: %s", safe(url), type(exc).__name__)

    def _came_back(self, url: str) -> None:
        if not self._down:
            return
        with self._lock:
            if not self._down:
                return
            self._down = False
        log.warning("the SPARQL engine at %s answers again", safe(url))


class EngineError(Exception):
    """The engine answered with an error status; `message` is its own text."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


def _message(response: requests.Response) -> str:
    try:
        text = response.content[:4000].decode("utf-8", "replace").strip()
    except requests.RequestException:
        text = ""
    return text or response.reason or str(response.status_code)
