"""Scale benchmark for incremental story linking (issue 5): N synthetic article records, one process.

Run (not a CI test; about 10 minutes for a million records on 2 cores):

    .venv/bin/python bench/linking_scale.py --articles 1000000 --out build/linking_scale.json
    .venv/bin/python bench/plot_linking_scale.py build/linking_scale.json -o build/linking_scale.svg

It feeds ``StoryIndex.assign_features`` (the same code ``crosswire ingest`` links with) one record at a
time, in publication order, and prints one JSON object: the total linking time, the time of every
block of ``--block`` records against the number of records already linked (the per-article cost must
stay flat as the store grows), the peak resident memory, and how well the synthetic stories were
recovered (B-cubed precision/recall/F1 against the generating story of each record).

Times are given twice: wall clock and CPU seconds of this process (``time.process_time``), per run and
per block, with the machine's 1-minute load average at the end of each block. On a shared machine the
wall clock grows with the other jobs; the CPU seconds much less (they still grow somewhat, as the
caches are shared), so compare runs by CPU seconds and say the load.

How the records are generated (seeded, reproducible; the distributions imitate a conflict-news feed):

* time: records arrive in publication order over ``--days`` days (default 5 years), evenly with jitter;
* stories: each record starts a new story with probability ``--p-new`` (default 0.08, i.e. a mean of
  about 12 articles per story); otherwise it joins a story that is still active (born within the last
  ``--active-days`` days), chosen with a heavy-tailed popularity (Pareto, α = 1.2), so a few stories get
  hundreds of articles and most get a handful;
* entities: 3,000 canonical actors and 30,000 places with Zipf popularity (s = 1.0; "Syria" and the
  large armies are everywhere, most villages appear once). A story has 1–3 core actors and 1–3 core
  places; a record carries 1–3 of each from its story plus 0–2 random ones from the global
  distribution (the background noise of every article);
* words: a 60,000-word vocabulary with Zipf frequencies (s = 1.1) for background text, and 40 topic
  words per story drawn from the mid-frequency range; a record has 80–200 tokens, 35 % from its
  story's topic words. Words are hashed into buckets exactly as ``linking.similarity.hashed`` does.

Generation time is excluded from the linking time (records of a block are generated first, then
linked under the clock).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass

import numpy as np
import psutil

from crosswire.linking.similarity import DIM
from crosswire.linking.stories import ArticleFeatures, LinkConfig, StoryIndex

VOCAB = 60_000
N_ACTORS = 3_000
N_PLACES = 30_000
TOPIC_WORDS = 40
START_DAY = 736_330  # 2017-01-01 as an ordinal


@dataclass(slots=True)
class _TrueStory:
    born: int
    weight: float
    actors: np.ndarray
    places: np.ndarray
    topic: np.ndarray


def _zipf_p(n: int, s: float) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** s
    return p / p.sum()


class Generator:
    """Synthetic article records with a known story for each (see the module docstring)."""

    def __init__(self, *, n: int, days: int, p_new: float, active_days: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.n, self.days, self.p_new, self.active_days = n, days, p_new, active_days
        self.word_p = _zipf_p(VOCAB, 1.1)
        self.word_cdf = np.cumsum(self.word_p)
        self.actor_cdf = np.cumsum(_zipf_p(N_ACTORS, 1.0))
        self.place_cdf = np.cumsum(_zipf_p(N_PLACES, 1.0))
        self.bucket = np.array([zlib.crc32(f"w:{i}".encode()) & (DIM - 1) for i in range(VOCAB)], dtype=np.int64)
        self.stories: list[_TrueStory] = []
        self.active: list[int] = []  # story ids still taking articles, oldest first
        self.i = 0

    def _draw(self, cdf: np.ndarray, k: int) -> np.ndarray:
        return np.searchsorted(cdf, self.rng.random(k) * cdf[-1])

    def _new_story(self, day: int) -> int:
        r = self.rng
        self.stories.append(
            _TrueStory(
                born=day,
                weight=float(r.pareto(1.2) + 1.0),
                actors=self._draw(self.actor_cdf, int(r.integers(1, 4))),
                places=self._draw(self.place_cdf, int(r.integers(1, 4))),
                topic=r.integers(2_000, 40_000, TOPIC_WORDS),
            )
        )
        self.active.append(len(self.stories) - 1)
        return len(self.stories) - 1

    def block(self, size: int) -> tuple[list[ArticleFeatures], list[int]]:
        """Generate the next ``size`` records.

        RETURNS (tuple[list[ArticleFeatures], list[int]]): the records and their true story ids.
        """
        r = self.rng
        feats: list[ArticleFeatures] = []
        truth: list[int] = []
        for _ in range(min(size, self.n - self.i)):
            day = START_DAY + int(self.i * self.days / self.n) + int(r.integers(-2, 3))
            while self.active and self.stories[self.active[0]].born < day - self.active_days:
                self.active.pop(0)
            if not self.active or r.random() < self.p_new:
                sid = self._new_story(day)
            else:
                w = np.array([self.stories[s].weight for s in self.active])
                sid = self.active[int(np.searchsorted(np.cumsum(w), r.random() * w.sum()))]
            st = self.stories[sid]
            n_tok = int(r.integers(80, 201))
            n_topic = int(n_tok * 0.35)
            toks = np.concatenate([st.topic[r.integers(0, TOPIC_WORDS, n_topic)], self._draw(self.word_cdf, n_tok - n_topic)])
            counts = Counter(self.bucket[toks].tolist())
            actors = set(r.choice(st.actors, int(r.integers(1, len(st.actors) + 1)), replace=False).tolist())
            actors.update(self._draw(self.actor_cdf, int(r.integers(0, 3))).tolist())
            places = set(r.choice(st.places, int(r.integers(1, len(st.places) + 1)), replace=False).tolist())
            places.update(self._draw(self.place_cdf, int(r.integers(0, 3))).tolist())
            feats.append(
                ArticleFeatures(
                    article_id=f"{self.i:016x}",
                    counts=counts,
                    actors=frozenset(f"A{a}" for a in actors),
                    places=frozenset(str(p) for p in places),
                    day=day,
                )
            )
            truth.append(sid)
            self.i += 1
        return feats, truth


def bcubed(pred: list[str], truth: list[int]) -> dict[str, float]:
    """B-cubed precision, recall and F1 of a clustering against the true clusters.

    Args:
        pred (list[str]): the predicted cluster of each item.
        truth (list[int]): the true cluster of each item.
    RETURNS (dict[str, float]): ``p``, ``r``, ``f1``.
    """
    pair = Counter(zip(pred, truth))
    size_p = Counter(pred)
    size_t = Counter(truth)
    n = len(pred)
    # Each item of cell (c, t) has precision |c∩t|/|c| and recall |c∩t|/|t|.
    p = sum(k * k / size_p[c] for (c, _), k in pair.items()) / n
    r = sum(k * k / size_t[t] for (_, t), k in pair.items()) / n
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def run(args: argparse.Namespace) -> dict:
    proc = psutil.Process()
    gen = Generator(n=args.articles, days=args.days, p_new=args.p_new, active_days=args.active_days, seed=args.seed)
    index = StoryIndex(LinkConfig())
    truth: list[int] = []
    blocks = []
    linked = 0
    total = 0.0
    gen_total = 0.0
    cpu_total = 0.0
    peak = proc.memory_info().rss
    gc.freeze()  # the generator's arrays are long-lived; keep the collector's passes short
    load_start = os.getloadavg()[0]
    while linked < args.articles:
        t0 = time.perf_counter()
        feats, tr = gen.block(args.block)
        gen_total += time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        for f in feats:
            index.assign_features(f)
        dt = time.perf_counter() - t0
        dc = time.process_time() - c0
        total += dt
        cpu_total += dc
        truth.extend(tr)
        rss = proc.memory_info().rss
        peak = max(peak, rss)
        blocks.append(
            {
                "linked_before": linked,
                "records": len(feats),
                "seconds": round(dt, 3),
                "us_per_record": round(dt / len(feats) * 1e6, 1),
                "cpu_seconds": round(dc, 3),
                "cpu_us_per_record": round(dc / len(feats) * 1e6, 1),
                "load": round(os.getloadavg()[0], 2),  # 1-minute load average of the machine
                "stories": len(index),
                "rss_mb": round(rss / 2**20, 1),
            }
        )
        linked += len(feats)
        if not args.quiet:
            b = blocks[-1]
            print(
                f"{linked:>9,} linked  block {b['seconds']:6.2f} s ({b['us_per_record']:7.1f} µs/record, "
                f"CPU {b['cpu_us_per_record']:7.1f})  load {b['load']:4.1f}  stories {b['stories']:>8,}  "
                f"rss {b['rss_mb']:8.1f} MB",
                file=sys.stderr,
            )
        if total > args.max_seconds:
            print(f"stopped after {total:.0f} s of linking (--max-seconds)", file=sys.stderr)
            break
    gc.unfreeze()
    pred = [index.story_of(f"{i:016x}") or "" for i in range(linked)]
    tenth = max(1, len(blocks) // 10)

    def growth(key: str) -> float:
        """The mean of a per-record cost in the last tenth of the blocks ÷ that in the first tenth."""
        first = np.mean([b[key] for b in blocks[:tenth]])
        last = np.mean([b[key] for b in blocks[-tenth:]])
        return round(float(last / first), 3)

    loads = [load_start] + [b["load"] for b in blocks]
    return {
        "articles": linked,
        "seconds": round(total, 1),
        "cpu_seconds": round(cpu_total, 1),  # less sensitive than wall time to other work on the machine
        "cpu_us_per_record": round(cpu_total / linked * 1e6, 1) if linked else None,
        "load": {"min": min(loads), "mean": round(float(np.mean(loads)), 2), "max": max(loads)},
        "articles_per_s": round(linked / total, 1) if total else None,
        "generation_seconds": round(gen_total, 1),
        "peak_rss_mb": round(peak / 2**20, 1),
        "true_stories": len(gen.stories),
        "stories": len(index),
        "cost_growth": growth("us_per_record"),  # wall µs/record in the last tenth ÷ the first tenth
        "cost_growth_cpu": growth("cpu_us_per_record"),  # the same in CPU time
        "bcubed": bcubed(pred, truth),
        "config": {k: getattr(args, k) for k in ("articles", "block", "days", "p_new", "active_days", "seed")},
        "blocks": blocks,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--block", type=int, default=10_000, help="records per timed block")
    ap.add_argument("--days", type=int, default=1_826, help="days the records span")
    ap.add_argument("--p-new", type=float, default=0.08, help="probability that a record starts a story")
    ap.add_argument("--active-days", type=int, default=30, help="days a story keeps taking articles")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--max-seconds", type=float, default=3600.0, help="stop linking after this much time")
    ap.add_argument("--out", help="also write the JSON object to this file")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    result = run(args)
    text = json.dumps(result)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
