"""`crosswire bench …`: speed and memory measurements (see DESIGN.md, benchmark contract)."""

from __future__ import annotations

import click


@click.group("bench")
def bench_group() -> None:
    """Measure speed and memory.

    Example:

        crosswire bench throughput ../shared/bench --json
    """
