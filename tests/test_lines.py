"""Line-based RDF cut into pieces: the inferred graph's writes (a piece per thread) and the remote
backend's uploads (a few MB per request) rely on every line landing whole in one piece."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.core.lines import line_pieces

pytestmark = pytest.mark.no_backend
LINES = st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"") + b"\n"))


@given(LINES, st.integers(1, 200))
def test_pieces_are_whole_lines_that_add_up(lines: list[bytes], size: int) -> None:
    data = b"".join(lines)
    pieces = line_pieces(data, size)
    assert b"".join(pieces) == data
    assert all(piece.endswith(b"\n") for piece in pieces)
    for piece in pieces[:-1]:  # at least `size` bytes, and no more than a line past them
        last_line = piece[piece.rfind(b"\n", 0, len(piece) - 1) + 1 :]
        assert len(piece) >= size > len(piece) - len(last_line)


@given(LINES, st.integers(1, 8))
def test_a_piece_per_thread_makes_at_most_that_many(lines: list[bytes], n: int) -> None:
    data = b"".join(lines)
    assert len(line_pieces(data, -(-len(data) // n))) <= n
