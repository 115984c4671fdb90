"""Browser tests: Playwright driving Debian's Chromium; screenshots checked to be real pictures."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# The machine's network is closed: without these Chromium keeps trying to phone home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium (installed by `.ci/run`); Playwright's own browser builds are not used."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("PPKG_SCREENSHOTS") or REPO / "tests" / ".screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as `<name>.png` for people to look at, and check it is a real picture."""
    path = screenshot_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    check_png(path)
    return path


def check_png(path: Path) -> None:
    """A PNG of a rendered page: valid signature and header, and more than a blank canvas."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    assert data[12:16] == b"IHDR" and width >= 200 and height >= 200, f"{path}: {width}x{height}"
    pixels = zlib.decompress(b"".join(_chunks(data, b"IDAT")))
    # Text and borders are anti-aliased: a page with content has many distinct byte values,
    # an empty or single-colour one only a handful.
    assert len(set(pixels)) > 32, f"{path} looks blank"


def _chunks(data: bytes, kind: bytes) -> list[bytes]:
    found, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        if data[offset + 4 : offset + 8] == kind:
            found.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    return found
