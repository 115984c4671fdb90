"""Line-based RDF (N-Triples, one-line Turtle) cut into pieces for separate writes."""

from __future__ import annotations


def line_pieces(data: bytes, size: int) -> list[bytes]:
    """`data` in pieces of whole lines, each at least `size` bytes but the last; none when
    `data` is empty."""
    pieces, start = [], 0
    while start < len(data):
        end = data.find(b"\n", start + max(size, 1) - 1) + 1 or len(data)
        pieces.append(data[start:end])
        start = end
    return pieces
