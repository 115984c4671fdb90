"""A resubmission (`POST /submissions?replaces=<id>`) against the one it replaces: which results
were fixed, which are new, how many remain. Results are matched by what they say (severity,
node, property, value, constraint and English message), not by their blank-node identities."""

from __future__ import annotations

from typing import Any

Summary = dict[str, Any]
KEY = ("severity", "focus", "path", "value", "constraint")


def compare(previous: Summary | None, current: Summary | None) -> dict[str, Any] | None:
    """None when either side has no results to compare (malformed or not validated)."""
    if not previous or not current or "results" not in previous or "results" not in current:
        return None
    before = {_key(r): r for r in previous["results"]}
    after = {_key(r): r for r in current["results"]}
    return {
        "fixed": [r for k, r in before.items() if k not in after],
        "new": [r for k, r in after.items() if k not in before],
        "remaining": len(after.keys() & before.keys()),
    }


def _key(result: dict[str, Any]) -> tuple[Any, ...]:
    return (*(result.get(k) for k in KEY), result.get("messages", {}).get("en"))
