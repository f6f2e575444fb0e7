"""The ``moneytrail`` command: a thin face over the capabilities (parse input, call, render)."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from moneytrail import lists as lists_cap
from moneytrail.settings import Settings
from moneytrail.store import SnapshotDiff, Store, StoreError

if TYPE_CHECKING:
    from moneytrail.screening import Screener

app = typer.Typer(help="moneytrail: sanctions lists, screening and investigation.",
                  no_args_is_help=True, add_completion=False)
lists_app = typer.Typer(help="Load, update, inspect and compare the sanctions lists.",
                        no_args_is_help=True)
app.add_typer(lists_app, name="lists")

console = Console()
err = Console(stderr=True)


def _store(settings: Settings) -> Store:
    return Store.open(settings.database_url)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _render_outcomes(outcomes: list[lists_cap.LoadOutcome]) -> None:
    table = Table(title="List loads", title_justify="left")
    for col in ("list", "status", "snapshot", "published", "entities", "DPRK", "file / error"):
        table.add_column(col)
    for o in outcomes:
        snap = o.snapshot or o.previous
        style = {"loaded": "green", "failed": "bold red"}.get(o.status, "")
        detail = o.error or (o.path or "")
        if o.status == "failed" and o.previous is not None:
            detail += f"\n[yellow]still in service: snapshot {o.previous.id} ({o.previous.published})"
        elif o.status == "failed":
            detail += "\n[yellow]no snapshot of this list is loaded"
        table.add_row(o.source, f"[{style}]{o.status}" if style else o.status,
                      str(snap.id) if snap else "-", (snap.published or "-") if snap else "-",
                      f"{snap.counts.get('total', 0):,}" if snap else "-",
                      f"{snap.counts.get('dprk', 0):,}" if snap else "-", detail)
    console.print(table)


def _parse_urls(values: list[str]) -> dict[str, str]:
    urls = {}
    for value in values:
        source, sep, url = value.partition("=")
        if not sep or not url:
            raise typer.BadParameter(f"--url takes LIST=URL, got {value!r}")
        urls[source] = url
    return urls


@lists_app.command("update")
def lists_update(
    from_dir: Optional[Path] = typer.Option(None, "--from", exists=True, help=(
        "Load files from this folder (or file) instead of downloading; each file is "
        "recognised by its content. For air-gapped sites.")),
    source: list[str] = typer.Option([], "--source", "-s", help="Only these lists (repeatable)."),
    url: list[str] = typer.Option([], "--url", help="LIST=URL: download this list from URL."),
    force: bool = typer.Option(False, help="Load even unchanged or empty lists."),
    timeout: float = typer.Option(60.0, help="Seconds before a download attempt times out."),
    retries: int = typer.Option(3, help="Retries after a timeout, connection error or 5xx."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Fetch the official lists (or load files with --from) and store what changed."""
    settings = Settings.from_env()
    store = _store(settings)
    unknown: list[Path] = []
    if from_dir is not None:
        outcomes, unknown = lists_cap.load_path(store, from_dir, force=force, sources=source)
    else:
        try:
            outcomes = lists_cap.update_official(
                store, settings.home / "downloads", sources=source, urls=_parse_urls(url),
                force=force, timeout=timeout, retries=retries,
                progress=None if as_json else lambda m: err.print(f"[dim]fetching {m}"))
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
    if as_json:
        _print_json({"outcomes": [o.to_dict() for o in outcomes],
                     "unrecognised": [str(p) for p in unknown]})
    else:
        _render_outcomes(outcomes)
        for path in unknown:
            err.print(f"[dim]not a list file we recognise, skipped: {path}")
    failed = [o for o in outcomes if not o.ok]
    if not outcomes and not as_json:
        err.print("[yellow]no list files found")
    if failed:
        for o in failed:
            err.print(f"[bold red]error:[/] {o.error}")
        raise typer.Exit(1)


@lists_app.command("status")
def lists_status(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """What is loaded: every snapshot of every list, newest last."""
    store = _store(Settings.from_env())
    snaps = store.snapshots()
    in_service = {s.id for s in store.latest_snapshots()}
    if as_json:
        from moneytrail.store.store import snapshot_to_dict
        _print_json([{**snapshot_to_dict(s), "in_service": s.id in in_service} for s in snaps])
        return
    if not snaps:
        console.print("No lists loaded. Run [bold]moneytrail lists update[/] "
                      "(or [bold]--from DIR[/] on an air-gapped machine).")
        return
    table = Table(title="Loaded snapshots", title_justify="left")
    for col in ("id", "list", "published", "loaded", "entities", "DPRK", "format", "sha256"):
        table.add_column(col)
    for s in snaps:
        mark = " [green](in service)" if s.id in in_service else ""
        table.add_row(str(s.id), s.source + mark, s.published or "-", s.loaded_at,
                      f"{s.counts.get('total', 0):,}", f"{s.counts.get('dprk', 0):,}",
                      s.format, s.sha256[:12])
    console.print(table)


@lists_app.command("diff")
def lists_diff(
    old: Optional[int] = typer.Argument(None, help="Old snapshot id."),
    new: Optional[int] = typer.Argument(None, help="New snapshot id."),
    source: str = typer.Option("ofac_sdn", "--source", "-s",
                               help="With no ids: compare this list's two newest snapshots."),
    dprk_only: bool = typer.Option(False, "--dprk", help="Only DPRK-related entities."),
    limit: int = typer.Option(25, help="Rows to show per section (text output)."),
    as_json: bool = typer.Option(False, "--json", help="Print the full diff as JSON."),
) -> None:
    """Entities added, removed and changed (field by field) between two snapshots of a list."""
    store = _store(Settings.from_env())
    try:
        if old is None and new is None:
            pair = lists_cap.newest_pair(store, source)
            if pair is None:
                err.print(f"[red]error:[/] {source} has fewer than two snapshots loaded")
                raise typer.Exit(1)
            old, new = pair[0].id, pair[1].id
        elif old is None or new is None:
            raise typer.BadParameter("give two snapshot ids, or none")
        diff = store.diff(old, new)  # type: ignore[arg-type]
    except StoreError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    if dprk_only:
        diff = SnapshotDiff(diff.old, diff.new, tuple(e for e in diff.added if e.dprk),
                            tuple(e for e in diff.removed if e.dprk),
                            tuple(c for c in diff.changed if c.dprk))
    if as_json:
        _print_json(diff.to_dict())
    else:
        render_diff(diff, limit=limit)


def render_diff(diff: SnapshotDiff, *, limit: int = 25) -> None:
    """Print a diff: a one-line summary, then the DPRK-related additions and the changes."""
    o, n = diff.old, diff.new
    console.print(
        f"[bold]{n.source}[/]: snapshot {o.id} ({o.published}) -> {n.id} ({n.published}): "
        f"[green]+{len(diff.added):,} added[/], [red]-{len(diff.removed):,} removed[/], "
        f"[yellow]{len(diff.changed):,} changed[/]; DPRK-related: "
        f"+{sum(e.dprk for e in diff.added)} / -{sum(e.dprk for e in diff.removed)} / "
        f"~{sum(c.dprk for c in diff.changed)}")
    for title, refs in (("Added", diff.added), ("Removed", diff.removed)):
        if not refs:
            continue
        ordered = sorted(refs, key=lambda e: (not e.dprk, e.entity_id))
        table = Table(title=f"{title} ({len(refs):,}; DPRK-related first)", title_justify="left")
        for col in ("id", "name", "type", "DPRK"):
            table.add_column(col)
        for ref in ordered[:limit]:
            table.add_row(ref.entity_id, ref.caption, ref.schema, "yes" if ref.dprk else "")
        if len(refs) > limit:
            table.caption = f"... and {len(refs) - limit:,} more (--limit, --json)"
        console.print(table)
    if diff.changed:
        ordered = sorted(diff.changed, key=lambda c: (not c.dprk, c.entity_id))
        table = Table(title=f"Changed ({len(diff.changed):,}; DPRK-related first)",
                      title_justify="left")
        for col in ("id", "name", "fields changed"):
            table.add_column(col)
        for change in ordered[:limit]:
            table.add_row(change.entity_id, change.caption,
                          ", ".join(f.field for f in change.fields))
        if len(diff.changed) > limit:
            table.caption = f"... and {len(diff.changed) - limit:,} more (--limit, --json)"
        console.print(table)


@lists_app.command("export")
def lists_export(
    fmt: str = typer.Option("ftm", "--format", "-f", help="ftm (FollowTheMoney JSON lines) or json."),
    source: list[str] = typer.Option([], "--source", "-s", help="Only these lists."),
    snapshot: Optional[int] = typer.Option(None, help="One snapshot id (default: all in service)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="File (default stdout)."),
) -> None:
    """Export entities as FollowTheMoney or moneytrail JSON lines."""
    from moneytrail import ftm

    if fmt not in ("ftm", "json"):
        raise typer.BadParameter(f"--format must be ftm or json, not {fmt!r}")
    store = _store(Settings.from_env())
    try:
        snaps = [store.snapshot(snapshot)] if snapshot is not None else [
            s for s in store.latest_snapshots() if not source or s.source in source]
    except StoreError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    count = 0
    try:
        for snap in snaps:
            for entity in store.entities(snap.id):  # type: ignore[arg-type]
                records = ftm.entity_to_ftm(entity) if fmt == "ftm" else [entity.to_dict()]
                for record in records:
                    # key order kept as written: FtM readers may take name order from it
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    finally:
        if output:
            out.close()
    if output:
        err.print(f"wrote {count:,} entities from {len(snaps)} snapshot(s) to {output}")


def _screener(settings: Settings) -> "Screener":
    from moneytrail.screening import Screener

    store = _store(settings)
    if not store.latest_snapshots():
        err.print("[red]error:[/] no lists loaded; run [bold]moneytrail lists update[/] first")
        raise typer.Exit(1)
    return Screener.from_store(store, cache_dir=settings.home / "index")


def _schema_option(value: Optional[str]) -> Optional[str]:
    from moneytrail.model import Schema

    if value is None:
        return None
    names = {s.value.lower(): s.value for s in Schema if s is not Schema.OTHER}
    names.update({"company": "Organization", "org": "Organization", "ship": "Vessel"})
    if value.lower() not in names:
        raise typer.BadParameter(f"--type must be one of {', '.join(sorted(names))}")
    return names[value.lower()]


def render_matches(query: str, matches: list, *, explain_top: bool = True) -> None:
    """Print matches as a table, and the explanation of the best one."""
    table = Table(title=f"Screening {query!r}", title_justify="left")
    for col in ("score", "match", "list", "id", "name", "matched name", "programs"):
        table.add_column(col)
    for m in matches:
        table.add_row(f"{m.score:.3f}", "[bold red]MATCH" if m.match else "", m.entity.source,
                      m.list_ref, escape(m.entity.caption), escape(m.matched_name or ""),
                      ", ".join(p.code for p in m.entity.programs))
    console.print(table if matches else f"No candidates for {query!r}.")
    if matches and explain_top:
        top = matches[0].explanation
        console.print(f"[bold]why[/] {matches[0].entity.caption!r} (method {top['method']}, "
                      f"threshold {top['threshold']}):")
        for feature in top["features"]:
            console.print(f"  {feature['feature']:<11} {feature['weight']:+.3f}  "
                          f"{escape(feature['detail'])}")


@app.command()
def screen(
    name: str = typer.Argument(..., help="The name to screen, in any script."),
    dob: Optional[str] = typer.Option(None, help="Birth date: YYYY, YYYY-MM or YYYY-MM-DD."),
    country: list[str] = typer.Option([], help="Country (name or ISO code); repeatable."),
    schema: Optional[str] = typer.Option(None, "--type", help="person, organization, vessel..."),
    limit: int = typer.Option(5, help="How many results."),
    threshold: Optional[float] = typer.Option(None, help="Score from which a result matches."),
    as_json: bool = typer.Option(False, "--json", help="Print results as JSON."),
) -> None:
    """Screen one name against every list in service, with explanations."""
    from moneytrail.countries import country_code
    from moneytrail.screening import Query

    codes = []
    for c in country:
        code = country_code(c)
        if code is None:
            raise typer.BadParameter(f"unknown country {c!r}")
        codes.append(code)
    if dob is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", dob):
        raise typer.BadParameter(f"--dob must be YYYY, YYYY-MM or YYYY-MM-DD, not {dob!r}")
    screener = _screener(Settings.from_env())
    query = Query.of(name, schema=_schema_option(schema), birth_dates=(dob,) if dob else (),
                     countries=tuple(codes))
    matches = screener.match(query, limit=limit, threshold=threshold)
    if as_json:
        _print_json({"query": name, "results": [m.to_dict() for m in matches]})
    else:
        render_matches(name, matches)


@app.command()
def compare(
    name_a: str = typer.Argument(..., help="First name."),
    name_b: str = typer.Argument(..., help="Second name."),
    schema: Optional[str] = typer.Option(None, "--type", help="person, organization, vessel..."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Score two names against each other, with the explanation (no lists needed)."""
    from moneytrail.match.index import Index
    from moneytrail.screening import Query, Screener

    schema_value = _schema_option(schema)
    result = Screener(Index()).compare(Query.of(name_a, schema=schema_value),
                                       Query.of(name_b, schema=schema_value))
    if as_json:
        _print_json({"a": name_a, "b": name_b, "score": round(result.score, 4),
                     "match": result.match, "explanation": result.explanation})
        return
    verdict = "[bold red]same[/]" if result.match else "different"
    console.print(f"{name_a!r} vs {name_b!r}: score {result.score:.3f} -> {verdict} "
                  f"(threshold {result.explanation['threshold']})")
    for feature in result.explanation["features"]:
        console.print(f"  {feature['feature']:<11} {feature['weight']:+.3f}  "
                      f"{escape(feature['detail'])}")


@app.command()
def demo(
    data_dir: Optional[Path] = typer.Option(None, help="Default: $MONEYTRAIL_DATA_DIR/lists."),
) -> None:
    """Load the lists (embedded data where present, else the official sources) and summarise."""
    settings = Settings.from_env()
    store = _store(settings)
    folder = data_dir or settings.data_dir / "lists"
    if folder.is_dir():
        console.print(f"Loading the lists in [bold]{folder}[/] into {settings.database_url}")
        outcomes, _ = lists_cap.load_path(store, folder)
    else:
        console.print(f"{folder} not found: fetching the official lists")
        outcomes = lists_cap.update_official(store, settings.home / "downloads",
                                             progress=lambda m: err.print(f"[dim]fetching {m}"))
    for o in outcomes:
        if not o.ok:
            err.print(f"[bold red]error:[/] {o.error}")
    rows = lists_cap.summary(store)
    # Fits an 80-column terminal: a wallets column only where a list has wallets.
    columns = [("list", "source"), ("published", "published"), ("total", "total"),
               ("people", "people"), ("orgs", "organizations"), ("vessels", "vessels"),
               ("aircraft", "aircraft")]
    if any(row["wallets"] for row in rows):
        columns.append(("wallets", "wallets"))
    columns += [("DPRK", "dprk"), ("snaps", "snapshots")]
    table = Table(title="Lists in service (DPRK = DPRK-related by program or content)",
                  title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  show_edge=False, collapse_padding=True)
    for header, _ in columns:
        table.add_column(header, no_wrap=True,
                         justify="left" if header in ("list", "published") else "right")
    for row in rows:
        table.add_row(*[f"{row[key]:,}" if isinstance(row[key], int) else (row[key] or "-")
                        for _, key in columns])
    console.print(table)
    pair = lists_cap.newest_pair(store, "ofac_sdn")
    if pair is not None:
        render_diff(store.diff(pair[0].id, pair[1].id), limit=15)  # type: ignore[arg-type]
    screener = _demo_screening(store)
    _demo_bulk(screener, store, settings.home)
    _demo_payments(screener, store, settings.home)
    if any(not o.ok for o in outcomes):
        raise typer.Exit(1)


# One listed person and organisation, each written the ways customer records and documents do.
DEMO_QUERIES = (
    ("김정은", "Person", "Hangul, unspaced"),
    ("金正恩", "Person", "Hanja"),
    ("Kim Chŏng-ŭn", "Person", "McCune-Reischauer"),
    ("Gim Jeong-eun", "Person", "South Korean (RR)"),
    ("Choi Ryong-hae", "Person", "South Korean habit"),
    ("Kim Yong Un", "Person", "a different person"),
    ("Lazarous Group", "Organization", "a typo"),
    ("Korea Kwangson Banking Corp Ltd", "Organization", "another legal form"),
    ("KKBC", "Organization", "acronym"),
)


def _demo_screening(store: Store) -> "Screener":
    from moneytrail.screening import Query, Screener

    screener = Screener.from_store(store)
    console.print(f"\n[bold]Screening[/] against {len(screener.index):,} entities "
                  f"(threshold {screener.threshold}):")
    for text, schema, how in DEMO_QUERIES:
        results = screener.match(Query.of(text, schema=schema), limit=1)
        if not results:
            console.print(f"  {text} ({how}): no candidates")
            continue
        best = results[0]
        features = best.explanation["features"]
        verdict = "[bold red]MATCH[/]" if best.match else "no match"
        console.print(f"  [bold]{escape(text)}[/] ({how}) -> {escape(best.entity.caption)} "
                      f"({best.entity.source} {best.list_ref}) {best.score:.2f} {verdict}")
        if features:
            console.print(f"      [dim]why: {escape(features[0]['detail'])}")
    return screener


# A customer book as a bank exports it: listed parties written the ways customer records do,
# among customers on no list, and one row the run must report and go on.
DEMO_BOOK = (
    ("customer_id", "full_name", "date_of_birth", "nationality", "type"),
    ("C-1001", "Maria Fernanda Lopez", "1985-03-12", "MX", "individual"),
    ("C-1002", "Choe Ryong-hae", "1950-01-15", "KP", "individual"),
    ("C-1003", "Foreign Trade Bank of the DPRK", "", "KP", "company"),
    ("C-1004", "Jean-Pierre Martin", "31/02/1972", "FR", "individual"),
    ("C-1005", "", "1990", "US", "individual"),
    ("C-1006", "Chong Chon Gang", "", "", "vessel"),
    ("C-1007", "Hans Becker GmbH", "", "DE", "company"),
)


def _demo_bulk(screener: "Screener", store: Store, home: Path) -> None:
    import csv

    from moneytrail.batch.run import Options, RunFiles, open_input, run_file

    home.mkdir(parents=True, exist_ok=True)
    book = home / "demo_customers.csv"
    with book.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(DEMO_BOOK)
    reader, columns, _ = open_input(book)
    output = home / "demo_results.csv"
    with reader:
        summary = run_file(screener, reader, RunFiles.for_output(output),
                           Options(columns=columns),
                           snapshot_of={s.source: s.id for s in store.latest_snapshots()
                                        if s.id is not None})
    console.print(f"\n[bold]Screening a file[/] ({book.name}, as `moneytrail screen-file` "
                  f"does): {summary.rows} rows, {summary.screened} screened, "
                  f"{summary.hit_rows} with a hit, {summary.errors} not screened, "
                  f"{summary.warnings} with a warning")
    with output.open(newline="", encoding="utf-8") as f:
        for record in csv.DictReader(f):
            if record["match"] == "true":
                console.print(f"  {escape(record['key'])} {escape(record['query_name'])} -> "
                              f"{escape(record['name'])} ({record['source']} "
                              f"{record['source_id']}) {float(record['score']):.2f}")
    console.print(f"  results: {output}; problems by row: {output}.errors.csv")


# Three MT103s as a bank's outgoing file holds them: an ordinary one, one to a listed North Korean
# bank's BIC for freight on a listed vessel, and one the parser must reject and go on.
DEMO_PAYMENTS = "$".join(
    "{1:F01BANKDEFFAXXX0000000000}{2:I103BANKUS33XXXXN}{4:\n:20:" + ref + "\n:23B:CRED\n"
    + amount + ":50K:/DE89370400440532013000\nHANS BECKER GMBH\nFRANKFURT\n" + beneficiary
    + ":70:" + remittance + "\n:71A:SHA\n-}"
    for ref, amount, beneficiary, remittance in (
        ("PAY-001", ":32A:260115EUR12500,00\n", ":59:/FR7630006000011234567890189\n"
         "MARIE DUPONT\nLYON\n", "INVOICE 2026-118"),
        ("PAY-002", ":32A:260115USD98000,00\n", ":57A:FTBDKPPY\n:59:/001\nCHONMA TRADING\n"
         "PYONGYANG\n", "FREIGHT MV CHON MA SAN IMO 8660313"),
        ("PAY-003", "", ":59:/002\nACME LTD\n", "NO AMOUNT")))


def _demo_payments(screener: "Screener", store: Store, home: Path) -> None:
    from moneytrail.cases import open_alerts
    from moneytrail.payments.parse import parse_file
    from moneytrail.payments.screen import PaymentScreener, alert_hits

    path = home / "demo_payments.rje"
    path.write_text(DEMO_PAYMENTS, encoding="ascii")
    parsed = parse_file(path)
    results = PaymentScreener(screener).screen(parsed.payments)
    console.print(f"\n[bold]Screening payments[/] ({path.name}, as `moneytrail payments screen` "
                  f"does): {len(results)} payments, {len(parsed.errors)} message rejected")
    for error in parsed.errors:
        console.print(f"  rejected: {escape(str(error))}")
    for r in results:
        console.print(f"  {r.payment_id} {r.payment.amount} {r.payment.currency}: "
                      f"[bold]{r.status.upper()}[/]")
        for hit in r.hits:
            listed = (f"{hit.entity.caption} ({hit.entity.source})" if hit.entity
                      else f"embargoed {hit.detail['country'].upper()}")
            console.print(f"      {hit.kind} {hit.field} {escape(hit.value)!r} -> "
                          f"{escape(listed)} {hit.score:.2f}")
    snapshot_of = {s.source: s.id for s in store.latest_snapshots() if s.id is not None}
    opened = open_alerts(store, alert_hits(results, snapshot_of), actor="moneytrail demo")
    console.print(f"  alerts: {len(opened.alerts_opened)} opened in case(s) "
                  f"{', '.join(map(str, opened.case_ids))} ({len(opened.alerts_existing)} already "
                  f"open): review them with `moneytrail cases show`")


# -- bulk screening ----------------------------------------------------------------------------

def _mapping_flags(name, dob, country, id_col, type_col, key) -> dict[str, str | None]:
    return {"name": name, "dob": dob, "country": country, "id": id_col, "type": type_col,
            "key": key}


def _show_mapping(path: Path, reader, columns, how: dict[str, str]) -> None:
    err.print(f"[bold]{escape(str(path))}[/] ({reader.format}), columns:", soft_wrap=True)
    for role, column in columns.to_dict().items():
        if column:
            err.print(f"  {role} <- {escape(repr(column))} ({how[role]})", soft_wrap=True)


def _run_batch(screener: "Screener", input_path: Path, output: Path, *, flags: dict,
               in_format: Optional[str], out_format: Optional[str], encoding: str,
               sheet: Optional[str], workers: int, all_matches: bool,
               threshold: Optional[float], cutoff: Optional[float], resume: bool,
               errors_path: Optional[Path], month_first: bool, progress: bool,
               as_json: bool, snapshot_of: dict[str, int], extra: dict | None = None,
               title: str = "Screening") -> None:
    from rich.progress import (BarColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from moneytrail.batch.io import BatchInputError, file_format
    from moneytrail.batch.run import Options, RunFiles, open_input, run_file

    try:
        file_format(output, out_format)
        reader, columns, how = open_input(input_path, fmt=in_format, encoding=encoding,
                                          sheet=sheet, flags=flags)
    except BatchInputError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2)
    _show_mapping(input_path, reader, columns, how)
    options = Options(columns=columns, threshold=threshold, cutoff=cutoff,
                      all_matches=all_matches, day_first=not month_first)
    files = RunFiles.for_output(output, errors_path)
    if not resume and files.state.exists():
        err.print(f"[yellow]note:[/] starting afresh over an unfinished run ({files.state}); "
                  f"--resume would have continued it")
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[rows]}"),
                   TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                   console=err, disable=not progress, transient=True)
    started = time.perf_counter()
    with bar:
        task = bar.add_task(title, total=1000, rows="0 rows", rate="")

        def update(done: int, fraction: float | None) -> None:
            seconds = max(1e-9, time.perf_counter() - started)
            bar.update(task, completed=None if fraction is None else fraction * 1000,
                       rows=f"{done:,} rows", rate=f"{done / seconds:,.0f} rows/s")

        try:
            with reader:
                summary = run_file(screener, reader, files, options, workers=workers,
                                   resume=resume, out_format=out_format,
                                   snapshot_of=snapshot_of, extra=extra, progress=update)
        except BatchInputError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(2)
    if as_json:
        _print_json({"output": str(output), "errors_file": str(files.errors),
                     **summary.to_dict()})
        return
    rate = summary.rows / summary.seconds if summary.seconds else 0.0
    table = Table(title=f"{title}: {input_path.name} -> {output.name}", title_justify="left",
                  box=box.SIMPLE_HEAD)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (("rows", summary.rows), ("screened", summary.screened),
                         ("not screened (errors)", summary.errors),
                         ("screened with a warning", summary.warnings),
                         ("rows with a hit", summary.hit_rows), ("matches", summary.matches)):
        table.add_row(label, f"{value:,}")
    for source, count in summary.by_list.most_common():
        table.add_row(f"  hits on {source}", f"{count:,}")
    for program, count in summary.by_program.most_common(10):
        table.add_row(f"  program {program}", f"{count:,}")
    table.add_row("time", f"{summary.seconds:.1f} s ({rate:,.0f} rows/s)"
                  + (f", resumed at row {summary.resumed_at:,}" if summary.resumed_at else ""))
    console.print(table)
    if summary.errors or summary.warnings:
        err.print(f"problems by row: {files.errors}", soft_wrap=True)


_ROLE_HELP = "Input column holding the {}; guessed from common headers when not given."

# The options screen-file and rescreen share, declared once.
NameCol = Annotated[Optional[str], typer.Option(help=_ROLE_HELP.format("name to screen"))]
DobCol = Annotated[Optional[str], typer.Option(help=_ROLE_HELP.format("birth date"))]
CountryCol = Annotated[Optional[str], typer.Option(help=_ROLE_HELP.format("country"))]
IdCol = Annotated[Optional[str], typer.Option("--id", help=_ROLE_HELP.format(
    "identifier (passport, IMO, BIC, wallet)"))]
TypeCol = Annotated[Optional[str], typer.Option("--type", help=_ROLE_HELP.format(
    "party type (person, company, vessel)"))]
KeyCol = Annotated[Optional[str], typer.Option(help=_ROLE_HELP.format("row's own id"))]
OutputOpt = Annotated[Path, typer.Option("-o", "--output", help="Results file; format from its "
                                         "extension (.csv .tsv .xlsx .parquet .jsonl).")]
WorkersOpt = Annotated[int, typer.Option(help="Processes screening in parallel.")]
AllMatchesOpt = Annotated[bool, typer.Option("--all-matches",
                                             help="One result row per match at the threshold.")]
ThresholdOpt = Annotated[Optional[float], typer.Option(help="Score from which a result matches.")]
CutoffOpt = Annotated[Optional[float], typer.Option(help="Lowest score reported (default: the "
                                                    "threshold; 0.6 adds the near misses).")]
ResumeOpt = Annotated[bool, typer.Option(help="Continue an interrupted run of the same command.")]
ErrorsOpt = Annotated[Optional[Path], typer.Option("--errors", help="Problems file (default "
                                                   "OUTPUT.errors.csv).")]
FormatOpt = Annotated[Optional[str], typer.Option("--format", help="Input format if the "
                                                  "extension does not say.")]
OutFormatOpt = Annotated[Optional[str], typer.Option("--out-format", help="Output format if the "
                                                     "extension does not say.")]
EncodingOpt = Annotated[str, typer.Option(help="Text encoding of a CSV/TSV/JSON-lines input.")]
SheetOpt = Annotated[Optional[str], typer.Option(help="Excel sheet (default the first).")]
MonthFirstOpt = Annotated[bool, typer.Option("--month-first", help="Read 01/02/1980 as "
                                             "2 January (default: 1 February).")]
ProgressOpt = Annotated[bool, typer.Option(help="Show a progress bar.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]


@app.command("screen-file")
def screen_file(
    input_path: Path = typer.Argument(..., help="CSV/TSV, .xlsx, .parquet or JSON lines."),
    output: OutputOpt = ..., name: NameCol = None, dob: DobCol = None,
    country: CountryCol = None, id_col: IdCol = None, type_col: TypeCol = None,
    key: KeyCol = None, workers: WorkersOpt = os.cpu_count() or 1,
    all_matches: AllMatchesOpt = False, threshold: ThresholdOpt = None,
    cutoff: CutoffOpt = None, resume: ResumeOpt = False, errors_path: ErrorsOpt = None,
    in_format: FormatOpt = None, out_format: OutFormatOpt = None,
    encoding: EncodingOpt = "utf-8", sheet: SheetOpt = None, month_first: MonthFirstOpt = False,
    engine: str = typer.Option("process", help="process (this machine) or spark."),
    master: str = typer.Option("local[*]", help="Spark master URL (with --engine spark)."),
    progress: ProgressOpt = True, as_json: JsonOpt = False,
) -> None:
    """Screen every row of a file against every list in service."""
    flags = _mapping_flags(name, dob, country, id_col, type_col, key)
    settings = Settings.from_env()
    if engine not in ("process", "spark"):
        raise typer.BadParameter("--engine must be process or spark")
    screener = _screener(settings)
    snapshot_of = {s.source: s.id for s in _store(settings).latest_snapshots()
                   if s.id is not None}
    if engine == "spark":
        _run_spark(screener, input_path, output, flags=flags, in_format=in_format,
                   out_format=out_format, all_matches=all_matches, threshold=threshold,
                   cutoff=cutoff, month_first=month_first, master=master,
                   snapshot_of=snapshot_of, as_json=as_json)
        return
    _run_batch(screener, input_path, output, flags=flags, in_format=in_format,
               out_format=out_format, encoding=encoding, sheet=sheet, workers=workers,
               all_matches=all_matches, threshold=threshold, cutoff=cutoff, resume=resume,
               errors_path=errors_path, month_first=month_first, progress=progress,
               as_json=as_json, snapshot_of=snapshot_of)


@app.command()
def rescreen(
    input_path: Path = typer.Argument(..., help="The file screened before."),
    since: list[int] = typer.Option(..., help="Snapshot id the file was last screened "
                                    "against (one per list; see `lists status`)."),
    output: OutputOpt = ..., name: NameCol = None, dob: DobCol = None,
    country: CountryCol = None, id_col: IdCol = None, type_col: TypeCol = None,
    key: KeyCol = None, workers: WorkersOpt = os.cpu_count() or 1,
    all_matches: AllMatchesOpt = False, threshold: ThresholdOpt = None,
    cutoff: CutoffOpt = None, resume: ResumeOpt = False, errors_path: ErrorsOpt = None,
    in_format: FormatOpt = None, out_format: OutFormatOpt = None,
    encoding: EncodingOpt = "utf-8", sheet: SheetOpt = None, month_first: MonthFirstOpt = False,
    progress: ProgressOpt = True, as_json: JsonOpt = False,
) -> None:
    """Screen a file again, only against entities added or changed since SNAPSHOT(s)."""
    from moneytrail.batch.delta import delta_screener, delta_since, full_screener

    settings = Settings.from_env()
    store = _store(settings)
    try:
        full = full_screener(store, settings.home / "index")
        delta = delta_since(store, since)
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2)
    described = delta.describe()
    err.print(f"re-screening against {described['added']:,} added and {described['changed']:,} "
              f"changed entities: snapshots {described['since']} -> {described['new']}")
    screener = delta_screener(delta, full)
    _run_batch(screener, input_path, output, flags=_mapping_flags(name, dob, country, id_col,
                                                                  type_col, key),
               in_format=in_format, out_format=out_format, encoding=encoding, sheet=sheet,
               workers=workers, all_matches=all_matches, threshold=threshold, cutoff=cutoff,
               resume=resume, errors_path=errors_path, month_first=month_first,
               progress=progress, as_json=as_json, snapshot_of=delta.snapshot_of,
               extra=described, title="Re-screening")


def _run_spark(screener: "Screener", input_path: Path, output: Path, **kw: Any) -> None:
    try:
        from moneytrail.batch import spark
    except ImportError as exc:
        err.print(f"[red]error:[/] --engine spark needs PySpark: pip install 'moneytrail[spark]' "
                  f"({exc})")
        raise typer.Exit(2)
    summary = spark.screen_file(screener, input_path, output, **kw)
    if kw.get("as_json"):
        _print_json(summary)
    else:
        console.print(f"spark: {summary['rows']:,} rows, {summary['hit_rows']:,} with a hit, "
                      f"{summary['seconds']:.1f} s -> {output}")


# -- the screening service ----------------------------------------------------------------

keys_app = typer.Typer(help="API keys of the screening service (stored hashed).",
                       no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    role: str = typer.Option(..., help="viewer (lists, entities, search), analyst (+ screening), "
                                       "admin (+ reload)."),
    name: str = typer.Option(..., help="Whose key this is (shown in the call records)."),
    rate: Optional[float] = typer.Option(None, help="Requests per second allowed to this key "
                                                    "(default: MONEYTRAIL_API_RATE)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Create an API key; the key is printed once and only its hash is kept."""
    from moneytrail.store.access import create_key

    try:
        key, token = create_key(_store(Settings.from_env()), role, name, rate)
    except StoreError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
    if as_json:
        _print_json({**key.to_dict(), "key": token})
        return
    err.print(f"created key [bold]{key.id}[/] ({key.role}) for {escape(name)}; it is shown "
              "only now, keep it safe:")
    sys.stdout.write(token + "\n")


@keys_app.command("list")
def keys_list(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List the API keys (never their secrets)."""
    from moneytrail.store.access import list_keys

    keys = list_keys(_store(Settings.from_env()))
    if as_json:
        _print_json([k.to_dict() for k in keys])
        return
    table = Table(title="API keys", title_justify="left")
    for col in ("id", "name", "role", "rate", "created", "revoked"):
        table.add_column(col)
    for k in keys:
        table.add_row(k.id, escape(k.name), k.role, f"{k.rate:g}/s" if k.rate else "default",
                      k.created_at, k.revoked_at or "")
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: str = typer.Argument(..., help="The key's id (mt_<id>_...).")) -> None:
    """Revoke an API key: refused from then on (within a few seconds by a running service)."""
    from moneytrail.store.access import revoke_key

    try:
        key = revoke_key(_store(Settings.from_env()), key_id)
    except StoreError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
    console.print(f"revoked {key.id} ({key.role}, {escape(key.name)}) at {key.revoked_at}")


@keys_app.command("calls")
def keys_calls(
    limit: int = typer.Option(50, min=1, help="How many records, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """The service's call records: who called which route, when, on which snapshots."""
    from moneytrail.store.access import calls

    records = calls(_store(Settings.from_env()), limit=limit)
    if as_json:
        _print_json([r.to_dict() for r in records])
        return
    table = Table(title="Calls to the screening service", title_justify="left")
    for col in ("at", "key", "role", "method", "route", "dataset", "queries", "status",
                "snapshots", "ms"):
        table.add_column(col)
    for r in records:
        table.add_row(r.at, r.key_id or "-", r.role or "-", r.method, r.route,
                      r.dataset or "", str(r.queries), str(r.status), r.snapshots or "",
                      f"{r.duration_ms:.1f}")
    console.print(table)


# -- cases and the audit trail ------------------------------------------------------------

payments_app = typer.Typer(help="Payment messages (ISO 20022 pacs.008/009, pain.001/008; "
                                "SWIFT MT103/202/101): screen every party, bank, country and "
                                "free text.", no_args_is_help=True)
app.add_typer(payments_app, name="payments")


@payments_app.command("screen")
def payments_screen(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                       help="Message files: XML (one or more messages) or MT "
                                            "(.fin, .rje: several messages separated by $)."),
    as_json: bool = typer.Option(False, "--json", help="Print every payment's verdict as JSON."),
    alerts: bool = typer.Option(True, "--alerts/--no-alerts",
                                help="Open alerts in the cases store for held payments."),
    workers: int = typer.Option(1, min=1, max=64, help="Processes screening in parallel."),
) -> None:
    """Screen payment messages: each payment passes or holds, with its hits. A message that
    cannot be read is reported (file, message, field, why) and the others go on; exits 1 when
    a file could not be read at all."""
    from moneytrail.cases import open_alerts
    from moneytrail.payments.parse import parse_file
    from moneytrail.payments.screen import PaymentResult, PaymentScreener, alert_hits

    settings = Settings.from_env()
    screener = _screener(settings)
    store = _store(settings)
    # (each file whole: a file that breaks half way is one error, none of its payments)
    items = (item for path in files for parsed in [parse_file(path)]
             for item in (*parsed.payments, *parsed.errors))
    results, errors = [], []
    for verdict in PaymentScreener(screener).screen_stream(items, workers=workers):
        (results if isinstance(verdict, PaymentResult) else errors).append(verdict)
    opened = None
    if alerts and any(r.hits for r in results):
        snapshot_of = {s.source: s.id for s in store.latest_snapshots() if s.id is not None}
        opened = _cases_call(open_alerts, alert_hits(results, snapshot_of),
                             actor="moneytrail payments screen")
    held = [r for r in results if r.hits]
    if as_json:
        _print_json({"payments": [r.to_dict() for r in results],
                     "errors": [e.to_dict() for e in errors],
                     "alerts": opened.to_dict() if opened is not None else None})
    else:
        for error in errors:
            err.print(f"[red]rejected:[/] {escape(str(error))}")
        table = Table(title=f"{len(held):,} of {len(results):,} payments held",
                      title_justify="left")
        for col in ("file", "#", "format", "payment", "amount", "hit", "value", "listed",
                    "score"):
            table.add_column(col)
        for r in held:
            p = r.payment
            for i, hit in enumerate(r.hits):
                first = (p.source, str(p.message_index), p.format, r.payment_id,
                         f"{p.amount} {p.currency}") if i == 0 else ("",) * 5
                listed = (f"{hit.entity.caption} ({hit.entity.source})" if hit.entity
                          else f"embargoed: {hit.detail['country'].upper()}")
                table.add_row(*map(escape, first), f"{hit.kind} {hit.field}",
                              escape(hit.value), escape(listed), f"{hit.score:.2f}")
        if held:
            console.print(table)
        console.print(f"{len(results):,} payments screened: {len(results) - len(held):,} pass, "
                      f"{len(held):,} hold; {len(errors):,} messages rejected")
        if opened is not None:
            console.print(f"alerts: {len(opened.alerts_opened):,} opened, "
                          f"{len(opened.alerts_suppressed):,} suppressed by an earlier false "
                          f"positive, in case(s) {', '.join(map(str, opened.case_ids))}")
    if any(e.message_index is None for e in errors):
        raise typer.Exit(1)


graph_app = typer.Typer(help="Networks of the listed: who owns whom (the OFAC 50% rule), who "
                             "shares an address, phone, wallet or ship, and how far a party "
                             "stands from a listed one.", no_args_is_help=True)
app.add_typer(graph_app, name="graph")


def _kept_files(settings: Settings) -> list[Path]:
    """The files ``graph add`` kept, oldest first."""
    folder = settings.home / "graph"
    return sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []


def _user_graph(settings: Settings, extra: Any = None) -> tuple[Any, Any]:
    """The graph of the lists in service, with the data ``graph add`` kept and ``extra``
    (user data, e.g. a name to place) beside them; and what adding them did (None when there
    was nothing to add)."""
    from moneytrail.graph import Graph
    from moneytrail.graph.user import add_user_data_from_store, combine, read_user_edges

    store = _store(settings)
    if not store.latest_snapshots():
        err.print("[red]error:[/] no lists loaded; run [bold]moneytrail lists update[/] first")
        raise typer.Exit(1)
    datas = [read_user_edges(path) for path in _kept_files(settings)]
    if extra is not None:
        datas.append(extra)
    if not datas:
        return Graph.from_store(store), None
    added = add_user_data_from_store(store, combine(datas), _screener(settings))
    return added.graph, added


def _graph_and_id(query: str) -> tuple[Any, str]:
    """The graph (lists and kept user data) and the one node ``query`` names (an id or an
    exact name); several or none is a clear error (exit 2)."""
    graph, _ = _user_graph(Settings.from_env())
    found = graph.find(query)
    if not found:
        err.print(f"[red]error:[/] no entity with the id or the exact name {query!r}; "
                  f"find it with [bold]moneytrail screen[/]")
        raise typer.Exit(2)
    if len(found) > 1:
        err.print(f"[red]error:[/] {len(found)} entities are named {query!r}; give one id:")
        for node_id in found:
            node = graph.node(node_id)
            err.print(f"  {node_id}  {escape(node.caption)} ({node.source})")
        raise typer.Exit(2)
    return graph, found[0]


def _where(edge: Any) -> str:
    p = edge.provenance
    return f"{p.source} {p.entity_id} {p.field}"


@graph_app.command("ownership")
def graph_ownership(
    query: str = typer.Argument(..., help="An entity id (ofac_sdn:12345) or its exact name."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Stakes held on this date "
                                                               "(YYYY-MM-DD; default today)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Who owns an entity, and whether it is blocked: OFAC's 50% rule (stakes of every blocked
    owner added up, in full along a chain), with the chain of stakes that proves it; the
    look-through (multiplied) shares; and the EU/UK "owned or controlled" flag."""
    from moneytrail.graph import ownership_report

    graph, node_id = _graph_and_id(query)
    report = ownership_report(graph, node_id, as_of=as_of)
    if as_json:
        _print_json(report.to_dict())
        return
    node, status = report.node, report.status
    verdict = ("[bold red]BLOCKED[/] (listed)" if status.by_listing else
               f"[bold red]BLOCKED[/] (blocked owners hold {status.blocked_share:g}%)"
               if status.blocked else
               f"not blocked (blocked owners hold {status.blocked_share:g}%)")
    console.print(f"[bold]{escape(node.caption)}[/] ({node.id}): {verdict}")
    if status.undetermined:
        console.print("  [yellow]undetermined[/]: blocked owners hold stakes of unknown size")
    table = Table(title="owners (stakes held now)", title_justify="left")
    for col in ("owner", "share", "blocked owner", "stated in"):
        table.add_column(col)
    for stake in report.owners:
        owner = graph.node(stake.owner)
        table.add_row(escape(f"{owner.caption} ({owner.id})"),
                      "unknown" if stake.share is None else f"{stake.share:g}%",
                      "yes" if stake.owner in report.blocked_owners else "",
                      escape(_where(stake.edge)))
    console.print(table if report.owners else "  no owners stated")
    if status.proof:
        console.print("[bold]proof[/] (each stake as the list states it):")
        for stake in status.proof:
            share = "unknown" if stake.share is None else f"{stake.share:g}%"
            console.print(f"  {escape(graph.node(stake.owner).caption)} --{share}--> "
                          f"{escape(graph.node(stake.owned).caption)}  "
                          f"[dim]{escape(_where(stake.edge))}[/]")
    for owner in report.lookthrough[:10]:
        console.print(f"  look-through: {escape(graph.node(owner.owner).caption)} "
                      f"{owner.share:g}%")
    flag = report.owned_or_controlled
    console.print(f"EU/UK owned or controlled by a listed party: "
                  f"{'yes' if flag.flag else 'possibly' if flag.possible else 'no'}")


@graph_app.command("exposure")
def graph_exposure(
    query: str = typer.Argument(..., help="An entity id or its exact name."),
    max_hops: int = typer.Option(3, "--max-hops", min=1, max=6, help="Hops at most."),
    limit: int = typer.Option(20, min=1, max=1000, help="Listed parties shown at most."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """The listed parties within a few hops of an entity, best first, each with its path: a
    score that decays with each hop and depends on the kind of link (ownership > directorship >
    shared address > shared phone). A name on no list is screened first and starts from the
    list entities it matches."""
    from moneytrail.graph import exposure
    from moneytrail.graph.user import name_data, party_id

    settings = Settings.from_env()
    graph, _ = _user_graph(settings)
    ids = graph.find(query)
    if len(ids) == 1:
        node_id = ids[0]
    elif ids:
        graph, node_id = _graph_and_id(query)  # (several: names them and exits 2)
    else:  # not in the graph: screened first, linked to the list entities it matches
        graph, added = _user_graph(settings, name_data(query))
        node_id = party_id(query)
        matched = [p for p in added.parties if p.matched and p.id == node_id]
        if not as_json:
            console.print(f"{query!r} is in no list; screened: " + (", ".join(
                f"{escape(p.candidate_name or '')} ({p.candidate}, {p.score:.2f})"
                for p in matched) or "no match at the threshold"))
    found = exposure(graph, node_id, max_hops=max_hops, limit=limit)
    if as_json:
        _print_json({"id": node_id, "max_hops": max_hops, "exposure": [e.to_dict()
                                                                        for e in found]})
        return
    start = graph.node(node_id)
    console.print(f"[bold]{escape(start.caption)}[/] ({node_id}): {len(found)} listed "
                  f"part{'y' if len(found) == 1 else 'ies'} within {max_hops} hops")
    for e in found:
        target = graph.node(e.id)
        console.print(f"  {e.score:.3f}  {escape(target.caption)} ({e.id}, "
                      f"{', '.join(target.programs) or '-'}), {e.hops} hop(s)")
        for hop in e.edges:
            for edge in hop:
                console.print(f"      {escape(graph.node(edge.src).caption)} "
                              f"-[{edge.kind.value}]- {escape(graph.node(edge.dst).caption)}  "
                              f"[dim]{escape(_where(edge))}[/]")


@graph_app.command("add")
def graph_add(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="CSV (source,target,relation,share,start_date,end_date) "
                                     "or FtM JSON lines."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what it adds; keep nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Your own parties and links beside the lists: each party is screened and linked to the
    list entities it matches (a match at the threshold stands for the listed party, so its
    stakes count under the 50% rule); then shows who is blocked through them. The file is kept
    (in MONEYTRAIL_HOME/graph) and every graph command reads it from then on. Bad rows are
    named (file, line, column): such a file is not kept (exit 1); fix it and add it again."""
    import shutil
    import tempfile

    from moneytrail.graph import ofac_blocked
    from moneytrail.graph.user import read_user_edges

    settings = Settings.from_env()
    data = read_user_edges(path)
    graph, added = _user_graph(settings, data)
    mine = {p.id for p in data.parties}  # (the kept files' parties are in the graph too)
    parties = [p for p in added.parties if p.id in mine]
    kept = None
    if not dry_run and not data.errors:
        folder = settings.home / "graph"
        folder.mkdir(parents=True, exist_ok=True)
        kept = folder / f"{time.strftime('%Y%m%dT%H%M%S')}-{path.name}"
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as part:
            shutil.copyfileobj(path.open("rb"), part)  # (whole or not at all: renamed after)
        os.replace(part.name, kept)
    statuses = ofac_blocked(graph)
    blocked = sorted(n for n, st in statuses.items()
                     if n.startswith("user:") and st.blocked and not st.by_listing)
    if as_json:
        _print_json({**added.to_dict(), "parties": [p.to_dict() for p in parties],
                     "errors": [e.to_dict() for e in data.errors],
                     "blocked_by_ownership": blocked, "kept": str(kept) if kept else None})
    else:
        for error in data.errors:
            err.print(f"[red]rejected:[/] {escape(str(error))}")
        console.print(f"{path.name}: {len(parties)} parties, {len(data.links)} links; "
                      f"{len(data.errors)} rows rejected; "
                      + (f"kept as {kept}" if kept else "not kept"))
        for party in parties:
            verdict = (f"matches {escape(party.candidate_name or '')} ({party.candidate}, "
                       f"{party.score:.2f})" if party.matched else "no list match")
            console.print(f"  {escape(party.name)}: {verdict}")
        for node_id in blocked:
            console.print(f"  [bold red]BLOCKED[/] under the 50% rule: "
                          f"{escape(graph.node(node_id).caption)}")
            for stake in statuses[node_id].proof:
                share = "unknown" if stake.share is None else f"{stake.share:g}%"
                console.print(f"      {escape(graph.node(stake.owner).caption)} "
                              f"--{share}--> {escape(graph.node(stake.owned).caption)}  "
                              f"[dim]{escape(_where(stake.edge))}[/]")
    if data.errors:
        raise typer.Exit(1)


@graph_app.command("clusters")
def graph_clusters(
    program: Optional[str] = typer.Option(None, help="Only groups holding a party listed under "
                                                     "this program (DPRK matches DPRK2-4 and "
                                                     "the UN's KPi)."),
    min_size: int = typer.Option(2, "--min-size", min=2, help="Members at least."),
    limit: int = typer.Option(20, min=1, max=10_000, help="Groups shown at most."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Connected groups of parties (by ownership, directorship, any stated link, or a shared
    address, phone, passport, IMO number or wallet), largest first: their listed members and the
    unlisted ones beside them (candidate front companies)."""
    from moneytrail.graph.clusters import clusters

    graph, _ = _user_graph(Settings.from_env())
    found = clusters(graph, program=program, min_size=min_size)
    if as_json:
        _print_json({"program": program, "clusters": [c.to_dict() for c in found[:limit]],
                     "total": len(found)})
        return
    console.print(f"{len(found):,} connected group(s)"
                  f"{f' around {program}' if program else ''}; the largest {min(limit, len(found))}:")
    for i, cluster in enumerate(found[:limit], 1):
        kinds = ", ".join(f"{kind} {n}" for kind, n in cluster.edge_kinds)
        console.print(f"[bold]{i}.[/] {cluster.size} members: {len(cluster.listed)} listed, "
                      f"{len(cluster.unlisted)} not listed [dim]({kinds})[/]")
        for node in cluster.listed:
            console.print(f"    listed      {escape(node.caption)} ({node.id}, "
                          f"{', '.join(node.programs) or '-'})")
        for node in cluster.unlisted:
            console.print(f"    [yellow]not listed[/]  {escape(node.caption)} ({node.id})")


@graph_app.command("export")
def graph_export(
    output: Path = typer.Option(..., "-o", "--output", help="The file to write."),
    fmt: str = typer.Option("graphml", "--format", help="graphml, gexf or cytoscape (JSON)."),
    around: Optional[str] = typer.Option(None, help="Only this entity's neighbourhood (an id or "
                                                    "its exact name)."),
    hops: int = typer.Option(2, min=1, max=6, help="The neighbourhood's radius."),
) -> None:
    """The graph (or one entity's neighbourhood) for Gephi or Cytoscape, every node with its
    list and programs, every edge with where it is stated."""
    from moneytrail.graph.export import neighbourhood, to_cytoscape, to_gexf, to_graphml

    if fmt not in ("graphml", "gexf", "cytoscape"):
        raise typer.BadParameter("--format must be graphml, gexf or cytoscape")
    if around is not None:
        graph, node_id = _graph_and_id(around)
        nodes: Any = neighbourhood(graph, node_id, hops)
    else:
        (graph, _), nodes = _user_graph(Settings.from_env()), None
    if fmt == "graphml":
        to_graphml(graph, output, nodes)
    elif fmt == "gexf":
        to_gexf(graph, output, nodes)
    else:
        output.write_text(json.dumps(to_cytoscape(graph, nodes), ensure_ascii=False),
                          encoding="utf-8")
    count = len(nodes) if nodes is not None else len(graph)
    console.print(f"wrote {count:,} nodes to {output} ({fmt})")


@graph_app.command("show")
def graph_show(
    query: str = typer.Argument(..., help="An entity id or its exact name."),
    out: Path = typer.Option(..., "--out", help="The HTML file to write."),
    hops: int = typer.Option(2, min=1, max=4, help="The neighbourhood's radius."),
) -> None:
    """Write a self-contained page (it works offline) drawing an entity's neighbourhood:
    listed parties marked by program, links labelled, where each is stated on hover."""
    from moneytrail.graph.show import write_html

    graph, node_id = _graph_and_id(query)
    write_html(graph, node_id, out, hops=hops)
    console.print(f"wrote {out} ({out.stat().st_size / 1e3:,.0f} KB): open it in a browser")


cases_app = typer.Typer(help="Alerts from screening hits, by payment or customer; four-eyes "
                             "decisions (one analyst decides, another approves).",
                        no_args_is_help=True)
app.add_typer(cases_app, name="cases")
audit_app = typer.Typer(help="The hash-chained audit trail of alerts, decisions and list loads.",
                        no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def _cases_call(fn: Any, *args: Any, **kw: Any) -> Any:
    """Call a cases function on the store; a refusal is printed and exits 2."""
    from moneytrail.cases import CaseError

    try:
        return fn(_store(Settings.from_env()), *args, **kw)
    except CaseError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None


def _minute(stamp: Optional[str]) -> str:
    return (stamp or "")[:16].replace("T", " ")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "-"


@cases_app.command("list")
def cases_list(
    status: Optional[str] = typer.Option(None, help="open or closed (default: both)."),
    limit: int = typer.Option(50, min=1, max=1000, help="How many, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List cases, newest first, with their alerts counted by status."""
    from moneytrail.cases import list_cases

    found = _cases_call(list_cases, status=status, limit=limit)
    if as_json:
        _print_json([c.to_dict() for c in found])
        return
    table = Table(title="Cases", title_justify="left")
    for col in ("id", "subject", "status", "opened", "closed", "alerts"):
        table.add_column(col)
    for c in found:
        table.add_row(str(c.id), f"{c.subject_kind} {escape(c.subject_id)}", c.status,
                      _minute(c.opened_at), _minute(c.closed_at), _counts(c.counts))
    console.print(table)


@cases_app.command("show")
def cases_show(
    case_id: int = typer.Argument(..., help="The case's id (moneytrail cases list)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """One case: its alerts, and every decision on them."""
    from moneytrail.cases import get_case

    case = _cases_call(get_case, case_id)
    if as_json:
        _print_json(case.to_dict())
        return
    console.print(f"[bold]case {case.id}[/]: {case.subject_kind} {escape(case.subject_id)}, "
                  f"{case.status} (opened {_minute(case.opened_at)}"
                  f"{', closed ' + _minute(case.closed_at) if case.closed_at else ''}, UTC)")
    alerts = Table(title="Alerts", title_justify="left")
    for col in ("alert", "party", "entity", "version", "snapshot", "score", "match", "status"):
        alerts.add_column(col)
    decisions = Table(title="Decisions", title_justify="left")
    for col in ("decision", "alert", "disposition", "state", "by", "reviewed by", "reason / note"):
        decisions.add_column(col)
    for a in case.alerts:
        alerts.add_row(str(a.id), escape(a.party_name), a.entity_id, a.entity_version[:12],
                       str(a.snapshot_id), f"{a.score:.2f}", a.kind, a.status)
        for d in a.decisions:
            text = " / ".join(escape(t) for t in (d.reason, d.review_note) if t)
            decisions.add_row(str(d.id), str(a.id), d.disposition, d.state, escape(d.decided_by),
                              escape(d.reviewed_by or ""), text)
    console.print(alerts)
    if decisions.row_count:
        console.print(decisions)


@cases_app.command("decide")
def cases_decide(
    alert_id: int = typer.Argument(..., help="The alert's id (moneytrail cases show)."),
    actor: str = typer.Option(..., "--as", help="Who decides (your name)."),
    disposition: str = typer.Option(..., help="true_match, false_positive or escalate."),
    reason: Optional[str] = typer.Option(None, help="Why (required for false_positive)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Record a disposition of an alert; it is pending until someone else approves it."""
    from moneytrail.cases import decide

    decision = _cases_call(decide, alert_id, actor, disposition, reason)
    if as_json:
        _print_json(decision.to_dict())
        return
    console.print(f"decision [bold]{decision.id}[/] ({decision.disposition}) on alert "
                  f"{alert_id} by {escape(decision.decided_by)} is pending: a different "
                  f"person approves it with `moneytrail cases approve {decision.id} --as NAME`")


@cases_app.command("approve")
def cases_approve(
    decision_id: int = typer.Argument(..., help="The pending decision's id."),
    actor: str = typer.Option(..., "--as", help="Who approves (not who decided)."),
    note: Optional[str] = typer.Option(None, help="A note for the record."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Approve a pending decision (four eyes: not by the person who made it); it becomes final."""
    from moneytrail.cases import approve, get_alert

    decision = _cases_call(approve, decision_id, actor, note)
    if as_json:
        _print_json(decision.to_dict())
        return
    alert = _cases_call(get_alert, decision.alert_id)
    console.print(f"decision [bold]{decision.id}[/] ({decision.disposition}) is final: made by "
                  f"{escape(decision.decided_by)}, approved by {escape(decision.reviewed_by)}; "
                  f"alert {alert.id} is {alert.status}")


@cases_app.command("reject")
def cases_reject(
    decision_id: int = typer.Argument(..., help="The pending decision's id."),
    actor: str = typer.Option(..., "--as", help="Who rejects (not who decided)."),
    note: str = typer.Option(..., help="Why the decision is wrong."),
) -> None:
    """Reject a pending decision; its alert goes back for a new one."""
    from moneytrail.cases import reject

    decision = _cases_call(reject, decision_id, actor, note)
    console.print(f"decision [bold]{decision.id}[/] rejected by {escape(decision.reviewed_by)}; "
                  f"alert {decision.alert_id} awaits a new decision")


@audit_app.command("verify")
def audit_verify(
    anchor: list[str] = typer.Option([], "--anchor", help=(
        "SEQ:HASH of a record kept outside the database (as this command prints the head); "
        "proves no record up to it was cut off or rebuilt. Repeatable.")),
    chain_only: bool = typer.Option(False, "--chain-only", help=(
        "Check only the chain, not the rows of cases, alerts, decisions and snapshots.")),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Prove the audit trail: every record linked to the one before and unchanged, every row as
    recorded. Exits 1 naming the first bad record when it is not."""
    from moneytrail.store import audit

    try:
        anchors = [audit.parse_anchor(a) for a in anchor]
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    result = audit.verify(_store(Settings.from_env()).engine, anchors=anchors,
                          rows=not chain_only)
    if as_json:
        _print_json(result.to_dict())
    elif result.ok:
        console.print(f"[green]audit trail verified[/]: {result.count:,} records"
                      f"{'' if chain_only else f', {result.rows_checked:,} rows'}"
                      f"{f', {result.anchors_checked} anchor(s)' if anchors else ''}")
        console.print(f"head: {result.head_seq}:{result.head_hash}\n(keep it outside the "
                      "database; `--anchor` it next time to prove nothing was cut off the end)")
    else:
        where = f" at record {result.first_bad_seq}" if result.first_bad_seq else ""
        console.print(f"[bold red]audit trail FAILED{where}[/]: {escape(result.reason or '')}")
        for problem in result.problems[1:21]:
            console.print(f"  - {escape(problem.reason)}")
        if len(result.problems) > 21:
            console.print(f"  ... and {len(result.problems) - 21:,} more (--json lists all)")
    if not result.ok:
        raise typer.Exit(1)


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes (each holds the "
                                "index and its caches: ~500 MB with every list)."),
    no_auth: bool = typer.Option(False, "--no-auth", help="No API keys: every caller is admin. "
                                                          "Only on loopback, for local use."),
    reload_every: Optional[float] = typer.Option(
        None, help="Seconds between checks of the store for new snapshots (default "
                   "MONEYTRAIL_API_RELOAD_EVERY; 60 with several workers)."),
    log_level: str = typer.Option("info", help="debug, info, warning, error."),
) -> None:
    """Run the screening service: yente's /match and /search, Watchman's /v2/search, /v1/screen.

    This process becomes the supervisor of the workers that answer (a lean process image:
    it imports neither the matcher nor the CLI): a reload starts new workers on the new lists
    beside the old ones, which retire once the new ones answer (moneytrail.api.supervise).
    """
    from moneytrail.api.config import config_from_settings
    from moneytrail.settings import SettingsError

    if no_auth and host not in _LOOPBACK:
        err.print(f"[red]error:[/] --no-auth only listens on loopback ({', '.join(_LOOPBACK)}), "
                  f"not {host}")
        raise typer.Exit(2)
    settings = Settings.from_env()
    try:
        config = config_from_settings(settings, auth=not no_auth)
    except SettingsError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
    every = reload_every if reload_every is not None else \
        (config.reload_every or (60.0 if workers > 1 else 0.0))
    if no_auth:
        err.print("[bold red on yellow] AUTHENTICATION IS OFF (--no-auth): anyone who can reach "
                  f"{host}:{port} is admin. Local use only. [/]")
    err.print(f"starting {workers} worker{'s' if workers > 1 else ''} on http://{host}:{port} "
              f"(docs at /docs); /readyz answers 200 once the lists are loaded")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "moneytrail.api.supervise", "--host", host,
                              "--port", str(port), "--workers", str(workers), "--log-level",
                              log_level, "--reload-every", str(every),
                              *(["--no-auth"] if no_auth else [])])


if __name__ == "__main__":  # pragma: no cover
    app()
