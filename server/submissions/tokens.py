"""Bearer tokens: issued once by `ppkg token issue`, stored only as SHA-256 hashes.

The tokens are 256 random bits, so a fast hash is enough: nothing can be guessed from it, and a
stolen ledger holds no usable token.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from ..core.problem import Problem
from ..store.ledger import Ledger, Token, now

ROLES = ("partner", "reviewer")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
CHALLENGE = 'Bearer realm="ppkg"'


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(ledger: Ledger, name: str, role: str, label: str) -> str:
    """A new token for `name`; only its hash is stored, so this is the one time it is seen."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not NAME.match(name):
        raise ValueError("a token name is lower-case letters, digits and hyphens, e.g. ovd-info")
    token = _new_token()
    with ledger.transaction() as db:
        # A revoked name may be issued again: the holder keeps its name, and so its agent IRI.
        cursor = db.execute(
            "INSERT INTO tokens (name, role, label, hash, created) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET role = excluded.role, label = excluded.label,"
            " hash = excluded.hash, created = excluded.created, revoked = NULL"
            " WHERE tokens.revoked IS NOT NULL",
            (name, role, label or name, digest(token), now()),
        )
        if cursor.rowcount != 1:  # the name is held by an active token
            raise ValueError(
                f"a token named {name!r} is active; rotate it (ppkg token rotate {name})"
                " or revoke it first"
            )
    return token


def rotate(ledger: Ledger, name: str) -> str:
    """A new token for `name`, with its role and label, in one step: the old one stops working
    at once (a leaked token is replaced without changing who the holder is in the provenance)."""
    token = _new_token()
    with ledger.transaction() as db:
        cursor = db.execute(
            "UPDATE tokens SET hash = ?, created = ?, revoked = NULL WHERE name = ?",
            (digest(token), now(), name),
        )
    if cursor.rowcount != 1:
        raise ValueError(f"no token named {name!r}; issue one with ppkg token issue")
    return token


def _new_token() -> str:
    return "ppkg_" + secrets.token_urlsafe(32)


def revoke(ledger: Ledger, name: str) -> bool:
    with ledger.transaction() as db:
        cursor = db.execute(
            "UPDATE tokens SET revoked = ? WHERE name = ? AND revoked IS NULL", (now(), name)
        )
    return cursor.rowcount == 1


def listing(ledger: Ledger) -> list[dict[str, str | None]]:
    rows = ledger.rows("SELECT name, role, label, created, revoked FROM tokens ORDER BY name")
    return [dict(r) for r in rows]


def authenticate(ledger: Ledger, authorization: str | None, role: str | None = None) -> Token:
    """The holder of the token in an Authorization header's value (`Bearer <token>`); 401
    without a valid token, 403 when a reviewer is needed."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Problem(
            401, "give a token: Authorization: Bearer <token>", {"WWW-Authenticate": CHALLENGE}
        )
    row = ledger.row(
        "SELECT name, role, label FROM tokens WHERE hash = ? AND revoked IS NULL",
        digest(value.strip()),
    )
    if row is None:
        raise Problem(
            401,
            "the token is not valid (unknown or revoked)",
            {"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'},
        )
    token = Token(row["name"], row["role"], row["label"])
    if role == "reviewer" and token.role != "reviewer":
        raise Problem(403, "only a reviewer's token may do this")
    return token
