#!/usr/bin/env bash
# Throughput benchmark (not run by CI): crosswire's whole job against bare spaCy on the same texts.
# Prints one JSON object per run on stdout (progress on stderr); see docs/BENCHMARKS.md.
#
#   bench/throughput.sh [PATH] [extra options…]     PATH defaults to ../shared/bench
#
# Runs once with one process and once with two (spaCy's n_process), then a short cProfile of the
# single-process run over the first 300 articles into bench-throughput.prof (open with
# `python -m pstats bench-throughput.prof`).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
DATA=${1:-../shared/bench}
shift || true
echo "nproc: $(nproc)" >&2
"$BIN/crosswire" bench throughput "$DATA" --json "$@"
"$BIN/crosswire" bench throughput "$DATA" --json --n-process 2 "$@"
"$BIN/python" -m cProfile -o bench-throughput.prof -m crosswire.cli bench throughput "$DATA" --json --limit 300 "$@"
