"""``crosswire gazetteer``: build the gazetteer index and look names up in it (a thin click layer)."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

import click

from .gazetteer import Gazetteer, GazetteerError, default_path


@click.group(name="gazetteer")
def gazetteer_group() -> None:
    """Build and query the offline gazetteer (GeoNames data, CC-BY 4.0).

    Example: crosswire gazetteer lookup "Dayr al-Zawr"
    """


@gazetteer_group.command(name="build")
@click.option("--geonames-dump", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The full GeoNames dump (allCountries.zip) to use instead of the packaged subsets.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Index folder (default: $CROSSWIRE_DATA_DIR/gazetteer-v1 or ~/.cache/crosswire/gazetteer-v1).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def build_cmd(geonames_dump: Path | None, out_dir: Path | None, as_json: bool) -> None:
    """Compile the gazetteer index from GeoNames data and the curated supplement.

    Example: crosswire gazetteer build --out ./gazetteer-v1
    """
    start = time.perf_counter()
    try:
        path = Gazetteer.build(out_dir or default_path(), geonames_dump=geonames_dump, progress=not as_json)
        gaz = Gazetteer.load(path)
    except GazetteerError as exc:
        raise click.ClickException(str(exc)) from exc
    size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    info = {
        "path": str(path),
        "places": gaz.meta["places"],
        "names": gaz.meta["names"],
        "source": gaz.meta["source"],
        "seconds": round(time.perf_counter() - start, 1),
        "bytes": size,
    }
    if as_json:
        click.echo(json.dumps(info))
    else:
        click.echo(f"Built {info['places']} places ({info['names']} names, {size / 1e6:.0f} MB) at {path} in {info['seconds']} s")


@gazetteer_group.command(name="lookup")
@click.argument("name")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Index folder (default: the one `gazetteer build` writes).")
@click.option("--limit", type=int, default=10, show_default=True, help="At most this many candidates.")
@click.option("--no-fuzzy", is_flag=True, help="Only exact, key and skeleton matches.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def lookup_cmd(name: str, index_dir: Path | None, limit: int, no_fuzzy: bool, as_json: bool) -> None:
    """Print the gazetteer candidates for a place name, best match first.

    Example: crosswire gazetteer lookup "Al-Mayadeen" --json
    """
    try:
        gaz = Gazetteer.load(index_dir)
    except GazetteerError as exc:
        raise click.ClickException(str(exc)) from exc
    found = gaz.candidates(name, limit=limit, fuzzy=not no_fuzzy)
    if as_json:
        click.echo(json.dumps({"name": name, "candidates": [
            {**asdict(c.place), "matched_name": c.matched_name, "match": c.match, "edits": c.edits} for c in found
        ]}, ensure_ascii=False))
        return
    if not found:
        click.echo(f"No gazetteer entry matches {name!r}.")
        return
    for c in found:
        p = c.place
        where = ", ".join(x for x in (p.admin1, p.country) if x)
        click.echo(f"{p.id:>12}  {p.name} ({p.feature_code}; {where})  {p.lat:.4f},{p.lon:.4f}  pop {p.population}  "
                   f"[{c.match}{'+' + str(c.edits) if c.edits else ''}: {c.matched_name}]")
