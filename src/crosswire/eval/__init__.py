"""Benchmarks: ``crosswire eval …`` commands, thin click wrappers over the evaluators.

``eval_group`` is registered on the main CLI by ``cli.py``. With ``--json`` each command prints
exactly one JSON object on stdout; progress and logs go to stderr.
"""

from __future__ import annotations

import json
import logging

import click

from ..errors import CrosswireError
from .extraction import FORMATS, SYSTEMS, ExtractionScores, evaluate_extraction, get_system
from .arguments import arguments_cmd
from .basil import basil_cmd
from .events import events_cmd
from .framing import framing_cmd
from .geo import geo_cmd
from .similarity import similarity_cmd

__all__ = ["eval_group", "evaluate_extraction", "ExtractionScores"]


@click.group(name="eval")
def eval_group() -> None:
    """Score crosswire on a benchmark's gold data.

    Example: crosswire eval extraction --format trafilatura evaldata.json --html html.tar.gz --json
    """


@eval_group.command(name="extraction")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help="Gold format: trafilatura (evaldata.json, snippet metric) or scrapinghub (ground-truth.json, shingle metric).",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(exists=False, path_type=str),
    required=True,
    help="The pages: a folder, or a .tar.gz (trafilatura: members eval/<file> and cache/<file>).",
)
@click.option(
    "--system",
    "system_name",
    type=click.Choice(sorted(SYSTEMS)),
    default="crosswire",
    show_default=True,
    help="crosswire (extract_html + clean, the body) or plain trafilatura.extract, for comparison.",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Score only the first N documents.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def extraction_cmd(
    gold: str, fmt: str, html_path: str, system_name: str, limit: int | None, jobs: int, as_json: bool, quiet: bool
) -> None:
    """Score main-text extraction on a benchmark (precision, recall, F1, accuracy).

    GOLD is evaldata.json (--format trafilatura) or ground-truth.json (--format scrapinghub).

    Example: crosswire eval extraction --format trafilatura evaldata.json --html html.tar.gz --json
    """
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        scores = evaluate_extraction(
            gold,
            html_path,
            fmt=fmt,  # type: ignore[arg-type]
            system=get_system(system_name),
            system_name=system_name,
            limit=limit,
            jobs=jobs,
            progress=not quiet,
        )
    except CrosswireError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(scores.to_dict(), sort_keys=False))
        return
    click.echo(f"{scores.format} benchmark, system {scores.system}: {scores.n} documents")
    click.echo(f"{'precision':<10} {'recall':<10} {'f1':<10} {'accuracy':<10}")
    click.echo(f"{scores.precision:<10.3f} {scores.recall:<10.3f} {scores.f1:<10.3f} {scores.accuracy:<10.3f}")
    if scores.tp is not None:
        click.echo(f"TP {scores.tp}  FP {scores.fp}  FN {scores.fn}  TN {scores.tn}")
    click.echo(f"failures {scores.failures}  empty outputs {scores.empty}  missing pages {scores.missing}")


eval_group.add_command(geo_cmd)
eval_group.add_command(events_cmd)
eval_group.add_command(arguments_cmd)
eval_group.add_command(similarity_cmd)
eval_group.add_command(framing_cmd)
eval_group.add_command(basil_cmd)
