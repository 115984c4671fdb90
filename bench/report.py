"""The issue's targets checked against one size's figures, and the side-by-side table."""

from __future__ import annotations

from typing import Any

ENGINES = ("ppkg", "oxigraph", "oxigraph_serve", "rdflib", "virtuoso")
HEADERS = ("ppkg", "Oxigraph", "ox serve", "rdflib", "Virtuoso")
LABEL = 40
CELL = 11


def _median(figures: dict[str, Any] | None) -> float | None:
    return None if not figures else figures.get("median_s")


def _query(size: dict[str, Any], engine: str, key: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = size.get(engine, {}).get("queries", {}).get(key)
    return found


def targets(size: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target of issue 5: the measured value, the limit, and whether it holds."""
    out: dict[str, dict[str, Any]] = {}
    load = size.get("load", {})

    def check(name: str, value: float | None, limit: float, holds: bool | None) -> None:
        out[name] = {"value": value, "limit": limit, "holds": holds}

    ratio = load.get("ratio_ppkg_to_oxigraph")
    check(
        "load within 1.5x of Oxigraph's bulk load",
        ratio,
        1.5,
        None if ratio is None else ratio <= 1.5,
    )
    for key in ("prisoners-by-article", "article-stats"):
        ours = _median(_query(size, "ppkg", key))
        virt = _median(_query(size, "virtuoso", key))
        rdf = _query(size, "rdflib", key) or {}
        slower = virt is not None and ours is not None and ours / virt
        check(
            f"{key} no slower than Virtuoso",
            slower or None,
            1.0,
            None if not slower else slower <= 1.0,
        )
        serve = _median(_query(size, "oxigraph_serve", key))
        within = serve is not None and ours is not None and ours / serve
        check(
            f"{key} within 1.5x of oxigraph serve",
            within or None,
            1.5,
            None if not within else within <= 1.5,
        )
        if ours is None:
            continue
        if "timeout_s" in rdf:  # rdflib did not finish: at least this much faster
            speed_up = rdf["timeout_s"] / ours
            check(f"{key} 10x faster than rdflib", speed_up, 10.0, True if speed_up >= 10 else None)
        elif rdf.get("median_s"):
            speed_up = rdf["median_s"] / ours
            check(f"{key} 10x faster than rdflib", speed_up, 10.0, speed_up >= 10)
    page = size.get("ppkg", {}).get("entity_page", {})
    median = page.get("median_s")
    check(
        "entity page median under 10 ms", median, 0.010, None if median is None else median < 0.010
    )
    rate = size.get("ppkg", {}).get("throughput", {}).get("entity_page", {}).get("per_second")
    check("300 entity pages a second", rate, 300, None if rate is None else rate >= 300)
    validation = size.get("ppkg", {}).get("validation", {}).get("median_s")
    check(
        "1,000-triple submission validated under 1 s",
        validation,
        1.0,
        None if validation is None else validation < 1.0,
    )
    infer = load.get("ppkg_infer_s")
    check("inferred graph under 30 s", infer, 30.0, None if infer is None else infer < 30)
    memory = size.get("ppkg", {}).get("memory", {}).get("total_peak_mb")
    check("server memory under 1 GB", memory, 1024, None if memory is None else memory < 1024)
    return out


def _cell(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:,.0f}{unit}"


def _row(label: str, values: dict[str, float | None], unit: str = "s", ratios: bool = True) -> str:
    cells = [_cell(values.get(e), unit) for e in ENGINES]
    ours = values.get("ppkg")
    for engine in ENGINES[1:]:
        other = values.get(engine)
        ratio = ours / other if ratios and ours and other else None
        cells.append(_cell(ratio, "x"))
    return f"{label:<{LABEL}}" + "".join(f"{c:>{CELL}}" for c in cells)


def _timeout_note(size: dict[str, Any], key: str) -> str:
    rdf = _query(size, "rdflib", key) or {}
    return f"  (rdflib > {rdf['timeout_s']:g} s)" if "timeout_s" in rdf else ""


def table(size: dict[str, Any]) -> str:
    data, load = size["data"], size.get("load", {})
    lines = [
        f"== {data['prosecutions']:,} prosecutions: {data['quads']:,} asserted quads in "
        f"{data['graphs']:,} graphs, {load.get('inferred_quads', 0):,} inferred ==",
        f"{'(÷ columns: ppkg time / the other time)':<{LABEL}}"
        + "".join(f"{h:>{CELL}}" for h in HEADERS)
        + "".join(f"{'÷' + h:>{CELL}}" for h in HEADERS[1:]),
    ]
    rdflib_load = size.get("rdflib", {}).get("load_s")
    lines.append(
        _row(
            "load the same files",
            {
                "ppkg": load.get("ppkg_without_infer_s"),
                "oxigraph": load.get("oxigraph_s"),
                "oxigraph_serve": size.get("oxigraph_serve", {}).get("load_s"),
                "rdflib": rdflib_load,
                "virtuoso": size.get("virtuoso", {}).get("load_s"),
            },
        )
    )
    lines.append(
        _row(
            "  + inferred graph (ppkg: computed)",
            {
                "ppkg": load.get("ppkg_infer_s"),
                "oxigraph_serve": size.get("oxigraph_serve", {}).get("load_inferred_s"),
                "rdflib": size.get("rdflib", {}).get("load_inferred_s"),
                "virtuoso": size.get("virtuoso", {}).get("load_inferred_s"),
            },
            ratios=False,
        )
    )
    if load.get("ppkg_dumps_s"):
        lines.append(_row("  + dumps written by ppkg load", {"ppkg": load["ppkg_dumps_s"]}))
    for query in size.get("queries", []):
        key = query["key"]
        for stat in ("median_s", "p95_s"):
            values = {e: (_query(size, e, key) or {}).get(stat) for e in ENGINES}
            label = f"{query['label']} {stat[:-2]}" if stat == "median_s" else "  p95"
            lines.append(
                _row(label, values) + (_timeout_note(size, key) if stat == "median_s" else "")
            )
    page = size.get("ppkg", {}).get("entity_page", {})
    if "n/a" in page:
        lines.append(f"{'entity page (HTML)':<{LABEL}}{'n/a':>{CELL}}  {page['n/a']}")
    else:
        lines.append(_row("entity page (HTML) median", {"ppkg": page.get("median_s")}))
        lines.append(_row("  p95", {"ppkg": page.get("p95_s")}))
    rates = size.get("ppkg", {}).get("throughput", {})
    for name, figures in rates.items():
        values = {"ppkg": figures["per_second"]}
        for engine in ("oxigraph_serve", "virtuoso"):
            other = size.get(engine, {}).get("throughput", {}).get(name, {})
            values[engine] = other.get("per_second")
        lines.append(
            _row(f"{name} per second, {figures['clients']} clients", values, "/s", ratios=False)
        )
    validation = size.get("ppkg", {}).get("validation", {})
    if validation:
        lines.append(
            _row(
                f"validate {validation['triples']:,}-triple submission",
                {"ppkg": validation.get("median_s")},
            )
        )
    lines.append(
        _row(
            "peak memory (MB)",
            {e: size.get(e, {}).get("memory", {}).get("total_peak_mb") for e in ENGINES},
            unit="",
            ratios=False,
        )
    )
    ini = size.get("virtuoso", {}).get("ini")
    if ini:
        lines.append(
            f"Virtuoso: NumberOfBuffers {ini['NumberOfBuffers']:,}, MaxDirtyBuffers "
            f"{ini['MaxDirtyBuffers']:,} ({ini['memory_given_gb']:g} GB of "
            f"{ini['memory_available_gb']:g} GB available)"
        )
    lines.append(
        "rows: "
        + "; ".join(
            f"{q['key']} {q['rows']}"
            + "".join(
                f", {e} {'agrees' if ok else 'DIFFERS'}"
                for e, ok in q["agree"].items()
                if ok is not None
            )
            + ("" if q.get("matches_generator", True) else ", NOT what the generator wrote")
            for q in size.get("queries", [])
        )
    )
    lines.append(
        "targets: "
        + "; ".join(
            f"{name}: {'holds' if t['holds'] else 'n/a' if t['holds'] is None else 'MISSES'}"
            f" ({_format_target(t['value'])})"
            for name, t in targets(size).items()
        )
    )
    return "\n".join(lines)


def _format_target(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"
