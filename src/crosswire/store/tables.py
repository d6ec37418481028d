"""Records to Arrow tables, one per store table, for fast batch inserts (DuckDB reads Arrow directly)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pyarrow as pa

from ..model import Analysis
from ..serialize import to_jsonable

def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)



def events_table(analyses: list[Analysis]) -> pa.Table:
    """Events flattened for queries and exports, each with its full record as JSON."""
    rows: list[dict] = []
    for a in analyses:
        for i, e in enumerate(a.events):
            place = e.place.place if e.place is not None else None
            claim = e.claim
            fatalities = [q.value for q in e.quantities if q.kind == "fatalities"]
            rows.append(
                {
                    "article_id": a.article.id, "idx": i, "event_id": e.id,
                    "acled_type": e.acled_type, "acled_subtype": e.acled_subtype,
                    "plover_root": e.plover_root, "plover_mode": e.plover_mode,
                    "actor_id": e.actor.actor.id if e.actor else None,
                    "actor_name": e.actor.actor.name if e.actor else None,
                    "actor_text": e.actor.text if e.actor else None,
                    "target_id": e.target.actor.id if e.target else None,
                    "target_name": e.target.actor.name if e.target else None,
                    "target_text": e.target.text if e.target else None,
                    "place_id": place.id if place else None, "place_name": place.name if place else None,
                    "country": place.country if place else None, "admin1": place.admin1 if place else None,
                    "lat": place.lat if place else None, "lon": place.lon if place else None,
                    "place_precision": e.place.precision.value if e.place and e.place.precision else None,
                    "date_year": e.date.year if e.date else None, "date_month": e.date.month if e.date else None,
                    "date_day": e.date.day if e.date else None,
                    "date_precision": e.date.precision.value if e.date else None,
                    "date_text": e.date.expression.text if e.date else None,
                    "modality": e.modality.value, "claim_kind": claim.kind if claim else None,
                    "claimant": (claim.speaker.name if claim.speaker else claim.speaker_label) if claim else None,
                    "claimant_org": claim.organisation.name if claim and claim.organisation else None,
                    "claim_chain": " > ".join(x.name for x in claim.chain) if claim and claim.chain else None,
                    "claim_text": claim.span.text if claim else None, "trigger": e.trigger.text,
                    "fatalities": max(fatalities) if fatalities else None,
                    "evidence": " … ".join(s.text for s in e.evidence),
                    "confidence": e.confidence, "reliable": e.reliable,
                    "record": json.dumps(to_jsonable(e), ensure_ascii=False),
                }
            )  # fmt: skip
    schema = pa.schema(
        [
            ("article_id", pa.string()), ("idx", pa.int32()), ("event_id", pa.string()),
            ("acled_type", pa.string()), ("acled_subtype", pa.string()), ("plover_root", pa.string()),
            ("plover_mode", pa.string()), ("actor_id", pa.string()), ("actor_name", pa.string()),
            ("actor_text", pa.string()), ("target_id", pa.string()), ("target_name", pa.string()),
            ("target_text", pa.string()), ("place_id", pa.string()), ("place_name", pa.string()),
            ("country", pa.string()), ("admin1", pa.string()), ("lat", pa.float64()), ("lon", pa.float64()),
            ("place_precision", pa.string()), ("date_year", pa.int32()), ("date_month", pa.int32()),
            ("date_day", pa.int32()), ("date_precision", pa.string()), ("date_text", pa.string()),
            ("modality", pa.string()), ("claim_kind", pa.string()), ("claimant", pa.string()),
            ("claimant_org", pa.string()), ("claim_chain", pa.string()), ("claim_text", pa.string()),
            ("trigger", pa.string()), ("fatalities", pa.float64()), ("evidence", pa.string()),
            ("confidence", pa.float64()), ("reliable", pa.bool_()), ("record", pa.string()),
        ]
    )  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema)


def framing_tables(analyses: list[Analysis]) -> dict[str, pa.Table]:
    """The framing of each article: its record as JSON, and its spans, naming choices and attribution
    shares flattened for queries and exports. Articles without a framing add no rows."""
    framed = [a for a in analyses if a.framing is not None]
    framing = pa.table(
        {
            "article_id": pa.array([a.article.id for a in framed], pa.string()),
            "sentences": pa.array([a.framing.sentences for a in framed], pa.int32()),
            "unattributed_share": pa.array([a.framing.unattributed_share for a in framed], pa.float64()),
            "tagger": pa.array([a.framing.tagger for a in framed], pa.string()),
            "record": pa.array([json.dumps(to_jsonable(a.framing), ensure_ascii=False) for a in framed], pa.string()),
        }
    )
    # the title's spans first (sentence_idx -1, offsets into the title), then the body's
    spans = [(a.article.id, i, s) for a in framed for i, s in enumerate((*a.framing.title_spans, *a.framing.spans))]
    frame_spans = pa.table(
        {
            "article_id": pa.array([r[0] for r in spans], pa.string()),
            "idx": pa.array([r[1] for r in spans], pa.int32()),
            "kind": pa.array([r[2].kind for r in spans], pa.string()),
            "start_char": pa.array([r[2].start for r in spans], pa.int32()),
            "end_char": pa.array([r[2].end for r in spans], pa.int32()),
            "text": pa.array([r[2].text for r in spans], pa.string()),
            "sentence_idx": pa.array([r[2].sentence for r in spans], pa.int32()),
            "label": pa.array([r[2].label for r in spans], pa.string()),
            "category": pa.array([r[2].category for r in spans], pa.string()),
            "target_id": pa.array([r[2].target_id for r in spans], pa.string()),
            "target_name": pa.array([r[2].target_name for r in spans], pa.string()),
            "source": pa.array([r[2].source for r in spans], pa.string()),
            "score": pa.array([r[2].score for r in spans], pa.float64()),
            "in_quote": pa.array([r[2].in_quote for r in spans], pa.bool_()),
        }
    )
    names = [(a.article.id, i, n) for a in framed for i, n in enumerate(a.framing.naming)]
    naming = pa.table(
        {
            "article_id": pa.array([r[0] for r in names], pa.string()),
            "idx": pa.array([r[1] for r in names], pa.int32()),
            "kind": pa.array([r[2].kind for r in names], pa.string()),
            "canonical_id": pa.array([r[2].canonical_id for r in names], pa.string()),
            "canonical_name": pa.array([r[2].canonical_name for r in names], pa.string()),
            "surface": pa.array([r[2].surface for r in names], pa.string()),
            "count": pa.array([r[2].count for r in names], pa.int32()),
            "method": pa.array([r[2].method for r in names], pa.string()),
        }
    )
    shares = [(a.article.id, i, x) for a in framed for i, x in enumerate(a.framing.attribution)]
    attribution = pa.table(
        {
            "article_id": pa.array([r[0] for r in shares], pa.string()),
            "idx": pa.array([r[1] for r in shares], pa.int32()),
            "key": pa.array([r[2].key for r in shares], pa.string()),
            "label": pa.array([r[2].label for r in shares], pa.string()),
            "side": pa.array([r[2].side for r in shares], pa.string()),
            "country": pa.array([r[2].country for r in shares], pa.string()),
            "actor_type": pa.array([r[2].actor_type for r in shares], pa.string()),
            "attributed": pa.array([r[2].attributed for r in shares], pa.bool_()),
            "sentences": pa.array([len(r[2].sentences) for r in shares], pa.int32()),
            "share": pa.array([r[2].share for r in shares], pa.float64()),
            "speakers": pa.array(["; ".join(r[2].speakers) or None for r in shares], pa.string()),
        }
    )
    return {"framing": framing, "frame_spans": frame_spans, "naming_choices": naming, "attribution_shares": attribution}


def batch_tables(analyses: list[Analysis]) -> dict[str, pa.Table]:
    """Columnar tables for a batch (DuckDB ingests Arrow far faster than row-by-row inserts)."""
    now = utc_now()
    arts = [a.article for a in analyses]
    articles = pa.table(
        {
            "id": [a.id for a in arts],
            "outlet": pa.array([a.outlet for a in arts], pa.string()),
            "outlet_guess": pa.array([a.outlet_guess.name for a in arts], pa.string()),
            "outlet_confidence": pa.array([a.outlet_guess.confidence for a in arts], pa.float64()),
            "outlet_method": [a.outlet_guess.method for a in arts],
            "outlet_evidence": pa.array([a.outlet_guess.evidence for a in arts], pa.string()),
            "url": pa.array([a.url for a in arts], pa.string()),
            "title": pa.array([a.title for a in arts], pa.string()),
            "author": pa.array([a.author for a in arts], pa.string()),
            "published_year": pa.array([a.published.year for a in arts], pa.int32()),
            "published_month": pa.array([a.published.month for a in arts], pa.int32()),
            "published_day": pa.array([a.published.day for a in arts], pa.int32()),
            "published_precision": [a.published.precision.value for a in arts],
            "published_provenance": [a.published.provenance.value for a in arts],
            "published_confidence": pa.array([a.published.confidence for a in arts], pa.float64()),
            "published_evidence": pa.array([a.published.evidence for a in arts], pa.string()),
            "published_not_before": pa.array([a.published.not_before for a in arts], pa.date32()),
            "language": [a.language for a in arts],
            "source": [a.source for a in arts],
            "source_line": pa.array([a.line or 0 for a in arts], pa.int32()),
            "format": [a.format for a in arts],
            "encoding": pa.array([a.encoding for a in arts], pa.string()),
            "body": [a.body for a in arts],
            "original": [a.original for a in arts],
            "ingested_at": pa.array([now] * len(arts), pa.timestamp("us")),
        }
    )
    seg_rows = [(a.id, i, s) for a in arts for i, s in enumerate(a.segments)]
    segments = pa.table(
        {
            "article_id": [r[0] for r in seg_rows],
            "idx": pa.array([r[1] for r in seg_rows], pa.int32()),
            "kind": [r[2].kind.value for r in seg_rows],
            "text": [r[2].text for r in seg_rows],
            "start_char": pa.array([r[2].start for r in seg_rows], pa.int32()),
            "end_char": pa.array([r[2].end for r in seg_rows], pa.int32()),
            "removed": pa.array([r[2].removed for r in seg_rows], pa.bool_()),
            "reason": pa.array([r[2].reason for r in seg_rows], pa.string()),
        }
    )
    sent_rows = [(a.article.id, i, s) for a in analyses for i, s in enumerate(a.sentences)]
    sentences = pa.table(
        {
            "article_id": pa.array([r[0] for r in sent_rows], pa.string()),
            "idx": pa.array([r[1] for r in sent_rows], pa.int32()),
            "start_char": pa.array([r[2].start for r in sent_rows], pa.int32()),
            "end_char": pa.array([r[2].end for r in sent_rows], pa.int32()),
        }
    )
    ment_rows = [(a.article.id, i, m) for a in analyses for i, m in enumerate(a.mentions)]
    mentions = pa.table(
        {
            "article_id": pa.array([r[0] for r in ment_rows], pa.string()),
            "idx": pa.array([r[1] for r in ment_rows], pa.int32()),
            "start_char": pa.array([r[2].start for r in ment_rows], pa.int32()),
            "end_char": pa.array([r[2].end for r in ment_rows], pa.int32()),
            "text": pa.array([r[2].text for r in ment_rows], pa.string()),
            "label": pa.array([r[2].label for r in ment_rows], pa.string()),
            "sentence_idx": pa.array([r[2].sentence for r in ment_rows], pa.int32()),
            "canonical_id": pa.array([r[2].canonical_id for r in ment_rows], pa.string()),
        }
    )
    place_rows = [(a.article.id, i, pm) for a in analyses for i, pm in enumerate(a.places)]

    def place_col(attr: str, typ: pa.DataType) -> pa.Array:
        return pa.array([getattr(r[2].place, attr) if r[2].place else None for r in place_rows], typ)

    place_mentions = pa.table(
        {
            "article_id": pa.array([r[0] for r in place_rows], pa.string()),
            "idx": pa.array([r[1] for r in place_rows], pa.int32()),
            "start_char": pa.array([r[2].start for r in place_rows], pa.int32()),
            "end_char": pa.array([r[2].end for r in place_rows], pa.int32()),
            "text": pa.array([r[2].text for r in place_rows], pa.string()),
            "sentence_idx": pa.array([r[2].sentence for r in place_rows], pa.int32()),
            "place_id": place_col("id", pa.string()),
            "name": place_col("name", pa.string()),
            "feature_class": place_col("feature_class", pa.string()),
            "feature_code": place_col("feature_code", pa.string()),
            "country": place_col("country", pa.string()),
            "admin1": place_col("admin1", pa.string()),
            "lat": place_col("lat", pa.float64()),
            "lon": place_col("lon", pa.float64()),
            "population": place_col("population", pa.int64()),
            "source": place_col("source", pa.string()),
            "citation": place_col("citation", pa.string()),
            "precision": pa.array([r[2].precision.value if r[2].precision else None for r in place_rows], pa.string()),
            "confidence": pa.array([r[2].confidence for r in place_rows], pa.float64()),
            "reason": pa.array([r[2].reason for r in place_rows], pa.string()),
        }
    )
    actor_rows = [(a.article.id, i, am) for a in analyses for i, am in enumerate(a.actors)]
    actor_mentions = pa.table(
        {
            "article_id": pa.array([r[0] for r in actor_rows], pa.string()),
            "idx": pa.array([r[1] for r in actor_rows], pa.int32()),
            "start_char": pa.array([r[2].start for r in actor_rows], pa.int32()),
            "end_char": pa.array([r[2].end for r in actor_rows], pa.int32()),
            "text": pa.array([r[2].text for r in actor_rows], pa.string()),
            "sentence_idx": pa.array([r[2].sentence for r in actor_rows], pa.int32()),
            "actor_id": pa.array([r[2].actor.id for r in actor_rows], pa.string()),
            "name": pa.array([r[2].actor.name for r in actor_rows], pa.string()),
            "type": pa.array([r[2].actor.type.value for r in actor_rows], pa.string()),
            "country": pa.array([r[2].actor.country for r in actor_rows], pa.string()),
            "affiliation": pa.array([r[2].actor.affiliation for r in actor_rows], pa.string()),
            "parent": pa.array([r[2].actor.parent for r in actor_rows], pa.string()),
            "method": pa.array([r[2].method for r in actor_rows], pa.string()),
            "confidence": pa.array([r[2].confidence for r in actor_rows], pa.float64()),
            "role": pa.array([r[2].role for r in actor_rows], pa.string()),
        }
    )
    return {
        "events": events_table(analyses),
        "flags": pa.table(
            {
                "article_id": pa.array([a.article.id for a in analyses for _ in a.flags], pa.string()),
                "idx": pa.array([i for a in analyses for i, _ in enumerate(a.flags)], pa.int32()),
                "kind": pa.array([f.kind for a in analyses for f in a.flags], pa.string()),
                "message": pa.array([f.message for a in analyses for f in a.flags], pa.string()),
                "record": pa.array([json.dumps(to_jsonable(f)) for a in analyses for f in a.flags], pa.string()),
            }
        ),
        "actor_mentions": actor_mentions,
        "articles": articles,
        "segments": segments,
        "sentences": sentences,
        "mentions": mentions,
        "place_mentions": place_mentions,
        **framing_tables(analyses),
    }


def link_rows(assignments) -> tuple[list[list], list[tuple[str, str]]]:
    """Story assignments as the rows that row-by-row ``INSERT OR REPLACE`` in assignment order,
    each followed by ``UPDATE … SET story_id = new WHERE story_id = old`` for its merged stories,
    would leave of them, and the renames in order (for the rows stored before).

    Args:
        assignments (Iterable[StoryAssignment]): the assignments, in the order they were made.
    RETURNS (tuple[list[list], list[tuple[str, str]]]): rows ``[article_id, story_id, score, new,
        reasons JSON]`` (one per article id: a later assignment replaces an earlier one), and
        ``(new story id, old story id)`` pairs.
    """
    rows: dict[str, list] = {}
    members: dict[str, list[list]] = {}  # story id -> the rows carrying it (replaced rows may linger: unused)
    renames: list[tuple[str, str]] = []
    for a in assignments:
        rows.pop(a.article_id, None)
        row = [a.article_id, a.story_id, a.score, a.new, json.dumps(list(a.reasons))]
        rows[a.article_id] = row
        members.setdefault(a.story_id, []).append(row)
        for old in a.merged:
            renames.append((a.story_id, old))
            moved = members.pop(old, [])
            for r in moved:
                r[1] = a.story_id
            members.setdefault(a.story_id, []).extend(moved)
    return list(rows.values()), renames
