"""Load benchmark of the web server (not a CI test).

Builds a store of N synthetic articles (default 100,000) in bulk: the two seed articles are analysed
once by the real pipeline, then their stored rows (articles, segments, sentences, mentions, places,
actors, events, flags, framing …) are copied N/2 times each by SQL with new ids, outlets and
publication dates. Stories are made by the real story index, fed synthetic features (ten articles a
story), so the story index state and the assignments agree as after a real ingest. The bodies of
the first --materialise stories are built and kept in the store, as the server's writes would have
done for stories that came in through POST (the bulk copy bypassed the writer). Then it starts
``crosswire serve`` in a subprocess and runs C concurrent clients on loopback against the list and
story endpoints (stories: the kept ones), in three read rounds of at most --requests requests and
--seconds each:

- ``cold``: right after startup (seed --seed);
- ``new``: new random requests from the same distribution (filters, sorts, pages, stories) but
  another seed (--seed + 1), so the server has warmed up but has not seen these requests;
- ``repeat``: the requests of the ``cold`` round again, in the same order (what any cache of
  answers would serve best).

Then it asks for a few stories never built (cold), and runs a phase of concurrent POSTs (with readers
still running) that checks no article is lost. Prints one JSON object (with the load average of the
machine before and after, and the server's resident memory). With --workdir the store is built once
and reused.

    nice -n 10 .venv/bin/python bench/load_server.py --workdir /tmp/load --clients 50 --requests 5000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token-0123456789"
OUTLETS = [
    "RT", "Press TV", "Reuters", "AP", "AFP", "Al Jazeera", "BBC", "SANA", "Anadolu", "TASS", "Xinhua", "CNN",
    "The Guardian", "France 24", "Deutsche Welle", "Al Arabiya", "Sputnik", "Haaretz", "Kurdistan 24", "Enab Baladi",
]  # fmt: skip
PER_STORY = 10  # articles per synthetic story (5 copies of each seed)


def log(msg: str) -> None:
    print(f"[load_server] {msg}", file=sys.stderr, flush=True)


def seed_store(path: Path) -> None:
    """Analyse the seed articles with the real pipeline."""
    from crosswire.config import Config
    from crosswire.ingest.readers import read_inputs
    from crosswire.pipeline import run
    from crosswire.resources import Resources
    from crosswire.store import Store

    cfg = Config()
    with Store.open(path) as store:
        run(read_inputs([str(ROOT / "examples")], max_bytes=cfg.max_bytes), Resources.load(cfg), cfg, store=store)


def build_store(path: Path, seed: Path, n: int) -> dict:
    """Copy the seed rows into ``path`` n/2 times each, and link them into stories of PER_STORY."""
    import duckdb

    from crosswire.linking import StoryIndex
    from crosswire.linking.similarity import hashed
    from crosswire.linking.stories import ArticleFeatures
    from crosswire.store import Store

    t0 = time.perf_counter()
    Store.open(path).close()  # schema and migrations
    con = duckdb.connect(str(path))
    con.execute(f"ATTACH '{seed}' AS seed (READ_ONLY)")
    copies = n // 2
    outlets = pa.table({"k": list(range(len(OUTLETS))), "name": OUTLETS})
    con.register("outlet_names", outlets)
    # One row per synthetic article: its seed, its new id, outlet, story number and publication day.
    con.execute(
        f"""
        CREATE TEMP TABLE syn AS
        SELECT s.id AS seed_id, r.i * 2 + s.k AS n,
               substr(md5(s.id || ':' || r.i::VARCHAR), 1, 16) AS new_id,
               (r.i * 2 + s.k) // {PER_STORY} AS story,
               DATE '2015-01-01' + (((r.i * 2 + s.k) // {PER_STORY}) * 37 % 3650)::INTEGER
                   + ((r.i * 2 + s.k) % 3)::INTEGER AS day
        FROM range({copies}) r(i)
        CROSS JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM seed.articles) s
        """
    )
    con.execute("BEGIN")
    con.execute(
        f"""
        INSERT INTO articles BY NAME
        SELECT a.* REPLACE (
            syn.new_id AS id,
            (SELECT name FROM outlet_names WHERE k = syn.n % {len(OUTLETS)}) AS outlet,
            year(syn.day) AS published_year, month(syn.day) AS published_month, day(syn.day) AS published_day,
            'day' AS published_precision, 'metadata' AS published_provenance,
            'synthetic/' || syn.n::VARCHAR AS source,
            coalesce(a.title, 'Syrian troops capture Al-Mayadeen') || ' #' || syn.n::VARCHAR AS title
        )
        FROM seed.articles a JOIN syn ON syn.seed_id = a.id
        """
    )
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'article_id' "
            "AND table_catalog = 'seed' AND table_name NOT IN ('story_assignments') ORDER BY table_name"
        ).fetchall()
    ]
    for t in tables:
        con.execute(
            f"INSERT INTO {t} BY NAME SELECT x.* REPLACE (syn.new_id AS article_id) "
            f"FROM seed.{t} x JOIN syn ON syn.seed_id = x.article_id"
        )
    con.execute("COMMIT")
    t_rows = time.perf_counter() - t0
    log(f"copied {n} articles and their rows in {t_rows:.1f} s ({', '.join(tables)})")

    # Stories: the real story index, fed features that make ten articles one story.
    t1 = time.perf_counter()
    rows = con.execute("SELECT new_id, story, day FROM syn ORDER BY n").fetchall()
    index = StoryIndex()
    ids, sids, scores, news, reasons = [], [], [], [], []
    for aid, story, day in rows:
        words = [f"syn{story}w{k}" for k in range(24)] * 2 + [f"common{k}" for k in range(8)]
        f = ArticleFeatures(aid, hashed(words, prefix="w:"), frozenset({f"ACT{story % 500}"}), frozenset(), day.toordinal())
        a = index.assign_features(f)
        ids.append(aid)
        sids.append(a.story_id)
        scores.append(a.score)
        news.append(a.new)
        reasons.append(json.dumps(list(a.reasons)))
    sids = [index.resolve(s) for s in sids]  # merges rename earlier assignments
    con.register(
        "_sa",
        pa.table({"article_id": ids, "story_id": sids, "score": scores, "is_new": news, "reasons": reasons}),
    )
    con.execute("BEGIN")
    con.execute(
        "INSERT INTO story_assignments SELECT article_id, story_id, score, is_new, reasons::JSON, now() FROM _sa"
    )
    con.execute("INSERT OR REPLACE INTO linking_state VALUES ('stories', ?, now())", [json.dumps(index.to_state())])
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    n_stories = con.execute("SELECT count(DISTINCT story_id) FROM story_assignments").fetchone()[0]
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ["articles", *tables, "story_assignments"]}
    con.close()
    log(f"linked {n} articles into {n_stories} stories in {time.perf_counter() - t1:.1f} s")
    return {"build_rows_s": round(t_rows, 1), "build_links_s": round(time.perf_counter() - t1, 1),
            "stories": n_stories, "rows": counts}  # fmt: skip


def materialise(db: Path, n: int) -> dict:
    """Build and keep the bodies of the first ``n`` stories by last_seen (the ones the clients read).

    A store filled through the server has these from its writes (each POST builds the stories it
    changes); this bulk-copied store bypassed the writer, so the bench builds them here, once, with
    the server's own code. Stories already kept (and still valid) are skipped.
    """
    from crosswire.server import queries
    from crosswire.server.settings import ServerSettings
    from crosswire.server.state import ServerState

    t0 = time.perf_counter()
    st = ServerState(ServerSettings(db=str(db)))
    try:
        ids: list[str] = []
        for off in range(0, n, 500):
            page = queries.list_stories(st.reader(), sort="last_seen", limit=min(500, n - off), offset=off)
            ids += [s.id for s in page.items]
        built = 0
        for k in range(0, len(ids), 50):
            built += st.materialise(ids[k : k + 50])
            log(f"stories kept: {k + 50}/{len(ids)} ({built} built now)")
    finally:
        st.close()
    return {"stories": len(ids), "built": built, "seconds": round(time.perf_counter() - t0, 1)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "CROSSWIRE_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from crosswire.cli import main; main()", "serve", "--db", str(db), "--port", str(port), "--warm"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited: {proc.stderr.read()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("the server did not start in 300 s")


def rss_mb(pid: int) -> float | None:
    """RETURNS (float | None): the resident memory of a process in MB (Linux), None elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return round(values[k] * 1000, 1)


def summary(lat: list[float]) -> dict:
    return {"n": len(lat), "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "p99_ms": pct(lat, 99),
            "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None}  # fmt: skip


def make_requests(story_ids: list[str], rng: random.Random, n_articles: int):
    """The request mix: list endpoints with filters, sorting and pages, and single stories."""

    def article_list():
        return "articles", "/api/articles", {
            "offset": rng.randrange(0, 2000), "limit": 50,
            "sort": rng.choice(["published", "outlet", "ingested"]), "outlet": rng.choice([None, None, rng.choice(OUTLETS)]),
        }  # fmt: skip

    def story_list():
        return "stories", "/api/stories", {
            "offset": rng.randrange(0, 2000), "limit": 25, "sort": rng.choice(["articles", "last_seen", "first_seen"]),
        }  # fmt: skip

    def event_list():
        return "events", "/api/events", {
            "offset": rng.randrange(0, 2000), "limit": 50,
            "type": rng.choice([None, "Battles", "ASSAULT"]), "outlet": rng.choice([None, rng.choice(OUTLETS)]),
        }  # fmt: skip

    # Readers open some stories far more often than others: a Zipf-like choice over the listed
    # stories. The first request of a story builds it (cold); later ones may hit the cache.
    weights = [1 / (rank + 1) for rank in range(len(story_ids))]
    seen: set[str] = set()

    def story():
        sid = rng.choices(story_ids, weights)[0]
        kind = "story_repeat" if sid in seen else "story_first"
        seen.add(sid)
        return kind, f"/api/stories/{sid}", {}

    mix = [article_list, story_list, event_list, story, story]
    return lambda: rng.choice(mix)()


class RawClient:
    """A lean HTTP/1.1 keep-alive client on one connection (GET only), so the load generator, which
    shares the machine with the server, costs little CPU per request (httpx's async client costs
    about 3.7 ms of CPU a request here, more than the server's cached answer). Answers must carry a
    Content-Length (the server's do)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> tuple[int, bytes]:
        """RETURNS (tuple[int, bytes]): the status and the (still gzip-compressed, if so) body."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(
            f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept-Encoding: gzip\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await self.reader.readexactly(length)
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def load_phase(
    base: str, story_ids: list[str], clients: int, total: int, seconds: float, n_articles: int, *, seed: int
) -> dict:
    """One read round: ``clients`` keep-alive clients send requests drawn (with this seed) from the
    mix of ``make_requests`` until ``total`` are sent or ``seconds`` have passed."""
    from urllib.parse import urlencode, urlsplit

    rng = random.Random(seed)
    pick = make_requests(story_ids, rng, n_articles)
    lat: dict[str, list[float]] = {}
    errors: list[str] = []
    sent = 0
    stop_at = time.monotonic() + seconds
    url = urlsplit(base)

    async def client() -> None:
        nonlocal sent
        c = RawClient(url.hostname, url.port)
        try:
            while sent < total and time.monotonic() < stop_at:
                sent += 1
                kind, path, params = pick()
                query = urlencode({k: v for k, v in params.items() if v is not None})
                t = time.perf_counter()
                try:
                    status, _ = await c.get(f"{path}?{query}" if query else path)
                    if status != 200:
                        errors.append(f"{status} {path}")
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    errors.append(f"{type(exc).__name__} {path}")
                    await c.close()
                    c = RawClient(url.hostname, url.port)
                lat.setdefault(kind, []).append(time.perf_counter() - t)
        finally:
            await c.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    wall = time.perf_counter() - t0
    every = [x for v in lat.values() for x in v]
    return {
        "seed": seed, "requests": len(every), "errors": len(errors), "error_samples": errors[:5], "seconds": round(wall, 1),
        "requests_per_s": round(len(every) / wall, 1), **summary(every),
        "by_endpoint": {k: summary(v) for k, v in sorted(lat.items())},
    }  # fmt: skip


def cold_stories(base: str, n: int) -> dict:
    """One client asks for n stories that no write built (far down the list, at a place that differs each
    run, so that a reused store has not kept them), one after another."""
    lat: list[float] = []
    offset = 2000 + random.Random(time.time_ns()).randrange(0, 7000)
    with httpx.Client(base_url=base, timeout=120) as c:
        params = {"limit": n, "offset": offset, "sort": "last_seen"}
        ids = [s["id"] for s in c.get("/api/stories", params=params).json()["items"]]
        for sid in ids:
            t = time.perf_counter()
            r = c.get(f"/api/stories/{sid}")
            lat.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text
    return summary(lat)


async def post_phase(base: str, n_posts: int, post_clients: int, readers: int) -> dict:
    seeds = [p.read_text("utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    nonce = f"{time.time_ns():x}"  # a new text each run, so a reused store takes every POST as new
    bodies = [
        f"{seeds[i % len(seeds)]}\n\nUpdate {i} ({nonce}): a further report said {i + 3} vehicles were seen near the city."
        for i in range(n_posts)
    ]
    queue = list(enumerate(bodies))
    post_lat: list[float] = []
    read_lat: list[float] = []
    results: dict[int, dict] = {}
    errors: list[str] = []
    done = False

    async def poster(c: httpx.AsyncClient) -> None:
        while queue:
            i, body = queue.pop()
            t = time.perf_counter()
            r = await c.post("/api/articles", content=body.encode(), params={"outlet": OUTLETS[i % len(OUTLETS)]},
                             headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"})  # fmt: skip
            post_lat.append(time.perf_counter() - t)
            if r.status_code != 201 or r.json()["stored"] != 1:
                errors.append(f"POST {r.status_code} {r.text[:200]}")
            else:
                results[i] = r.json()["articles"][0]

    async def reader(c: httpx.AsyncClient) -> None:
        url = httpx.URL(base)
        raw = RawClient(url.host, url.port)
        try:
            while not done:
                t = time.perf_counter()
                status, _ = await raw.get("/api/stories?limit=25")
                read_lat.append(time.perf_counter() - t)
                if status != 200:
                    errors.append(f"GET {status}")
        finally:
            await raw.close()

    async with httpx.AsyncClient(base_url=base, timeout=300) as c:
        before = (await c.get("/api/")).json()["counts"]["articles"]
        t0 = time.perf_counter()
        readers_task = asyncio.gather(*(reader(c) for _ in range(readers)))
        await asyncio.gather(*(poster(c) for _ in range(post_clients)))
        wall = time.perf_counter() - t0
        done = True
        await readers_task
        after = (await c.get("/api/")).json()["counts"]["articles"]
        missing = 0
        for art in results.values():
            r = await c.get(f"/api/articles/{art['id']}")
            if r.status_code != 200 or r.json()["story_id"] != art["story_id"]:
                missing += 1
    return {
        "posts": n_posts, "post_clients": post_clients, "readers": readers, "errors": len(errors),
        "error_samples": errors[:5], "seconds": round(wall, 1), "articles_before": before, "articles_after": after,
        "stored": len(results), "lost": len(results) - (after - before), "unreadable_after_post": missing,
        "post": summary(post_lat), "reads_during_posts": summary(read_lat),
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=5000, help="At most this many read requests.")
    ap.add_argument("--seconds", type=float, default=120, help="At most this long for the read phase.")
    ap.add_argument("--posts", type=int, default=24)
    ap.add_argument("--post-clients", type=int, default=8)
    ap.add_argument("--materialise", type=int, default=500,
                    help="Before the server starts, build and keep the bodies of the first N stories by last_seen, as "
                    "the server's writes would have, and have the clients read those; 0: read the first 2,000 stories, "
                    "each built on its first request.")
    ap.add_argument("--seed", type=int, default=7,
                    help="The seed of the cold round's requests; the new round uses seed + 1, the repeat round this seed again.")
    ap.add_argument("--rounds", default="cold,new,repeat",
                    help="The read rounds to run, in order (comma-separated): cold (after startup), new (same "
                    "distribution, another seed), repeat (the cold round's requests again).")
    ap.add_argument("--cold", type=int, default=10, help="Then ask for this many stories never built, one at a time.")
    ap.add_argument("--workdir", help="Keep the store here (default: a temporary folder, removed after).")
    args = ap.parse_args()
    try:  # the clients' event loop: uvloop when installed (less CPU taken from the server)
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="crosswire-load-"))
    work.mkdir(parents=True, exist_ok=True)
    proc = None
    try:
        seed, db = work / "seed.duckdb", work / f"load-{args.articles}.duckdb"
        built: dict = {"reused": True}
        if not db.exists():
            for p in (seed, db):
                p.unlink(missing_ok=True)
            seed_store(seed)
            built = build_store(db, seed, args.articles)
        kept = materialise(db, args.materialise) if args.materialise else None
        port = free_port()
        t = time.perf_counter()
        proc = start_server(db, port)
        startup = time.perf_counter() - t
        base = f"http://127.0.0.1:{port}"
        story_ids: list[str] = []
        n_read = args.materialise or 2000
        with httpx.Client(base_url=base, timeout=120) as c:
            for off in range(0, n_read, 500):
                params = {"limit": min(500, n_read - off), "offset": off, "sort": "last_seen"}
                story_ids += [s["id"] for s in c.get("/api/stories", params=params).json()["items"]]
            articles = c.get("/api/").json()["counts"]["articles"]
        log(f"server up in {startup:.1f} s with {articles} articles; read rounds")
        load_before = [round(x, 2) for x in os.getloadavg()]
        seeds = {"cold": args.seed, "new": args.seed + 1, "repeat": args.seed}
        reads: dict[str, dict] = {}
        for name in [r.strip() for r in args.rounds.split(",") if r.strip()]:
            if name not in seeds:
                raise SystemExit(f"unknown round {name!r}: use cold, new, repeat")
            reads[name] = asyncio.run(
                load_phase(base, story_ids, args.clients, args.requests, args.seconds, articles, seed=seeds[name])
            )
            log(f"round {name}: p95 {reads[name]['p95_ms']} ms, {reads[name]['requests_per_s']} req/s, "
                f"{reads[name]['errors']} errors")  # fmt: skip
        rss_after_reads = rss_mb(proc.pid)
        log("cold stories")
        cold = cold_stories(base, args.cold)
        log("post phase")
        posts = asyncio.run(post_phase(base, args.posts, args.post_clients, readers=max(1, args.clients // 5)))
        result = {
            "articles": articles, "clients": args.clients, "server_start_s": round(startup, 1), "build": built,
            "stories_kept": kept, "reads": reads, "cold_stories": cold, "write": posts, "target_p95_ms": 100,
            "p95_ok": {k: (v["p95_ms"] or 1e9) <= 100 and v["errors"] == 0 for k, v in reads.items()},
            "server_rss_mb": {"after_reads": rss_after_reads, "after_posts": rss_mb(proc.pid)},
            "loadavg": {"before_reads": load_before, "after": [round(x, 2) for x in os.getloadavg()]},
            "cpus": os.cpu_count(),
        }  # fmt: skip
        print(json.dumps(result))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
