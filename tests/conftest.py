"""Fixtures: the real `ppkg serve` in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, sync_playwright

from .browser import launch

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    data_dir: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(data_dir: Path, content_dir: Path = REPO, **settings: str) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "PPKG_DATA_DIR": str(data_dir),
        "PPKG_CONTENT_DIR": str(content_dir),
        "PPKG_HOST": "127.0.0.1",
        "PPKG_PORT": str(port),
    }
    # The tests' requests all come from one loopback address and stand for many clients: the
    # budgets per client are off unless a test sets them (tests/test_budgets.py does).
    env.update({"PPKG_REQUESTS_PER_MINUTE": "0", "PPKG_WORKER_SECONDS": "0"})
    env.update({"PPKG_" + k.upper(): v for k, v in settings.items()})
    with open(data_dir.parent / f"server-{port}.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", process, data_dir)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited: {(data_dir.parent / f'server-{port}.log').read_text()}"
            )
        try:
            requests.get(server.sparql, timeout=1)
            return server
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start within 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The server on the repository's content, as a newcomer starts it."""
    running = start_server(tmp_path_factory.mktemp("store") / "data")
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One worker and a short time limit, to test that runaway queries are stopped."""
    running = start_server(
        tmp_path_factory.mktemp("strict") / "data", workers="1", query_timeout="6"
    )
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def sensitive_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server configured to publish the graphs flagged ppkg:sensitive."""
    running = start_server(tmp_path_factory.mktemp("sensitive") / "data", publish_sensitive="true")
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium driven by Playwright, one for the session."""
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab in its own context (no cookies or storage shared between tests)."""
    context = browser.new_context(viewport={"width": 1200, "height": 800}, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()
