"""Write stored events as ACLED-style CSV, PLOVER JSON Lines or GeoJSON points.

Each row keeps the article id, the outlet, who claims the event and the evidence sentence, so a
reader of the export can go back to the text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from ..store import EventRow

EVENT_FORMATS = ("acled", "plover", "geojson")

#: ACLED's time_precision: 1 = day, 2 = week/month, 3 = month or more.
_TIME_PRECISION = {"day": 1, "month": 2, "year": 3}
#: ACLED's geo_precision: 1 = the place itself, 2 = near it / a district, 3 = a region or country.
_GEO_PRECISION = {"site": 1, "city": 1, "admin2": 2, "admin1": 3, "region": 3, "country": 3}

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
    "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source",
    "notes", "fatalities", "tags", "plover_root", "modality", "confidence", "article_id",
)  # fmt: skip


def _acled_row(r: EventRow) -> dict:
    source = "; ".join(x for x in (r.outlet, r.claim_chain, r.claimant) if x)
    return {
        "event_id_cnty": f"{r.article_id}:{r.event_id}",
        "event_date": r.date or "",
        "year": r.date[:4] if r.date else "",
        "time_precision": _TIME_PRECISION.get(r.date_precision or "", ""),
        "event_type": r.acled_type or "",
        "sub_event_type": r.acled_subtype or "",
        "actor1": r.actor or "",
        "actor2": r.target or "",
        "country": r.country or "",
        "admin1": r.admin1 or "",
        "location": r.place or "",
        "latitude": "" if r.lat is None else f"{r.lat:.5f}",
        "longitude": "" if r.lon is None else f"{r.lon:.5f}",
        "geo_precision": _GEO_PRECISION.get(r.place_precision or "", ""),
        "source": source,
        "notes": r.evidence,
        "fatalities": "" if r.fatalities is None else int(r.fatalities),
        "tags": "" if r.reliable else "low-confidence type",
        "plover_root": r.plover_root or "",
        "modality": r.modality,
        "confidence": f"{r.confidence:.2f}",
        "article_id": r.article_id,
    }


def _plover_record(r: EventRow) -> dict:
    # PLOVER's event data fields (event, mode, context, actor, recipient, date, location, event_text),
    # plus crosswire's provenance fields.
    return {
        "id": f"{r.article_id}:{r.event_id}",
        "date": r.date,
        "date_precision": r.date_precision,
        "event": r.plover_root,
        "mode": r.plover_mode,
        "context": [],
        "actor": r.actor_id,
        "actor_name": r.actor,
        "recipient": r.target_id,
        "recipient_name": r.target,
        "location": {
            "geonameid": r.place_id,
            "place_name": r.place,
            "admin1": r.admin1,
            "country": r.country,
            "lat": r.lat,
            "lon": r.lon,
        },
        "event_text": r.evidence,
        "source": r.outlet,
        "claimant": r.claimant,
        "claim_chain": r.claim_chain,
        "modality": r.modality,
        "acled_type": r.acled_type,
        "acled_subtype": r.acled_subtype,
        "confidence": r.confidence,
    }


def write_events(rows: Iterable[EventRow], fmt: str, path: str | Path) -> int:
    """Write events to a file.

    Args:
        rows (Iterable[EventRow]): stored events (``Store.events()``).
        fmt (str): "acled", "plover" or "geojson".
        path (str | Path): the output file.
    RETURNS (int): the number of events written (GeoJSON: those with coordinates).
    Raises:
        ValueError: for an unknown format.
    """
    rows = list(rows)
    path = Path(path)
    if fmt == "acled":
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS)
            writer.writeheader()
            writer.writerows(_acled_row(r) for r in rows)
        return len(rows)
    if fmt == "plover":
        with path.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(_plover_record(r), ensure_ascii=False) + "\n")
        return len(rows)
    if fmt == "geojson":
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                "properties": _acled_row(r),
            }
            for r in rows
            if r.lat is not None and r.lon is not None
        ]
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")
        return len(features)
    raise ValueError(f"Unknown event format {fmt!r}; choose one of {', '.join(EVENT_FORMATS)}")
