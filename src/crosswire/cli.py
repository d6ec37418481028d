"""The command line: a thin click layer over the library.

``--json`` prints exactly one JSON value on stdout; progress and logs go to stderr.
Exit codes: 0 success, 1 a data error (an input rejected, an unknown id, a store problem),
2 a usage error.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path

import click

from .config import SETTINGS, Config
from .errors import CrosswireError
from .framing.compare import compare_story
from .serialize import to_jsonable
from .store import DEFAULT_DB, EXPORT_TABLES, Store

logger = logging.getLogger("crosswire")


def _setting(name: str):
    return next(s for s in SETTINGS if s.name == name)


def db_option(f):
    """The shared ``--db PATH`` option."""
    return click.option(
        "--db", "db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False), help="The DuckDB store."
    )(f)


def json_option(f):
    """The shared ``--json`` flag."""
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON value on stdout.")(f)


def data_errors(f):
    """Turn crosswire errors into ``Error: …`` and exit code 1."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except CrosswireError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def _emit_json(value) -> None:
    click.echo(json.dumps(to_jsonable(value), ensure_ascii=False, indent=1))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="A JSON file of settings."
)
@click.version_option(package_name="crosswire")
@click.pass_context
def main(ctx: click.Context, verbose: int, config_path: str | None) -> None:
    """crosswire: a cross-checked record of what happened, where, when and who says so.

    Example:

        crosswire ingest examples/ && crosswire articles
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        ctx.obj = Config.from_file(config_path) if config_path else Config()
    except CrosswireError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@json_option
@click.option("--max-bytes", type=int, default=None, help=_setting("max_bytes").help)
@click.option("--batch-size", type=int, default=None, help=_setting("batch_size").help)
@click.option("-n", "--n-process", type=int, default=None, help=_setting("n_process").help)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_obj
@data_errors
def ingest(cfg: Config, paths, db, as_json, max_bytes, batch_size, n_process, quiet) -> None:
    """Read, clean and analyse articles into the store.

    PATHS are files (.txt, .html, .jsonl, optionally .gz), directories (read recursively), glob
    patterns, or - for standard input. Articles already stored are skipped, so re-running after an
    interruption resumes. Inputs that cannot be read are reported with their file and line, stored as
    rejections, and the rest still goes in; the exit code is then 1.

    Example:

        crosswire ingest examples/ scraped/*.html feed.jsonl --db crosswire.duckdb
    """
    from tqdm import tqdm

    from .ingest.readers import read_inputs
    from .pipeline import run
    from .resources import Resources

    cfg = cfg.override(max_bytes=max_bytes, batch_size=batch_size, n_process=n_process)
    res = Resources.load(cfg)
    totals = {"ingested": 0, "already_present": 0, "rejected": 0}
    rejections = []
    bar = tqdm(desc="ingest", unit="article", file=sys.stderr, disable=quiet or None)

    def on_batch(result) -> None:
        totals["ingested"] += len(result.analyses)
        totals["already_present"] += len(result.skipped)
        totals["rejected"] += len(result.rejections)
        rejections.extend(result.rejections)
        for r in result.rejections:
            bar.write(f"rejected {r.where}: [{r.code}] {r.reason}", file=sys.stderr)
        bar.update(len(result.analyses) + len(result.skipped) + len(result.rejections))

    with Store.open(db) as store:
        run(read_inputs(list(paths), max_bytes=cfg.max_bytes), res, cfg, store=store, on_batch=on_batch)
        counts = store.counts()
    bar.close()
    summary = {**totals, "db": db, "store": counts, "rejections": rejections}
    if as_json:
        _emit_json(summary)
    else:
        click.echo(
            f"ingested {totals['ingested']} new article(s), {totals['already_present']} already stored, "
            f"{totals['rejected']} rejected; {db} now holds {counts['articles']} article(s), "
            f"{counts['mentions']} mention(s)"
        )
    if rejections:
        sys.exit(1)


@main.command()
@db_option
@json_option
@click.option("--outlet", help="Only this outlet.")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
@click.option("--offset", type=int, default=0, show_default=True, help="Skip this many rows.")
@data_errors
def articles(db, as_json, outlet, limit, offset) -> None:
    """List stored articles as a table.

    Example:

        crosswire articles --db crosswire.duckdb --outlet "Press TV"
    """
    with Store.open(db, read_only=True) as store:
        rows = store.articles(limit=limit, offset=offset, outlet=outlet)
    if as_json:
        _emit_json(rows)
        return
    header = f"{'id':16}  {'outlet':14}  {'published':10}  {'prec':7}  {'words':>5}  {'rm':>2}  title"
    click.echo(header)
    click.echo("-" * len(header))
    for r in rows:
        title = (r.title or "(no title)")[:60]
        click.echo(
            f"{r.id:16}  {(r.outlet or '?')[:14]:14}  {(r.published or '?'):10}  {r.precision:7}  "
            f"{r.words:>5}  {r.removed:>2}  {title}"
        )
    click.echo(f"{len(rows)} article(s)", err=True)


@main.command()
@click.argument("article_id")
@db_option
@json_option
@data_errors
def show(article_id, db, as_json) -> None:
    """Show one article: metadata, clean text, removed segments with their reasons, mentions, framing.

    ARTICLE_ID is the id from `crosswire articles`, or its first characters.

    Example:

        crosswire show b5159f17 --db crosswire.duckdb
    """
    with Store.open(db, read_only=True) as store:
        analysis = store.analysis(article_id)
    if as_json:
        _emit_json(analysis)
        return
    a = analysis.article
    g = a.outlet_guess
    pd = a.published
    click.echo(click.style(a.title or "(no title)", bold=True))
    click.echo(f"id:        {a.id}")
    click.echo(
        f"outlet:    {a.outlet or 'unknown'}"
        + (f"  (guess {g.name!r} by {g.method}, confidence {g.confidence:.2f}: {g.evidence})" if g.name else "")
    )
    month_note = f" (month {pd.month}, year not stated)" if pd.month and not pd.year else ""
    click.echo(
        f"published: {pd.iso or 'unknown'}{month_note}  precision={pd.precision.value} "
        f"provenance={pd.provenance.value} confidence={pd.confidence:.2f}" + (f"  [{pd.evidence}]" if pd.evidence else "")
    )
    if a.url:
        click.echo(f"url:       {a.url}")
    click.echo(f"source:    {a.source}" + (f":{a.line}" if a.line else "") + f"  ({a.format}, {a.encoding})")
    click.echo("")
    click.echo(a.body)
    captions = [s for s in a.segments if s.kind.value == "caption"]
    if captions:
        click.echo("\nCaptions (kept, not body):")
        for s in captions:
            click.echo(f"  - {s.text}")
    if a.removed:
        click.echo("\nRemoved:")
        for s in a.removed:
            click.echo(f"  - [{s.kind.value}] {s.text!r}\n      reason: {s.reason}")
    if analysis.places:
        click.echo(f"\nPlaces ({len(analysis.places)}):")
        for pm in analysis.places:
            if pm.place is None:
                click.echo(f"  {pm.text!r:28} unresolved ({pm.reason})")
                continue
            p = pm.place
            where = ", ".join(x for x in (p.admin1, p.country) if x)
            click.echo(
                f"  {pm.text!r:28} {p.name} [{p.id}, {p.feature_code}, {where}] {p.lat:.4f},{p.lon:.4f} "
                f"precision={pm.precision.value if pm.precision else '?'} confidence={pm.confidence:.2f}"
                + (f"  ({pm.reason})" if pm.reason else "")
            )
    if analysis.flags:
        click.echo(f"\nFlags ({len(analysis.flags)}):")
        for f in analysis.flags:
            click.echo(f"  [{f.kind}] {f.message}")
            for sp in f.evidence:
                click.echo(f"      evidence: {sp.text!r}")
    if analysis.events:
        click.echo(f"\nEvents ({len(analysis.events)}):")
        for e in analysis.events:
            click.echo(f"  {e.id}: " + _describe_event(e))
            for sp in e.evidence:
                click.echo(f"      evidence: {sp.text!r}")
    if analysis.actors:
        click.echo(f"\nActors ({len(analysis.actors)}):")
        by_actor: dict[str, list] = {}
        for am in analysis.actors:
            by_actor.setdefault(am.actor.id, []).append(am)
        for ams in by_actor.values():
            actor = ams[0].actor
            names = sorted({am.text for am in ams})
            click.echo(
                f"  {actor.name} [{actor.id}, {actor.type.value}{', ' + actor.country if actor.country else ''}]"
                f" ×{len(ams)}: " + "; ".join(names)
            )
    if analysis.framing is not None:
        _echo_framing(analysis)
    click.echo(f"\nMentions ({len(analysis.mentions)}):")
    by_label: dict[str, dict[str, int]] = {}
    for m in analysis.mentions:
        by_label.setdefault(m.label, {}).setdefault(m.text, 0)
        by_label[m.label][m.text] += 1
    for label in sorted(by_label):
        names = sorted(by_label[label].items(), key=lambda kv: (-kv[1], kv[0]))
        click.echo(f"  {label:9} " + "; ".join(f"{n}" + (f" ×{c}" if c > 1 else "") for n, c in names))


def _echo_framing(analysis) -> None:
    """One article's framing: naming, labels with targets, loaded language, scare quotes, hedges, sources."""
    f = analysis.framing
    click.echo("\nFraming:")
    by_entity: dict[tuple[str, str], list] = {}
    for n in f.naming:
        by_entity.setdefault((n.kind, n.canonical_name), []).append(n)
    named = [(k, v) for k, v in by_entity.items() if len(v) > 1 or v[0].surface != k[1]][:12]
    if named:
        click.echo("  naming:")
        for (kind, name), forms in named:
            click.echo(f"    {name} [{kind}]: " + "; ".join(f"{n.surface} ×{n.count}" for n in forms))
    kinds = (("label", "labels"), ("loaded", "loaded language"), ("name_calling", "name calling"),
             ("scare_quote", "scare quotes"), ("hedge", "hedges"), ("gloss", "glosses"))  # fmt: skip
    for kind, title in kinds:
        spans = [s for s in f.spans if s.kind == kind]
        if not spans:
            continue
        items = []
        for s in spans:
            item = repr(s.text)
            if s.target_name:
                item += f" → {s.target_name}"
            if s.in_quote:
                item += " (quoted)"
            if s.source != "lexicon":
                item += f" [{s.source}]"
            items.append(item)
        click.echo(f"  {title} ({len(spans)}): " + "; ".join(items))
    if f.title_spans:
        click.echo("  in the title: " + "; ".join(
            f"{s.kind} {s.text!r}" + (f" → {s.target_name}" if s.target_name else "") for s in f.title_spans
        ))  # fmt: skip
    if f.skipped:
        click.echo(f"  note: {f.skipped}")
    click.echo(f"  sources ({f.unattributed_share:.0%} of {f.sentences} sentences name none):")
    for share in f.attribution:
        who = f" ({', '.join(share.speakers[:3])})" if share.speakers and share.attributed else ""
        click.echo(f"    {share.share:>4.0%}  {share.label} [{share.side}]{who}")


def _describe_event(e) -> str:
    """One line about an event: type, who, whom, where, when, numbers, modality, who says so."""
    kind = " / ".join(x for x in (e.acled_type, e.acled_subtype) if x) or "?"
    parts = [f"{kind} [{e.plover_root or '?'}]" + ("" if e.reliable else " (type uncertain)")]
    parts.append(f"{e.actor.actor.name if e.actor else '?'} → {e.target.actor.name if e.target else '?'}")
    if e.place is not None and e.place.place is not None:
        parts.append(f"at {e.place.place.name} [{e.place.place.id}]")
    if e.date is not None:
        parts.append(f"on {e.date.iso or '?'} ({e.date.expression.text!r}: {e.date.resolution})")
    if e.quantities:
        parts.append(", ".join(f"{q.kind}={'~' if q.approximate else ''}{q.value:g}" for q in e.quantities))
    claims = e.claims or ((e.claim,) if e.claim else ())
    if claims:
        says = []
        for claim in claims:
            if claim.kind == "unattributed":
                says.append(f"unattributed ({claim.span.text!r})")
                continue
            who = claim.speaker.name if claim.speaker else (claim.speaker_label or "?")
            org = f" ({claim.organisation.name})" if claim.organisation and claim.organisation != claim.speaker else ""
            via = f" via {' > '.join(a.name for a in claim.chain)}" if claim.chain else ""
            says.append(f"{who}{org}{via} [{claim.kind}]")
        parts.append(f"{e.modality.value}: says " + " + ".join(says))
    else:
        parts.append(e.modality.value)
    parts.append(f"confidence {e.confidence:.2f}")
    return "; ".join(parts)


@main.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "csv", "jsonl", "acled", "plover", "geojson"]),
    required=True,
    help="parquet, csv or jsonl export a table; acled (ACLED-style CSV), plover (PLOVER JSON Lines) and "
    "geojson (points) export the events.",
)
@click.option("--table", type=click.Choice(EXPORT_TABLES), default="articles", show_default=True, help="What to export.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="The file to write (default: TABLE.FORMAT).")
@json_option
@data_errors
def export(db, fmt, table, output, as_json) -> None:
    """Export a table of the store, or the events in an analysts' format.

    Example:

        crosswire export --format parquet --table mentions -o mentions.parquet

        crosswire export --format acled -o events.csv
    """
    from .export import EVENT_FORMATS, write_events

    suffix = {"acled": "csv", "plover": "jsonl", "geojson": "geojson"}
    if fmt in EVENT_FORMATS:
        table = "events"
        output = output or f"events.{fmt}.{suffix[fmt]}"
    output = output or f"{table}.{fmt}"
    with Store.open(db, read_only=True) as store:
        n = write_events(store.events(), fmt, output) if fmt in EVENT_FORMATS else store.export(table, fmt, output)
    if as_json:
        _emit_json({"table": table, "format": fmt, "output": output, "rows": n})
    else:
        click.echo(f"wrote {n} row(s) of {table} to {output}")


@main.command()
@click.argument("story_id", required=False)
@db_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="The HTML file to write.")
@click.option("--largest", is_flag=True, help="The dossier of the story with the most articles.")
@json_option
@data_errors
def report(story_id, db, output, largest, as_json) -> None:
    """Write an HTML file: a story's dossier, or a report of every stored article.

    With STORY_ID (the id or a unique prefix of it, see `crosswire stories`) or --largest, the file is the
    story's dossier: the timeline with corroboration, a map of its places, the outlets side by side, who is
    cited, how each outlet names things, and every article with its sentences linked. One self-contained
    file: no scripts, nothing fetched, printable. Without either, every stored article is reported.

    Example:

        crosswire report story-b515 --db crosswire.duckdb -o dossier.html
    """
    from .report import load_dossier, render_dossier, render_report
    from .report.dossier import resolve_story

    with Store.open(db, read_only=True) as store:
        if story_id is not None or largest:
            sid = resolve_story(store, story_id, largest=largest)
            dossier = load_dossier(store, sid)
            html = render_dossier(dossier, db=db)
            n, what = len(dossier.articles), f"the dossier of story {sid}"
        else:
            sid = None
            analyses = [store.analysis(r.id) for r in store.articles()]
            html = render_report(analyses, db=db)
            n, what = len(analyses), "a report"
    Path(output).write_text(html, encoding="utf-8")
    if as_json:
        _emit_json({"output": output, "story": sid, "articles": n, "bytes": len(html.encode("utf-8"))})
    else:
        click.echo(f"wrote {what} ({n} article(s)) to {output}")


@main.command()
@db_option
@json_option
@click.option("--type", "event_type", help="An ACLED type or sub-type, or a PLOVER root (Battles, ACCUSE …).")
@click.option("--actor", help="An actor id or part of its name (as actor or target).")
@click.option("--place", help="A place id, or part of a place, province or country name.")
@click.option("--outlet", help="Only events from this outlet.")
@click.option("--since", help="On or after this date (2017-10 or 2017-10-01).")
@click.option("--until", help="On or before this date.")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
@click.option("--offset", type=int, default=0, show_default=True, help="Skip this many rows.")
@data_errors
def events(db, as_json, event_type, actor, place, outlet, since, until, limit, offset) -> None:
    """List stored events with who did what to whom, where, when and who says so.

    Example:

        crosswire events --type Battles --place "Dayr az Zawr" --since 2017-09
    """
    with Store.open(db, read_only=True) as store:
        rows = store.events(
            event_type=event_type, actor=actor, place=place, outlet=outlet, since=since, until=until,
            limit=limit, offset=offset,
        )  # fmt: skip
    if as_json:
        _emit_json(rows)
        return
    for r in rows:
        kind = " / ".join(x for x in (r.acled_type, r.acled_subtype) if x) or "?"
        flag = "" if r.reliable else " (type uncertain)"
        who = f"{r.actor or '?'} → {r.target or '?'}"
        when = r.date or (f"[{r.date_text}]" if r.date_text else "?")
        if r.claim_kind == "unattributed":
            says = "unattributed reports"
        else:
            says = f"{r.claimant or 'the outlet'}" + (f" via {r.claim_chain}" if r.claim_chain else "")
        click.echo(
            f"{r.article_id[:8]}:{r.event_id:4} {when:10} {kind}{flag} [{r.plover_root or '?'}] {who} "
            f"@ {r.place or '?'} — {r.modality}, says {says} ({r.outlet or 'unknown outlet'})"
        )
    click.echo(f"{len(rows)} event(s)", err=True)


@main.command()
@db_option
@json_option
@data_errors
def stories(db, as_json) -> None:
    """List stories: outlets, article count, date span and main places.

    Example:

        crosswire stories --db crosswire.duckdb
    """
    with Store.open(db, read_only=True) as store:
        items = store.story_list()
    if as_json:
        _emit_json(items)
        return
    for s in items:
        click.echo(
            f"{s.id}  {s.articles} article(s)  {', '.join(s.outlets) or '?'}  "
            f"{s.first_seen or '?'} .. {s.last_seen or '?'}  {', '.join(s.places)}"
        )
    click.echo(f"{len(items)} stor{'y' if len(items) == 1 else 'ies'}", err=True)


@main.command()
@click.argument("story_id")
@db_option
@json_option
@data_errors
def story(story_id, db, as_json) -> None:
    """Show a story: the timeline of merged events with corroboration, contradictions, articles, and
    how each outlet frames it (naming, labels, claims carried, loaded language).

    Example:

        crosswire story story-b5159f17b276 --db crosswire.duckdb
    """
    with Store.open(db, read_only=True) as store:
        s = store.story(story_id)
        analyses = [store.analysis(aid) for aid in s.article_ids]
    titles = {a.article.id: a.article for a in analyses}
    comparison = compare_story(s, analyses)
    if as_json:
        _emit_json({**to_jsonable(s), "framing": to_jsonable(comparison)})
        return
    click.echo(click.style(f"Story {s.id}", bold=True) + f": {len(s.article_ids)} article(s) from "
               f"{', '.join(o or '?' for o in s.outlets)}, {s.first_seen or '?'} .. {s.last_seen or '?'}")
    click.echo("\nTimeline:")
    for e in s.events:
        c = e.corroboration
        when = (f"{e.date_from}" + (f"..{e.date_to}" if e.date_to and e.date_to != e.date_from else "")) if e.date_from else "undated"
        kind = e.acled_subtype or e.acled_type or e.plover_root or "?"
        click.echo(
            f"  {when:22} {kind}{' (' + e.stage + ')' if e.stage else ''}: {e.actor_id or '?'} → {e.target_id or '?'}"
            f" @ {e.place.name if e.place else '?'} — {c.articles} article(s), {len(c.outlets)} outlet(s), "
            f"{c.independent} independent origin(s)"
        )
        for o in c.origins:
            click.echo(f"      origin {o.label}: {', '.join(x or '?' for x in o.outlets)}")
        for m in e.mentions:
            click.echo(f"      [{m.outlet or '?'}] {m.event.evidence[0].text[:140]!r}")
    if s.contradictions:
        click.echo("\nContradictions:")
        for x in s.contradictions:
            click.echo(f"  [{x.kind}] {x.message}")
    for note in s.notes:
        click.echo(f"note: {note}")
    click.echo("\nArticles:")
    for aid, a in titles.items():
        click.echo(f"  {aid}  {a.outlet or '?'}  {a.published.iso or '?'}  {a.title or a.body[:70]}")
    _echo_story_framing(comparison)


def _forms(forms, limit: int = 6) -> str:
    return "; ".join(f"{f.surface}" + (f" ×{f.count}" if f.count > 1 else "") for f in forms[:limit]) + (
        " …" if len(forms) > limit else ""
    )


def _echo_story_framing(c) -> None:
    """The framing comparison of a story, outlet by outlet (the text twin of ``story --json``'s "framing")."""
    click.echo(click.style("\nFraming, side by side:", bold=True))
    for o in c.per_outlet:
        click.echo(
            f"  {o.outlet}: {len(o.article_ids)} article(s), {len(o.events)} event(s) reported, "
            f"{len(o.only_here)} only here; {o.unattributed_share:.0%} of {o.sentences} sentences name no source"
        )
        for g in o.claims[:8]:
            who = ", ".join(g.speakers[:3])
            click.echo(f"      claims from {g.label} [{g.side}] ×{g.count}" + (f" ({who})" if who else ""))
    if c.shared_claimants:
        click.echo(f"  claimants every outlet carries: {', '.join(c.shared_claimants)}")
    differ = [r for r in c.naming if r.differs]
    if differ:
        click.echo("\nNaming (where the outlets differ):")
        for r in differ[:15]:
            click.echo(f"  {r.canonical_name} [{r.kind} {r.canonical_id}]")
            for o in r.outlets:
                notes = "".join(f" ({t})" for t in o.notes)
                click.echo(f"      {o.outlet:12} {_forms(o.forms)}{notes}")
    if c.labels:
        click.echo("\nLabels (whom each outlet applies them to):")
        for r in c.labels:
            parts = [f"{o.outlet}: {_forms(o.forms, 3)}" for o in r.outlets]
            click.echo(f"  {r.label:18} {' | '.join(parts)}")
    loaded = [h for h in c.highlights if h.kind in ("loaded", "name_calling", "scare_quote")]
    if loaded:
        click.echo("\nLoaded language, name calling and scare quotes:")
        for h in loaded:
            ev = h.evidence
            snippet = ev.text[max(0, ev.start - 50) : ev.end + 50].replace("\n", " ")
            mark = "(in a quotation) " if h.in_quote else ""
            click.echo(f"  [{h.outlet}] {h.kind}/{h.label} ({h.source}) {mark}{h.text!r}: …{snippet}…")
    for note in c.notes:
        click.echo(f"note: {note}")


@main.command()
@db_option
@json_option
@data_errors
def rejections(db, as_json) -> None:
    """List the inputs that were rejected, with file, line, stage and reason.

    Example:

        crosswire rejections --db crosswire.duckdb
    """
    with Store.open(db, read_only=True) as store:
        rows = store.rejections()
    if as_json:
        _emit_json(rows)
        return
    for r in rows:
        click.echo(f"{r.where}: [{r.stage}/{r.code}] {r.reason}")
    click.echo(f"{len(rows)} rejection(s)", err=True)


def _register_optional_groups() -> None:
    """Add the eval and bench groups (kept in their own modules)."""
    from .benchmark import bench_group
    from .eval import eval_group
    from .places.cli import gazetteer_group
    from .server.cli import serve

    main.add_command(bench_group)
    main.add_command(eval_group)
    main.add_command(gazetteer_group)
    main.add_command(serve)


if __name__ == "__main__":
    # ``python -m crosswire.cli``: run the package's module, not this copy of it (the command modules
    # import their shared options from ``crosswire.cli``, which must be one module).
    from crosswire.cli import main as _main

    _main()
else:
    _register_optional_groups()
