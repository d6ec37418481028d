"""Framing: naming choices, labels, loaded language and propaganda spans, per-outlet comparison."""
