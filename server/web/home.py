"""The front page: what ppkg is, and the ways in for people and for programs."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("home", __name__)


@bp.get("/")
def home() -> str:
    return render_template("home.html")
