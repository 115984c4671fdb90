"""Geometry of small SVG charts, computed here so the templates only draw what they are given.

Charts are inline SVG rendered on the server: they need no JavaScript, scale with the page
(viewBox), carry a <title> and <desc> for screen readers and a <title> per mark for a tooltip,
and every chart has its numbers in a table beneath it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

WIDTH = 720
ROW = 30  # height of one row of a horizontal chart
AXIS = 28  # room for tick labels


@dataclass(frozen=True)
class Tick:
    position: float  # x (horizontal charts) or y (vertical ones), in SVG units
    label: str


@dataclass(frozen=True)
class Mark:
    """A bar (x, y, width, height) or a dot (cx = x, cy = y), with its tooltip and label."""

    x: float
    y: float
    width: float
    height: float
    title: str
    label: str = ""
    value_text: str = ""
    href: str | None = None


@dataclass(frozen=True)
class RangeRow:
    """One category of a dot plot: its dots, the span from least to most, and the median."""

    label: str
    y: float
    low: float
    high: float
    median: float
    dots: list[Mark]
    title: str
    href: str | None = None


@dataclass(frozen=True)
class Chart:
    """What a template draws: a kind (hbar, vbar, dots), its marks and axis ticks."""

    kind: str
    ident: str
    title: str
    description: str
    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    ticks: list[Tick]
    marks: list[Mark] = field(default_factory=list)
    rows: list[RangeRow] = field(default_factory=list)
    axis_label: str = ""


@dataclass(frozen=True)
class Item:
    """One category and its value, as the caller knows them."""

    label: str
    value: float
    title: str
    href: str | None = None
    value_text: str = ""


def nice_scale(largest: float, steps: int = 5, integer: bool = True) -> tuple[float, float]:
    """An axis maximum and tick step of 1, 2 or 5 times a power of ten, covering `largest`."""
    rough = max(largest, 1 if integer else 1e-9) / steps
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    if integer:
        step = max(step, 1)
    return step * math.ceil(largest / step) or step, step


def hbar(ident: str, title: str, description: str, items: Sequence[Item]) -> Chart:
    """Horizontal bars, one row per item, longest scale first as the caller ordered them."""
    left, right, top = 150.0, WIDTH - 50.0, 10.0
    bottom = top + ROW * max(len(items), 1)
    top_value, step = nice_scale(max((i.value for i in items), default=0))
    scale = (right - left) / top_value
    marks = [
        Mark(
            left,
            top + n * ROW + 5,
            i.value * scale,
            ROW - 10,
            i.title,
            i.label,
            i.value_text or _number(i.value),
            i.href,
        )
        for n, i in enumerate(items)
    ]
    ticks = _ticks(top_value, step, lambda v: left + v * scale)
    return Chart(
        "hbar",
        ident,
        title,
        description,
        WIDTH,
        bottom + AXIS,
        left,
        right,
        top,
        bottom,
        ticks,
        marks,
    )


def vbar(ident: str, title: str, description: str, items: Sequence[Item]) -> Chart:
    """Vertical bars, one column per item (e.g. a year), in the order given."""
    left, right, top, bottom = 50.0, WIDTH - 10.0, 20.0, 180.0
    top_value, step = nice_scale(max((i.value for i in items), default=0))
    scale = (bottom - top) / top_value
    slot = (right - left) / max(len(items), 1)
    marks = [
        Mark(
            left + n * slot + slot * 0.15,
            bottom - i.value * scale,
            slot * 0.7,
            i.value * scale,
            i.title,
            i.label,
            i.value_text or _number(i.value),
            i.href,
        )
        for n, i in enumerate(items)
    ]
    ticks = _ticks(top_value, step, lambda v: bottom - v * scale)
    return Chart(
        "vbar",
        ident,
        title,
        description,
        WIDTH,
        bottom + AXIS,
        left,
        right,
        top,
        bottom,
        ticks,
        marks,
    )


@dataclass(frozen=True)
class Group:
    """A category of a dot plot and the values in it, each with its tooltip."""

    label: str
    values: list[tuple[float, str]]
    title: str
    href: str | None = None


def dots(
    ident: str,
    title: str,
    description: str,
    groups: Sequence[Group],
    tick_label: Callable[[float], str],
    per_tick: float = 1,
    axis_label: str = "",
) -> Chart:
    """One row per group: a dot per value, a line from least to most, a tick at the median.

    `per_tick` is the unit the axis counts in (12 for years on values in months)."""
    left, right, top = 150.0, WIDTH - 20.0, 10.0
    bottom = top + (ROW + 10) * max(len(groups), 1)
    largest = max((v for g in groups for v, _ in g.values), default=0)
    top_units, step = nice_scale(largest / per_tick)
    scale = (right - left) / (top_units * per_tick)
    rows = []
    for n, group in enumerate(groups):
        y = top + n * (ROW + 10) + (ROW + 10) / 2
        values = sorted(v for v, _ in group.values)
        seen: Counter[float] = Counter()
        marks = []
        for value, tip in sorted(group.values):
            seen[value] += 1  # equal values stack upwards so none hides another
            marks.append(Mark(left + value * scale, y - (seen[value] - 1) * 7, 0, 0, tip))
        rows.append(
            RangeRow(
                group.label,
                y,
                left + values[0] * scale,
                left + values[-1] * scale,
                left + median(values) * scale,
                marks,
                group.title,
                group.href,
            )
        )
    ticks = _ticks(top_units, step, lambda v: left + v * per_tick * scale, tick_label)
    return Chart(
        "dots",
        ident,
        title,
        description,
        WIDTH,
        bottom + AXIS + 14,
        left,
        right,
        top,
        bottom,
        ticks,
        rows=rows,
        axis_label=axis_label,
    )


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _ticks(
    top: float,
    step: float,
    place: Callable[[float], float],
    label: Callable[[float], str] | None = None,
) -> list[Tick]:
    count = round(top / step)
    return [Tick(place(n * step), (label or _number)(n * step)) for n in range(count + 1)]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
