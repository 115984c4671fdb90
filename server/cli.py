"""The `ppkg` command: serve, load, query, validate."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .core.config import Settings
from .core.content import content_files
from .core.media_types import SHORT_NAMES, TABULAR
from .core.named_queries import load_queries
from .core.problem import Problem
from .graph import release
from .graph.dumps import describe, dumps_dir, ensure_dumps, refresh_dumps
from .store import open_backend
from .store.base import Backend, QueryRequest

if TYPE_CHECKING:
    from .validation.report import Report


class InputError(click.ClickException):
    """Input that could not be read at all (exit 2), as opposed to data that does not conform."""

    exit_code = 2


@click.group()
@click.option(
    "--data-dir", type=click.Path(path_type=Path), help="Store directory [PPKG_DATA_DIR]."
)
@click.option(
    "--content-dir",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Folder holding ontology/, shapes/, data/, queries/ [PPKG_CONTENT_DIR].",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, content_dir: Path | None) -> None:
    """ppkg: the political prisoners knowledge graph."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        ctx.obj = Settings.from_env(data_dir=data_dir, content_dir=content_dir)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@main.command()
@click.option("--host", help="Address to listen on [PPKG_HOST, default 127.0.0.1].")
@click.option("--port", type=int, help="Port to listen on [PPKG_PORT, default 8080].")
@click.option("--workers", type=int, help="Query worker processes [PPKG_WORKERS, default 2].")
@click.option("--query-timeout", type=float, help="Seconds a query may run [PPKG_QUERY_TIMEOUT].")
@click.pass_obj
def serve(settings: Settings, /, **flags: Any) -> None:
    """Serve the SPARQL endpoint; loads the content first if the store is empty."""
    from waitress import serve as waitress_serve

    from .web.app import create_app

    settings = Settings.from_env(**{**settings.__dict__, **flags})
    _preflight(settings)
    backend = open_backend(settings)
    if backend.is_empty():
        _load(backend, settings)
    release.finish(settings)  # of a load killed before it announced and dumped its store
    ensure_dumps(settings)
    backend.start()
    try:
        app = create_app(settings, backend)
        _recover(settings, backend)
        click.echo(f"ppkg serving http://{settings.host}:{settings.port}/sparql", err=True)
        waitress_serve(
            app,
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
            ident="ppkg",
            channel_timeout=int(max(settings.query_timeout, settings.validation_timeout)) + 30,
            channel_request_lookahead=4,
            # An answer is buffered in memory up to 8 MB (prisoners-by-article at 100k is 5.9
            # MB), not spilled to a temporary file past waitress's default of 1 MB: 10-20% off
            # serving it.
            outbuf_overflow=8 << 20,
            **_proxy(settings),
        )
    finally:
        backend.close()


def _proxy(settings: Settings) -> dict[str, Any]:
    """With PPKG_TRUSTED_PROXY, waitress takes the client's address from the last entry of the
    X-Forwarded-For that proxy adds (and from nobody else's): the address budgets count by."""
    if not settings.trusted_proxy:
        return {}
    return {
        "trusted_proxy": settings.trusted_proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for"},
        "clear_untrusted_proxy_headers": True,
    }


@main.command()
@click.pass_obj
def load(settings: Settings) -> None:
    """(Re)load the store from the content folders."""
    _preflight(settings)
    _load(open_backend(settings), settings)


@main.command()
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), help="Folder [<data dir>/dumps]."
)
@click.pass_obj
def export(settings: Settings, out: Path | None) -> None:
    """Write dumps of the whole dataset (N-Quads, Turtle, JSON-LD, gzip) and their manifest."""
    _preflight(settings, content=False)
    if open_backend(settings).is_empty():
        raise click.ClickException("the store is empty: run `ppkg load` first")
    click.echo(describe(refresh_dumps(settings, out), out or dumps_dir(settings)))


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("name")
@click.option("--format", "format_name", help="Print raw results: json, xml, csv or tsv.")
@click.pass_context
def query(ctx: click.Context, name: str, format_name: str | None) -> None:
    """Run the named query NAME, e.g. `ppkg query prisoners-by-article --article 212.1`."""
    settings: Settings = ctx.obj
    named = load_queries(settings.content_dir / "queries").get(name)
    if named is None:
        raise click.UsageError(f"no named query {name!r}")
    media_type = _tabular_type(format_name)
    backend = open_backend(replace(settings, workers=1))  # one query needs one worker
    if backend.is_empty():
        raise click.ClickException("the store is empty: run `ppkg load` first")
    try:
        bindings = named.bind(_extra_options(ctx.args))
        backend.start()
        body = backend.execute(QueryRequest(named.text, media_type, None, bindings=bindings)).read()
    except Problem as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        backend.close()
    if format_name:
        sys.stdout.buffer.write(body)
    else:
        click.echo(render_table(json.loads(body)))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--report",
    "report_format",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    help="text for people; the SHACL report as Turtle; a JSON summary.",
)
@click.option(
    "--per-file", is_flag=True, help="Validate each file on its own, one report per file."
)
@click.pass_obj
def validate(
    settings: Settings, files: tuple[str, ...], report_format: str, per_file: bool
) -> None:
    """Validate RDF FILES against the shapes; exit 1 if they do not conform.

    The files are one dataset, validated together (a source one file describes is the source of
    another's facts), with the published store's facts about what they cite when there is a
    store; the report says whether there was. --per-file validates each alone.
    """
    from .store import open_reader
    from .validation.validate import media_type_for, store_facts, validate_files

    published = open_reader(settings)
    context = store_facts(published) if published is not None else None
    failed = False
    try:
        read = [(name, Path(name).read_bytes(), media_type_for(name)) for name in files]
        for batch in [[f] for f in read] if per_file else [read]:
            report = validate_files(batch, settings.content_dir, context)
            failed = failed or not report.conforms
            _echo_to_reader(_rendered(report, [name for name, _, _ in batch], report_format))
    except Problem as exc:
        raise InputError(exc.message) from exc
    sys.exit(1 if failed else 0)


def _rendered(report: Report, names: list[str], report_format: str) -> str:
    """One document for the files validated together (JSON: their names under "files")."""
    from .validation.report import render_text

    if report_format == "json":
        return json.dumps({"files": names, **report.summary()}, ensure_ascii=False)
    if report_format == "turtle":
        return report.graph.serialize(format="turtle")
    name = names[0] if len(names) == 1 else f"{len(names)} files, validated together"
    return render_text(report, name)


def _load(backend: Backend, settings: Settings) -> None:
    """Rebuild the store from the content folders and every accepted submission."""
    from .graph.reasoning import infer
    from .store.ledger import Ledger
    from .submissions.publishing import accepted_quads

    files = content_files(settings.content_dir)
    ledger = Ledger(settings.ledger_path)
    accepted = accepted_quads(ledger)
    unfinished = release.begin(settings)  # pending until the new store is announced and dumped
    try:
        count = backend.load(files, infer, progress=sys.stderr.isatty(), extra=accepted)
    except (Problem, OSError) as exc:  # the store is built beside the old one: nothing lost
        if not unfinished:
            release.cancel(settings)
        if isinstance(exc, Problem):
            raise click.ClickException(exc.message) from exc
        failed = f"the new store could not be built ({exc})"
        raise click.ClickException(f"{settings.store_path}: {failed}; the old one is kept") from exc
    click.echo(
        f"loaded {count} quads from {len(files)} files and {len(accepted)} accepted "
        f"submission quads into {settings.store_path}",
        err=True,
    )
    click.echo(describe(release.publish(settings), dumps_dir(settings)), err=True)
    _precompute(settings)


def _precompute(settings: Settings) -> None:
    """The answers the site's headline queries give on the new store (graph/precomputed)."""
    from .core.named_queries import load_queries
    from .graph.precomputed import Precomputed, compute
    from .store.ledger import Ledger

    if settings.backend != "oxigraph":
        return
    # Work done once per load, not a visitor's query: the time limit of a long one applies.
    backend = open_backend(replace(settings, query_timeout=max(settings.query_timeout, 600)))
    backend.start()
    kept = Precomputed(settings.data_dir)
    try:
        queries = load_queries(settings.content_dir / "queries").values()
        ledger = Ledger(settings.ledger_path)
        change, done = compute(backend, queries, kept, ledger.last_change, settings.workers)
    finally:
        kept.close()
        backend.close()
    click.echo(f"computed {done} answers ahead (change {change})", err=True)


def _preflight(settings: Settings, content: bool = True) -> None:
    """Refuse to start, in one line, on a data directory, a ledger or content ppkg cannot use."""
    from .core.preflight import check_start

    try:
        check_start(settings, content)
    except Problem as exc:
        raise click.ClickException(exc.message) from None


def _recover(settings: Settings, backend: Backend) -> None:
    """Finish what a crash interrupted: unchecked submissions, unpublished acceptances."""
    from .store.ledger import Ledger
    from .submissions.publishing import recover
    from .submissions.staging import check_received
    from .validation.validate import validate_against

    ledger = Ledger(settings.ledger_path)
    content_dir, limit = settings.content_dir, settings.validation_timeout
    checked = check_received(
        ledger,
        lambda data, kind, who: validate_against(
            backend, data, kind, content_dir, limit, submitter=who
        ),
    )
    published = recover(ledger, backend, settings.content_dir)
    if checked or published:
        click.echo(f"recovered: {checked} checked, {len(published)} published", err=True)


@main.group()
@click.pass_obj
def token(settings: Settings) -> None:
    """Issue, rotate, list and revoke the bearer tokens of partners and reviewers."""
    _preflight(settings, content=False)


@token.command("issue")
@click.argument("name")
@click.option("--role", type=click.Choice(["partner", "reviewer"]), required=True)
@click.option("--label", default="", help="Who holds it, as published in provenance.")
@click.pass_obj
def token_issue(settings: Settings, name: str, role: str, label: str) -> None:
    """Issue a token for NAME and print it: it is shown once and stored only hashed."""
    from .store.ledger import Ledger
    from .submissions import tokens

    try:
        click.echo(tokens.issue(Ledger(settings.ledger_path), name, role, label))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@token.command("rotate")
@click.argument("name")
@click.pass_obj
def token_rotate(settings: Settings, name: str) -> None:
    """Replace NAME's token by a new one (printed once), keeping its role and label."""
    from .store.ledger import Ledger
    from .submissions import tokens

    try:
        click.echo(tokens.rotate(Ledger(settings.ledger_path), name))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@token.command("list")
@click.pass_obj
def token_list(settings: Settings) -> None:
    """List the tokens' holders (never the tokens)."""
    from .store.ledger import Ledger
    from .submissions import tokens

    for row in tokens.listing(Ledger(settings.ledger_path)):
        state = f"revoked {row['revoked']}" if row["revoked"] else "active"
        click.echo(f"{row['name']}\t{row['role']}\t{row['label']}\t{state}")


@token.command("revoke")
@click.argument("name")
@click.pass_obj
def token_revoke(settings: Settings, name: str) -> None:
    """Revoke NAME's token at once."""
    from .store.ledger import Ledger
    from .submissions import tokens

    if not tokens.revoke(Ledger(settings.ledger_path), name):
        raise click.ClickException(f"no active token named {name!r}")


def _echo_to_reader(text: str) -> None:
    """Print, unless the reader has gone (`| head`): then the rest is dropped and the exit
    status still gives the verdict, where click would exit 1 without a word."""
    try:
        click.echo(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the flush at exit does not fail again


def _tabular_type(format_name: str | None) -> str:
    if format_name is None:
        return "application/sparql-results+json"
    for media_type in SHORT_NAMES.get(format_name.lower(), (format_name,)):
        if media_type in TABULAR:
            return media_type
    raise click.UsageError(f"unknown format {format_name!r}; use json, xml, csv or tsv")


def _extra_options(args: list[str]) -> dict[str, str]:
    """`--article 212.1 --lang=ru` as {"article": "212.1", "lang": "ru"}."""
    values: dict[str, str] = {}
    it = iter(args)
    for arg in it:
        if not arg.startswith("--"):
            raise click.UsageError(f"unexpected argument {arg!r}; give parameters as --name value")
        key, eq, value = arg[2:].partition("=")
        values[key] = value if eq else next(it, "")
    return values


def render_table(results: dict[str, Any]) -> str:
    """SPARQL JSON results as an aligned text table."""
    if "boolean" in results:
        return "yes" if results["boolean"] else "no"
    columns: list[str] = results["head"]["vars"]
    rows = [
        [b.get(c, {}).get("value", "") for c in columns] for b in results["results"]["bindings"]
    ]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines)
