"""Plot the linking cost per block of records against the number already linked (an SVG, no plotting library).

    .venv/bin/python bench/plot_linking_scale.py build/linking_scale.json -o build/linking_scale.svg

The input is the JSON object ``bench/linking_scale.py`` prints. A flat line means the per-article cost
does not grow with the store. Wall-clock seconds are drawn in blue and, when the result has them, CPU
seconds of the linking process in orange (on a shared machine the gap between them is the other jobs).
"""

from __future__ import annotations

import argparse
import json
from html import escape

W, H = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 50


def _nice_max(v: float) -> float:
    for step in (1, 2, 2.5, 5, 10):
        for e in range(-3, 10):
            top = step * 10**e
            if top >= v:
                return top
    return v


def plot(result: dict) -> str:
    """Render the SVG.

    Args:
        result (dict): the benchmark's JSON object.
    RETURNS (str): the SVG document.
    """
    blocks = result["blocks"]
    block = result["config"]["block"]
    xs = [b["linked_before"] for b in blocks]
    ys = [b["seconds"] * 10_000 / max(1, b["records"]) for b in blocks]  # seconds per 10k records
    cpu = [b["cpu_seconds"] * 10_000 / max(1, b["records"]) for b in blocks] if "cpu_seconds" in blocks[0] else None
    x_max = _nice_max(max(xs) + block)
    y_max = _nice_max(max(ys + (cpu or [])) * 1.1)
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + pw * x / x_max

    def py(y: float) -> float:
        return TOP + ph * (1 - y / y_max)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>',
        f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="14">'
        f"Story linking: seconds per 10k records vs records already linked</text>",
    ]
    for i in range(6):
        y = y_max * i / 5
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
        x = x_max * i / 5
        out.append(f'<text x="{px(x):.1f}" y="{H - BOTTOM + 18}" text-anchor="middle">{x:,.0f}</text>')
    out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{py(0)}" y2="{py(0)}" stroke="#333"/>')
    out.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{py(0)}" stroke="#333"/>')
    for series, colour, label in ((ys, "#1f5fa8", "wall clock"), (cpu, "#d9730d", "CPU")):
        if series is None:
            continue
        pts = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, series))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        out.append(
            f'<text x="{px(xs[-1]):.1f}" y="{py(series[-1]) - 6:.1f}" text-anchor="end" fill="{colour}">{label}</text>'
        )
    out.append(f'<text x="{W / 2}" y="{H - 10}" text-anchor="middle">records already linked</text>')
    out.append(
        f'<text x="16" y="{TOP + ph / 2}" text-anchor="middle" transform="rotate(-90 16 {TOP + ph / 2})">'
        "seconds per 10k records</text>"
    )
    cpu_note = f" ({result['cpu_seconds']:,.0f} s CPU)" if "cpu_seconds" in result else ""
    load_note = f", load {result['load']['mean']:.1f}" if "load" in result else ""
    note = (
        f"{result['articles']:,} records in {result['seconds']:,.0f} s{cpu_note}{load_note}, "
        f"peak RSS {result['peak_rss_mb']:,.0f} MB, B-cubed F1 {result['bcubed']['f1']}"
    )
    out.append(f'<text x="{W - RIGHT}" y="{TOP - 6}" text-anchor="end" fill="#555">{escape(note)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("result", help="the JSON file bench/linking_scale.py wrote (--out)")
    ap.add_argument("-o", "--output", required=True, help="the SVG file to write")
    args = ap.parse_args(argv)
    with open(args.result, encoding="utf-8") as fh:
        result = json.load(fh)
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(plot(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
