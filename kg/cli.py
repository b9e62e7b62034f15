"""The ``claimgraph`` command: ingest articles, look up claims, query, export, serve."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack, closing
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from tqdm import tqdm

from kg.config import Settings

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class OutFormat(StrEnum):
    table = "table"
    json = "json"


class QueryFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(StrEnum):
    trig = "trig"
    nquads = "nquads"
    turtle = "turtle"
    jsonld = "jsonld"
    claimreview = "claimreview"


class ExtractFormat(StrEnum):
    polnear_jsonl = "polnear-jsonl"


EXPORT_MEDIA = {
    ExportFormat.trig: "application/trig",
    ExportFormat.nquads: "application/n-quads",
    ExportFormat.turtle: "text/turtle",
    ExportFormat.jsonld: "application/ld+json",
}
PathsArg = Annotated[list[Path], typer.Argument(exists=True, help="Files or folders of articles.")]
OutputOpt = Annotated[Path | None, typer.Option("-o", "--output", help="File (default stdout).")]
StoreOpt = Annotated[
    str | None,
    typer.Option(help="Store directory (default ./claimgraph-data).", envvar="CLAIMGRAPH_STORE"),
]


@app.callback()
def main(
    ctx: typer.Context,
    store: StoreOpt = None,
) -> None:
    """claimgraph: who said what in the news, and where they contradict each other."""
    ctx.obj = Settings(store=store) if store else Settings()


def _open(ctx: typer.Context, read_only: bool = False):
    from kg.store import StoreError, open_store

    try:
        return open_store(ctx.obj.store, read_only=read_only)
    except StoreError as exc:
        err.print(f"[red]cannot open store {ctx.obj.store}: {exc}[/red]")
        raise typer.Exit(2) from exc


def _emit_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command()
def ingest(
    ctx: typer.Context,
    paths: PathsArg,
    workers: Annotated[
        int, typer.Option(min=1, help="Reasoning processes (parsing stays in this one).")
    ] = 1,
    force: Annotated[
        bool, typer.Option(help="Re-ingest articles stored with the same text.")
    ] = False,
    failures: Annotated[Path | None, typer.Option(help="Write failures here (JSON lines).")] = None,
    dask: Annotated[
        str | None, typer.Option(help="Extract on this Dask scheduler, e.g. tcp://host:8786.")
    ] = None,
) -> None:
    """Ingest .txt, .html and .jsonl articles (files or folders) into the store.

    Articles already stored with the same text are skipped (``--force`` re-ingests them); an
    article that fails is reported and the others go on; a store error stops the run.
    """
    from kg.distributed import ClusterError, DaskExtractor
    from kg.ingest import read_paths
    from kg.nlp import load_nlp
    from kg.pipeline import IngestAborted, count_inputs, write_failures
    from kg.pipeline import ingest as run_ingest
    from kg.views import summary

    settings: Settings = ctx.obj
    aborted: IngestAborted | None = None
    with ExitStack() as stack:
        try:
            extractor = (
                stack.enter_context(DaskExtractor.connect(dask, settings.model)) if dask else None
            )
        except ClusterError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
        nlp = None if extractor else load_nlp(settings.model)
        store = _open(ctx)
        stack.callback(store.close)
        total = count_inputs(paths)
        bar = stack.enter_context(tqdm(desc="ingest", total=total, unit="article", file=sys.stderr))
        try:
            report = run_ingest(
                read_paths(paths, max_bytes=settings.max_article_bytes),
                store,
                nlp,
                on_article=lambda _origin: bar.update(),
                workers=workers,
                skip_unchanged=not force,
                extractor=extractor,
                record_ids=False,
            )
        except IngestAborted as exc:
            aborted, report = exc, exc.report
        totals = None if aborted else summary(store)
    for failure in report.failures:
        err.print(f"[yellow]failed {failure.origin}: {failure.reason}[/yellow]")
    if failures:
        write_failures(report.failures, failures)
    out.print(
        f"ingested {report.ingested} article(s), {report.claims} claim(s), "
        f"{report.contradictions} contradiction(s) found; skipped {report.skipped} unchanged"
    )
    if totals:
        out.print(
            f"store now holds {totals['articles']} articles, {totals['claims']} claims, "
            f"{totals['speakers']} speakers, {totals['contradictions']} contradictions"
        )
    if aborted:
        err.print(f"[red]{aborted}[/red]")
        raise typer.Exit(2)
    if report.failures:
        err.print(f"[red]{len(report.failures)} input(s) failed[/red]")
        raise typer.Exit(1)


def _claims_table(claims: list[dict]) -> Table:
    table = Table("id", "speaker", "cue", "kind", "stance", "topic", "text", show_lines=False)
    for c in claims:
        table.add_row(
            c["id"],
            c["speaker"]["name"],
            c["cue"] or "",
            c["kind"],
            c["stance"],
            c["topic"] or "",
            c["text"],
        )
    return table


@app.command()
def claims(
    ctx: typer.Context,
    speaker: Annotated[str | None, typer.Option(help="Speaker name (substring) or id.")] = None,
    article: Annotated[str | None, typer.Option(help="Article id.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 1000,
    format: Annotated[OutFormat, typer.Option("--format")] = OutFormat.table,
) -> None:
    """List claims, optionally for one speaker or article."""
    from kg.views import list_claims

    with closing(_open(ctx, read_only=True)) as store:
        rows, _total = list_claims(store, speaker=speaker, article=article, limit=limit)
    _emit_json(rows) if format is OutFormat.json else out.print(_claims_table(rows))


@app.command()
def speakers(
    ctx: typer.Context, format: Annotated[OutFormat, typer.Option("--format")] = OutFormat.table
) -> None:
    """List speakers with their number of claims."""
    from kg.views import list_speakers

    with closing(_open(ctx, read_only=True)) as store:
        rows = list_speakers(store)
    if format is OutFormat.json:
        _emit_json(rows)
        return
    table = Table("id", "name", "type", "claims", "description")
    for s in rows:
        table.add_row(s["id"], s["name"], s["type"], str(s["claims"]), s.get("description") or "")
    out.print(table)


@app.command()
def contradictions(
    ctx: typer.Context,
    format: Annotated[OutFormat, typer.Option("--format")] = OutFormat.table,
    explain: Annotated[bool, typer.Option(help="Print each contradiction's full reason.")] = False,
) -> None:
    """List contradicting claim pairs and why they conflict."""
    from kg.views import list_contradictions

    with closing(_open(ctx, read_only=True)) as store:
        rows = list_contradictions(store)
    if format is OutFormat.json:
        _emit_json(rows)
        return
    if explain:
        for c in rows:
            a, b = c["claims"]
            out.print(f"[bold]{c['id']}[/bold] (confidence {c['confidence']:.2f}) {c['reason']}")
            out.print(f"  - {a['speaker']['name']}: \u201c{a['text']}\u201d")
            out.print(f"  - {b['speaker']['name']}: \u201c{b['text']}\u201d\n")
        return
    table = Table("id", "claim A", "claim B", "confidence", "reason")
    for c in rows:
        a, b = c["claims"]
        table.add_row(
            c["id"],
            f"{a['speaker']['name']}: {a['text']}",
            f"{b['speaker']['name']}: {b['text']}",
            f"{c['confidence']:.2f}",
            c["reason"],
        )
    out.print(table)


def _query_text(sparql_or_file: str) -> str:
    path = Path(sparql_or_file)
    if len(sparql_or_file) < 4096 and path.suffix == ".rq" and path.is_file():
        return path.read_text(encoding="utf-8")
    return sparql_or_file


@app.command()
def query(
    ctx: typer.Context,
    sparql_or_file: Annotated[str, typer.Argument(help="SPARQL text or a .rq file.")],
    format: Annotated[QueryFormat, typer.Option("--format")] = QueryFormat.table,
) -> None:
    """Run a read-only SPARQL query over the union of all article graphs."""
    from kg.store import QuerySyntaxError, QueryTimeout

    text = _query_text(sparql_or_file)
    media = "text/csv" if format is QueryFormat.csv else "application/sparql-results+json"
    store = _open(ctx, read_only=True)
    try:
        result = store.query_raw(text, media, timeout_s=ctx.obj.query_timeout_s)
        body = b"".join(result.chunks)
    except (QuerySyntaxError, QueryTimeout) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    finally:
        store.close()
    if format is not QueryFormat.table or result.media_type != media:
        sys.stdout.write(body.decode("utf-8"))
        return
    _print_results_table(json.loads(body))


def _print_results_table(data: dict) -> None:
    if "boolean" in data:
        out.print(str(data["boolean"]).lower())
        return
    names = data["head"]["vars"]
    table = Table(*names)
    for binding in data["results"]["bindings"]:
        table.add_row(*(binding.get(n, {}).get("value", "") for n in names))
    out.print(table)


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.trig,
    output: OutputOpt = None,
) -> None:
    """Export the whole graph (TriG/N-Quads keep the per-article named graphs), or the claims
    as schema.org ClaimReview-ready JSON-LD (``claimreview``)."""
    from kg.claimreview import export_claimreview

    store = _open(ctx, read_only=True)
    try:
        if format is ExportFormat.claimreview:
            document = export_claimreview(store)
            data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        else:
            data = store.dump(EXPORT_MEDIA[format])
    finally:
        store.close()
    if output:
        output.write_bytes(data)
        err.print(f"wrote {len(data)} bytes to {output}")
    else:
        sys.stdout.buffer.write(data)


@app.command("import-reviews")
def import_reviews(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="ClaimReview JSON-LD.")],
) -> None:
    """Attach fact-checkers' ClaimReview ratings to the matching claims; list the unmatched."""
    from kg.claimreview import import_reviews as attach

    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        err.print(f"[red]{file}: not JSON-LD: {exc}[/red]")
        raise typer.Exit(2) from exc
    with closing(_open(ctx)) as store:
        report = attach(store, data)
    for review, claim_id, score in report.matched:
        out.print(f"matched review {review} -> claim {claim_id} (similarity {score:.2f})")
    for review, reason in report.unmatched:
        label = review.get("url", "?") if isinstance(review, dict) else review
        err.print(f"[yellow]unmatched review {label}: {reason}[/yellow]")
    out.print(f"{len(report.matched)} match(es), {len(report.unmatched)} unmatched review(s)")


@app.command()
def extract(
    ctx: typer.Context,
    paths: PathsArg,
    format: Annotated[ExtractFormat, typer.Option("--format")] = ExtractFormat.polnear_jsonl,
    output: OutputOpt = None,
) -> None:
    """Extract attributions without storing them (offsets into each file's text as read)."""
    from kg.ingest import IngestFailure, read_paths
    from kg.nlp import load_nlp
    from kg.pipeline import analyse, to_raw
    from kg.polnear import write_predictions

    failures: list[IngestFailure] = []

    def readable():
        for item in read_paths(paths, max_bytes=ctx.obj.max_article_bytes):
            if isinstance(item, IngestFailure):
                failures.append(item)
            else:
                yield item

    results = (
        (Path(a.article.source.origin).stem, [to_raw(a.article, x) for x in a.attributions])
        for a in tqdm(analyse(readable(), load_nlp(ctx.obj.model)), unit="doc", file=sys.stderr)
    )
    if output:
        with output.open("w", encoding="utf-8") as fh:
            write_predictions(results, fh)
    else:
        write_predictions(results, sys.stdout)
    for failure in failures:
        err.print(f"[yellow]skipped {failure.origin}: {failure.reason}[/yellow]")
    if failures:
        raise typer.Exit(1)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve SPARQL, REST and the graph explorer over HTTP."""
    import uvicorn

    from api.app import create_app

    settings: Settings = ctx.obj
    err.print(f"serving store {settings.store} on http://{host}:{port}/ (docs at /docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


if __name__ == "__main__":
    app()
