"""The issues' targets checked against one size's figures, and the side-by-side table."""

from __future__ import annotations

from typing import Any

ENGINES = ("ppkg", "oxigraph", "oxigraph_serve", "rdflib", "virtuoso", "ppkg_virtuoso")
HEADERS = ("ppkg", "Oxigraph", "ox serve", "rdflib", "Virtuoso", "ppkg+Virt")
LABEL = 40
CELL = 11
HEADLINE = ("prisoners-by-article", "article-stats")  # the queries issue 13 sets targets for


def _query(size: dict[str, Any], engine: str, key: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = size.get(engine, {}).get("queries", {}).get(key)
    return found


def _stat(size: dict[str, Any], engine: str, key: str, stat: str) -> float | None:
    value: float | None = (_query(size, engine, key) or {}).get(stat)
    return value


def targets(size: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target of issue 13 (and those of issue 5 it did not replace): the measured value,
    the limit and their unit, whether it holds (None: not measured), and the issue."""
    out: dict[str, dict[str, Any]] = {}
    load = size.get("load", {})
    ppkg = size.get("ppkg", {})

    def check(
        name: str, value: float | None, limit: float, holds: bool | None, unit: str, issue: int = 13
    ) -> None:
        out[name] = {"value": value, "limit": limit, "unit": unit, "holds": holds, "issue": issue}

    def below(name: str, value: float | None, limit: float, unit: str = "s") -> None:
        check(name, value, limit, None if value is None else value < limit, unit)

    for key in HEADLINE:
        cold = _stat(size, "ppkg", key, "cold_median_s")
        warm = _stat(size, "ppkg", key, "warm_median_s")
        virtuoso = _stat(size, "virtuoso", key, "warm_median_s")
        serve = _stat(size, "oxigraph_serve", key, "warm_median_s")
        ratio = _ratio(cold, virtuoso)
        name = f"{key}: cold <= 0.5x Virtuoso's warm median"
        check(name, ratio, 0.5, None if ratio is None else ratio <= 0.5, "x")
        below(f"{key}: warm median < 20 ms", warm, 0.020)
        rdf = _query(size, "rdflib", key) or {}
        name = f"{key}: >= 10x faster than rdflib (warm)"
        if "timeout_s" in rdf and warm:  # rdflib did not finish: at least this much faster
            speed_up = rdf["timeout_s"] / warm
            check(name, speed_up, 10.0, True if speed_up >= 10 else None, "x")
        else:
            speed_up = _ratio(rdf.get("warm_median_s"), warm)
            check(name, speed_up, 10.0, None if speed_up is None else speed_up >= 10, "x")
        ratio = _ratio(warm, serve)
        name = f"{key}: warm within 1.5x of oxigraph serve"
        check(name, ratio, 1.5, None if ratio is None else ratio <= 1.5, "x")
    below("inference < 30 s", load.get("ppkg_infer_s"), 30.0)
    below("server peak memory < 1 GB", ppkg.get("memory", {}).get("total_peak_mb"), 1024, " MB")
    validation = ppkg.get("validation", {})
    triples = validation.get("triples", 1000)
    below(f"{triples:,}-triple validation < 0.5 s", validation.get("median_s"), 0.5)
    below("entity page median < 10 ms", ppkg.get("entity_page", {}).get("median_s"), 0.010)
    ratio = load.get("ratio_ppkg_to_oxigraph")
    name = "load within 1.5x of Oxigraph's bulk load"
    check(name, ratio, 1.5, None if ratio is None else ratio <= 1.5, "x", issue=5)
    rate = ppkg.get("throughput", {}).get("entity_page", {}).get("per_second")
    check(
        "300 entity pages a second",
        rate,
        300,
        None if rate is None else rate >= 300,
        "/s",
        issue=5,
    )
    return out


def _ratio(ours: float | None, other: float | None) -> float | None:
    return ours / other if ours and other else None


def _cell(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "x":
        return f"{value:.2f}x" if value < 100 else f"{value:,.0f}x"
    return f"{value:,.0f}{unit}"


def _row(label: str, values: dict[str, float | None], unit: str = "s", ratios: bool = True) -> str:
    cells = [_cell(values.get(e), unit) for e in ENGINES]
    ours = values.get("ppkg")
    for engine in ENGINES[1:]:
        cells.append(_cell(_ratio(ours, values.get(engine)) if ratios else None, "x"))
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
    lines.append(
        _row(
            "load the same files",
            {
                "ppkg": load.get("ppkg_without_infer_s"),
                "oxigraph": load.get("oxigraph_s"),
                "oxigraph_serve": size.get("oxigraph_serve", {}).get("load_s"),
                "rdflib": size.get("rdflib", {}).get("load_s"),
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
    if load.get("ppkg_precompute_s"):
        lines.append(_row("  + answers computed ahead", {"ppkg": load["ppkg_precompute_s"]}))
    remote_load = size.get("ppkg_virtuoso", {}).get("load_s")
    if remote_load:
        whole = {"ppkg": load.get("ppkg_s"), "ppkg_virtuoso": remote_load}
        lines.append(_row("`ppkg load`, every step", whole))
    for query in size.get("queries", []):
        key = query["key"]
        for stat, label in (
            ("cold_median_s", f"{query['label']}, cold"),
            ("warm_median_s", "  warm median"),
            ("warm_p95_s", "  warm p95"),
        ):
            values = {e: _stat(size, e, key, stat) for e in ENGINES}
            note = _timeout_note(size, key) if stat == "cold_median_s" else ""
            lines.append(_row(label, values) + note)
    page = size.get("ppkg", {}).get("entity_page", {})
    if "n/a" in page:
        lines.append(f"{'entity page (HTML)':<{LABEL}}{'n/a':>{CELL}}  {page['n/a']}")
    else:
        lines.append(_row("entity page (HTML) median", {"ppkg": page.get("median_s")}))
        lines.append(_row("  p95", {"ppkg": page.get("p95_s")}))
    rates = size.get("ppkg", {}).get("throughput", {})
    for name, figures in rates.items():
        values = {"ppkg": figures["per_second"]}
        for engine in ("oxigraph_serve", "virtuoso", "ppkg_virtuoso"):
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
    judged = {
        name + ("" if t["issue"] == 13 else f" (issue {t['issue']})"): t
        for name, t in targets(size).items()
    }
    width = max(len(name) for name in judged) + 2
    lines.append(f"{'targets of issue 13':<{width}}{'measured':>{CELL}}{'limit':>{CELL}}")
    for name, t in judged.items():
        verdict = "met" if t["holds"] else "n/a" if t["holds"] is None else "MISSED"
        value, limit = (_cell(t[v], t["unit"]) for v in ("value", "limit"))
        lines.append(f"  {name:<{width - 2}}{value:>{CELL}}{limit:>{CELL}}  {verdict}")
    return "\n".join(lines)
